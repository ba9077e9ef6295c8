package partymembers

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/pdfdoc"
	"shequ/internal/sheets"
)

// What the community sends each employer (单位): a quarterly service card
// (季度服务反馈卡) and a yearly evaluation (年度评价), listing the
// employer's members who reported here and their service, the yearly one
// with the grade and comment staff gave each member.

// Grades of the yearly evaluation.
var Grades = []string{"excellent", "competent", "basic", "incompetent"}

// GradeNames name the grades.
var GradeNames = map[string]string{"excellent": "优秀", "competent": "称职", "basic": "基本称职", "incompetent": "不称职"}

// Card is an employer's card of one quarter or year in a community.
type Card struct {
	Community string
	Employer  string
	PartyOrg  string
	Yearly    bool
	Period    string // 2026年第3季度, 2026年度
	Code      string // 2026Q3, 2026: the period as the sendings record it
	From, To  string
	Figures   EmployerFigures
	Made      time.Time
}

// Period reads a quarter (2026Q3, 2026-Q3) or a year (2026) as its days.
func Period(p string) (from, to, label string, yearly bool, err error) {
	p = strings.ToUpper(strings.TrimSpace(p))
	bad := fault.Fields{"period": "期间应为年份(如 2026)或季度(如 2026Q3)"}
	y, q, hasQ := strings.Cut(strings.ReplaceAll(p, "-", ""), "Q")
	year, e := strconv.Atoi(y)
	if e != nil || year < 2000 || year > 2100 {
		return "", "", "", false, bad
	}
	if !hasQ {
		return y + "-01-01", y + "-12-31", y + "年度", true, nil
	}
	n, e := strconv.Atoi(q)
	if e != nil || n < 1 || n > 4 {
		return "", "", "", false, bad
	}
	first := time.Date(year, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
	return first.Format(dayLayout), first.AddDate(0, 3, -1).Format(dayLayout), y + "年第" + q + "季度", false, nil
}

// Card makes an employer's card of a period (a quarter or a year) in a
// community; a yearly card carries the grades.
func (s *Service) Card(ctx context.Context, community int64, employer, period string) (Card, error) {
	from, to, label, yearly, err := Period(period)
	if err != nil {
		return Card{}, err
	}
	c := Card{Employer: employer, Yearly: yearly, Period: label, Code: periodCode(from, yearly), From: from, To: to, Made: s.now()}
	if err := s.db.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1`, community).Scan(&c.Community); err != nil {
		return c, err
	}
	sum, err := s.Figures(ctx, []int64{community}, from, to)
	if err != nil {
		return c, err
	}
	f, ok := sum.Employer(employer)
	if !ok {
		return c, fault.New(fault.NotFound, "该单位在此期间没有在本社区报到的党员")
	}
	year, _ := strconv.Atoi(from[:4])
	for i, m := range f.People {
		if m.PartyOrg != "" && c.PartyOrg == "" {
			c.PartyOrg = m.PartyOrg
		}
		if yearly {
			err := s.db.QueryRowContext(ctx, `SELECT grade, comment FROM party_evaluations WHERE community_id = $1
				AND member_id = $2 AND year = $3`, community, m.ID, year).Scan(&f.People[i].Grade, &f.People[i].Comment)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return c, err
			}
		}
	}
	c.Figures = f
	return c, nil
}

// Title is the card's title.
func (c Card) Title() string {
	if c.Yearly {
		return "在职党员到社区报到服务年度评价表"
	}
	return "在职党员到社区报到服务季度反馈卡"
}

func (c Card) columns() []string {
	cols := []string{"姓名", "报到日期", "最近报到", "报到情况", "认领岗位", "结对户数", "结对走访", "微心愿", "服务次数", "服务时长(小时)"}
	if c.Yearly {
		cols = append(cols, "评价等次", "评语")
	}
	return cols
}

func (c Card) rows() [][]string {
	var out [][]string
	for _, m := range c.Figures.People {
		state := "按时报到"
		switch {
		case !m.Active:
			state = "已退出"
		case m.Overdue:
			state = "逾期未报到"
		}
		posts := strings.Join(m.Posts, "、")
		if posts == "" {
			posts = "—"
		}
		row := []string{m.Name, m.ReportedOn, m.LastReportedOn, state, posts, strconv.Itoa(m.Pairings),
			strconv.Itoa(m.PairVisits), strconv.Itoa(m.Wishes), strconv.Itoa(m.Records), Hours(m.Minutes)}
		if c.Yearly {
			g := GradeNames[m.Grade]
			if g == "" {
				g = "未评价"
			}
			row = append(row, g, m.Comment)
		}
		out = append(out, row)
	}
	return out
}

func (c Card) totals() []string {
	f := c.Figures
	row := []string{"合计 " + strconv.Itoa(len(f.People)) + " 人", "", "", "逾期 " + strconv.Itoa(f.Overdue) + " 人",
		strconv.Itoa(f.Posts) + " 人认领", strconv.Itoa(f.Pairings), strconv.Itoa(f.PairVisits), strconv.Itoa(f.Wishes),
		strconv.Itoa(f.Records), Hours(f.Minutes)}
	if c.Yearly {
		row = append(row, "", "")
	}
	return row
}

// PDF writes the card as an A4 document (landscape: the table is wide).
func (c Card) PDF() ([]byte, error) {
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Landscape: true, Title: c.Title() + " " + c.Employer,
		Footer: c.Community + " · " + c.Period, PageNumbers: true, Created: c.Made})
	if err != nil {
		return nil, err
	}
	d.AddPage()
	d.Title(c.Title(), 16, 10, "C")
	d.Gap(2)
	to := c.Employer
	if c.PartyOrg != "" {
		to += " " + c.PartyOrg
	}
	f := c.Figures
	d.Fields([][2]string{{"致", to}, {"社区", c.Community}, {"期间", c.Period + "(" + c.From + " 至 " + c.To + ")"},
		{"概况", "在本社区报到党员 " + strconv.Itoa(len(f.People)) + " 人,服务 " + strconv.Itoa(f.Records) + " 次,共 " +
			Hours(f.Minutes) + " 小时;结对 " + strconv.Itoa(f.Pairings) + " 户,结对走访 " + strconv.Itoa(f.PairVisits) +
			" 次;实现微心愿 " + strconv.Itoa(f.Wishes) + " 个;逾期未报到 " + strconv.Itoa(f.Overdue) + " 人。"}})
	d.Gap(3)
	var cols []pdfdoc.Column
	for i, t := range c.columns() {
		col := pdfdoc.Column{Title: t, Align: "L"}
		switch {
		case i == 0:
			col.Width = 22
		case i == 1 || i == 2:
			col.Width = 24
		case i == 3:
			col.Width = 22
		case i >= 5 && i <= 9:
			col.Width, col.Align = 16, "R"
		case i == 10:
			col.Width = 18
		}
		cols = append(cols, col)
	}
	d.Table(cols, append(c.rows(), c.totals()))
	d.Gap(6)
	if c.Yearly {
		d.Text("评价等次:优秀、称职、基本称职、不称职。以上情况请单位党组织纳入党员年度考核和民主评议党员参考。")
	} else {
		d.Text("以上为本季度在职党员到社区报到服务情况,请单位党组织掌握并督促党员参加社区服务。")
	}
	d.Gap(8)
	d.Text(c.Community + "党组织(盖章)        " + c.Made.In(time.FixedZone("CST", 8*3600)).Format("2006年1月2日"))
	return d.Bytes()
}

// XLSX writes the card as a workbook: the members' sheet, then the
// summary.
func (c Card) XLSX(w io.Writer) error {
	x, err := sheets.NewXLSX(w)
	if err != nil {
		return err
	}
	sheet := "季度反馈卡"
	if c.Yearly {
		sheet = "年度评价"
	}
	if err := x.Sheet(sheet); err != nil {
		return err
	}
	if err := x.WriteRow(c.columns()); err != nil {
		return err
	}
	for _, r := range append(c.rows(), c.totals()) {
		for i := range r {
			r[i] = sheets.DefuseFormula(r[i])
		}
		if err := x.WriteRow(r); err != nil {
			return err
		}
	}
	if err := x.Sheet("概况"); err != nil {
		return err
	}
	f := c.Figures
	for _, r := range [][]string{{"项目", "内容"}, {"标题", c.Title()}, {"社区", c.Community}, {"单位", c.Employer},
		{"单位党组织", c.PartyOrg}, {"期间", c.Period}, {"起", c.From}, {"止", c.To},
		{"报到党员(人)", strconv.Itoa(len(f.People))}, {"逾期未报到(人)", strconv.Itoa(f.Overdue)},
		{"服务次数", strconv.Itoa(f.Records)}, {"服务时长(小时)", Hours(f.Minutes)}, {"结对户数", strconv.Itoa(f.Pairings)},
		{"结对走访(次)", strconv.Itoa(f.PairVisits)}, {"实现微心愿(个)", strconv.Itoa(f.Wishes)}} {
		for i := range r {
			r[i] = sheets.DefuseFormula(r[i])
		}
		if err := x.WriteRow(r); err != nil {
			return err
		}
	}
	return x.Close()
}

// Grade records staff's grade of a member for a year (年度评价), version 0
// for the first grade; a grade changed meanwhile is a conflict.
func (s *Service) Grade(ctx context.Context, by Staff, member int64, year, grade, comment string, version int) error {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return err
	}
	fe := fault.Fields{}
	y, err := strconv.Atoi(strings.TrimSpace(year))
	if err != nil || y < 2000 || y > 2100 {
		fe.Add("year", "请填写年度,如 2026")
	} else if strconv.Itoa(y) > s.today()[:4] {
		fe.Add("year", "不能评价尚未开始的年度")
	} else if strconv.Itoa(y) < m.ReportedOn[:4] {
		fe.Add("year", "该党员 "+m.ReportedOn[:4]+" 年才报到")
	}
	if GradeNames[grade] == "" {
		fe.Add("grade", "请选择评价等次:优秀、称职、基本称职或不称职")
	}
	textField(fe, "comment", "评语", &comment, 300, grade == "basic" || grade == "incompetent")
	if err := fe.Err(); err != nil {
		return err
	}
	now := database.FormatTime(s.now())
	var res sql.Result
	if version == 0 {
		res, err = s.db.ExecContext(ctx, `INSERT INTO party_evaluations (community_id, member_id, year, grade, comment, version,
			updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT (community_id, member_id, year) DO NOTHING`,
			m.CommunityID, m.ID, y, grade, comment, now, by.Name)
	} else {
		res, err = s.db.ExecContext(ctx, `UPDATE party_evaluations SET grade = $1, comment = $2, version = version + 1,
			updated_at = $3, updated_by = $4 WHERE community_id = $5 AND member_id = $6 AND year = $7 AND version = $8`,
			grade, comment, now, by.Name, m.CommunityID, m.ID, y, version)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.Conflict, "这名党员的年度评价已被他人修改,请刷新页面后再保存")
	}
	return nil
}

// Evaluation is a member's grade of a year.
type Evaluation struct {
	Year    int    `json:"year"`
	Grade   string `json:"grade"`
	Comment string `json:"comment"`
	Version int    `json:"version"`
	By      string `json:"by"`
}

// Evaluations lists a member's grades, newest year first.
func (s *Service) Evaluations(ctx context.Context, m Member) ([]Evaluation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT year, grade, comment, version, updated_by FROM party_evaluations
		WHERE community_id = $1 AND member_id = $2 ORDER BY year DESC`, m.CommunityID, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		var e Evaluation
		if err := rows.Scan(&e.Year, &e.Grade, &e.Comment, &e.Version, &e.By); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
