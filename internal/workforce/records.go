package workforce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Qualification is a certificate a person holds.
type Qualification struct {
	ID        int64
	StaffID   int64
	Kind      string
	Name      string
	Number    string
	IssuedOn  string
	ExpiresOn string
	Issuer    string
	Withdrawn bool
	Version   int
}

// Expired says whether the certificate has expired on day.
func (q Qualification) Expired(day string) bool { return q.ExpiresOn != "" && q.ExpiresOn < day }

// QualForm is a certificate as typed.
type QualForm struct{ Kind, Name, Number, IssuedOn, ExpiresOn, Issuer string }

// Training is one training attended.
type Training struct {
	ID        int64
	StaffID   int64
	HeldOn    string
	Title     string
	Organiser string
	Minutes   int
}

// TrainingForm is a training as typed; Hours with one decimal at most.
type TrainingForm struct{ HeldOn, Title, Organiser, Hours string }

// Assessment is one periodic assessment (年度/季度考核).
type Assessment struct {
	ID       int64
	StaffID  int64
	Period   string // 2026 or 2026Q1
	Score    int
	Grade    string
	Assessor string
	Note     string
	Version  int
}

// AssessmentForm is an assessment as typed.
type AssessmentForm struct{ Period, Score, Assessor, Note string }

// Band is a grade band: scores from MinScore up get the grade.
type Band struct {
	Grade    string
	Name     string
	MinScore int
}

// Card is everything recorded about one person.
type Card struct {
	*Member
	Qualifications []Qualification
	Training       []Training
	TrainingByYear []YearMinutes // newest first
	Assessments    []Assessment  // newest period first
	Changes        []Change
	Today          string
}

// YearMinutes is a year's training.
type YearMinutes struct {
	Year    string
	Minutes int
}

// Change is one change event of a person's records.
type Change struct {
	At      string
	Actor   string
	Op      string
	Changes string // JSON {field: [before, after]}
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func validDay(s string) bool {
	if !dayPattern.MatchString(s) {
		return false
	}
	_, err := time.Parse(database.DateLayout, s)
	return err == nil
}

// Bands reads the grade bands, highest first.
func (s *Service) Bands(ctx context.Context) ([]Band, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT grade, name, min_score FROM workforce_grade_bands ORDER BY min_score DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Band
	for rows.Next() {
		var b Band
		if err := rows.Scan(&b.Grade, &b.Name, &b.MinScore); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// GradeOf is the band a score falls in ("" when no band starts low enough).
func GradeOf(bands []Band, score int) Band {
	for _, b := range bands {
		if score >= b.MinScore {
			return b
		}
	}
	return Band{}
}

// GradeName names a grade code as the bands do.
func GradeName(bands []Band, grade string) string {
	for _, b := range bands {
		if b.Grade == grade {
			return b.Name
		}
	}
	return grade
}

var periodPattern = regexp.MustCompile(`^(\d{4})(?:Q([1-4]))?$`)

// periodEnd is the last day of an assessment period ("" for none).
func periodEnd(p string) string {
	m := periodPattern.FindStringSubmatch(p)
	if m == nil {
		return ""
	}
	if m[2] == "" {
		return m[1] + "-12-31"
	}
	q, _ := strconv.Atoi(m[2])
	return m[1] + [...]string{"", "-03-31", "-06-30", "-09-30", "-12-31"}[q]
}

// periodKey orders periods: by their end, a year after its last quarter.
func periodKey(p string) string {
	if p == "" {
		return ""
	}
	if len(p) == 4 {
		return periodEnd(p) + "1"
	}
	return periodEnd(p) + "0"
}

// periodStart is the first day of an assessment period.
func periodStart(p string) string {
	m := periodPattern.FindStringSubmatch(p)
	if m[2] == "" {
		return m[1] + "-01-01"
	}
	q, _ := strconv.Atoi(m[2])
	return m[1] + [...]string{"", "-01-01", "-04-01", "-07-01", "-10-01"}[q]
}

// PeriodName writes a period in words: 2026年度, 2026年第一季度.
func PeriodName(p string) string {
	m := periodPattern.FindStringSubmatch(p)
	if m == nil {
		return p
	}
	if m[2] == "" {
		return m[1] + "年度"
	}
	return m[1] + "年第" + [...]string{"", "一", "二", "三", "四"}[m[2][0]-'0'] + "季度"
}

// ParseHours reads hours with one decimal at most ("3", "1.5") as minutes.
func ParseHours(s string) (int, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 1 {
		return 0, false
	}
	h, err := strconv.Atoi(whole)
	if err != nil || h < 0 || h > 24 {
		return 0, false
	}
	m := h * 60
	if frac != "" {
		d, err := strconv.Atoi(frac)
		if err != nil {
			return 0, false
		}
		m += d * 6
	}
	return m, true
}

// Hours writes minutes as hours with one decimal: 90 → "1.5".
func Hours(minutes int) string {
	tenths := (minutes*10 + 30) / 60
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// may checks the actor may change the person's records and returns them.
func (s *Service) may(ctx context.Context, a Actor, staff int64) (*Member, error) {
	m, err := s.Member(ctx, staff)
	if err != nil {
		return nil, err
	}
	if a.May == nil || !a.May(m.CommunityID) {
		return nil, errNotYours
	}
	return m, nil
}

// AddQualification records a certificate of a person.
func (s *Service) AddQualification(ctx context.Context, a Actor, staff int64, f QualForm) (int64, error) {
	m, err := s.may(ctx, a, staff)
	if err != nil {
		return 0, err
	}
	q := Qualification{StaffID: m.StaffID, Kind: strings.TrimSpace(f.Kind), Name: strings.TrimSpace(f.Name),
		Number: strings.TrimSpace(f.Number), IssuedOn: strings.TrimSpace(f.IssuedOn), ExpiresOn: strings.TrimSpace(f.ExpiresOn),
		Issuer: strings.TrimSpace(f.Issuer)}
	fe := fault.Fields{}
	if QualKindName(q.Kind) == "" {
		fe.Add("kind", "请选择证书类别")
	} else if q.Name == "" {
		if q.Kind == "other" {
			fe.Add("name", "请填写证书名称")
		} else {
			q.Name = QualKindName(q.Kind)
		}
	}
	if len([]rune(q.Name)) > 60 {
		fe.Add("name", "证书名称不能超过60个字")
	}
	if q.Number == "" {
		fe.Add("number", "请填写证书编号")
	} else if len([]rune(q.Number)) > 40 {
		fe.Add("number", "证书编号不能超过40个字")
	}
	if !validDay(q.IssuedOn) {
		fe.Add("issued_on", "发证日期应为 年-月-日,如 2024-03-01")
	} else if q.IssuedOn > s.today() {
		fe.Add("issued_on", "发证日期不能晚于今天")
	}
	if q.ExpiresOn != "" {
		if !validDay(q.ExpiresOn) {
			fe.Add("expires_on", "有效期至应为 年-月-日,长期有效请留空")
		} else if validDay(q.IssuedOn) && q.ExpiresOn <= q.IssuedOn {
			fe.Add("expires_on", "有效期至应晚于发证日期")
		}
	}
	if len([]rune(q.Issuer)) > 60 {
		fe.Add("issuer", "发证机关不能超过60个字")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	q.ID = database.NewID()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workforce_qualifications WHERE community_id = $1
			AND staff_id = $2 AND number = $3 AND withdrawn = 0`, m.CommunityID, m.StaffID, q.Number).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fault.Fields{"number": "这张证书已经登记过"}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_qualifications (community_id, id, staff_id, kind, name, number,
			issued_on, expires_on, issuer, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			m.CommunityID, q.ID, m.StaffID, q.Kind, q.Name, q.Number, q.IssuedOn, q.ExpiresOn, q.Issuer,
			database.FormatTime(s.now()), a.Name); err != nil {
			return err
		}
		return s.change(ctx, tx, a, m.CommunityID, m.StaffID, "qualification", map[string][2]any{
			"qualification": {nil, q.Name + " " + q.Number}})
	})
	return q.ID, err
}

// WithdrawQualification marks a certificate recorded in error as
// withdrawn (作废); version is the certificate's as read.
func (s *Service) WithdrawQualification(ctx context.Context, a Actor, staff, id int64, version int) error {
	m, err := s.may(ctx, a, staff)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var name, number string
		err := tx.QueryRowContext(ctx, `SELECT name, number FROM workforce_qualifications WHERE community_id = $1 AND id = $2
			AND staff_id IN (`+idList(m.IDs())+`)`, m.CommunityID, id).Scan(&name, &number)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.NotFound, "没有这张证书")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE workforce_qualifications SET withdrawn = 1, version = version + 1
			WHERE community_id = $1 AND id = $2 AND version = $3 AND withdrawn = 0`, m.CommunityID, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		return s.change(ctx, tx, a, m.CommunityID, m.StaffID, "qualification", map[string][2]any{
			"qualification": {name + " " + number, nil}})
	})
}

// AddTraining records a training a person attended.
func (s *Service) AddTraining(ctx context.Context, a Actor, staff int64, f TrainingForm) (int64, error) {
	m, err := s.may(ctx, a, staff)
	if err != nil {
		return 0, err
	}
	t := Training{StaffID: m.StaffID, HeldOn: strings.TrimSpace(f.HeldOn), Title: strings.TrimSpace(f.Title),
		Organiser: strings.TrimSpace(f.Organiser)}
	fe := fault.Fields{}
	if !validDay(t.HeldOn) {
		fe.Add("held_on", "培训日期应为 年-月-日,如 2026-03-01")
	} else if t.HeldOn > s.today() {
		fe.Add("held_on", "培训日期不能晚于今天")
	}
	if t.Title == "" {
		fe.Add("title", "请填写培训内容")
	} else if len([]rune(t.Title)) > 80 {
		fe.Add("title", "培训内容不能超过80个字")
	}
	if len([]rune(t.Organiser)) > 60 {
		fe.Add("organiser", "主办单位不能超过60个字")
	}
	var ok bool
	if t.Minutes, ok = ParseHours(f.Hours); !ok || t.Minutes == 0 {
		fe.Add("hours", "学时应为大于0、不超过24的数,最多一位小数,如 3.5")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	t.ID = database.NewID()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// A day holds 24 hours at most, whatever was attended.
		var day int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM workforce_training WHERE community_id = $1
			AND staff_id IN (`+idList(m.IDs())+`) AND held_on = $2`, m.CommunityID, t.HeldOn).Scan(&day); err != nil {
			return err
		}
		if day+t.Minutes > 24*60 {
			return fault.Fields{"hours": fmt.Sprintf("%s 已登记 %s 学时,一天合计不能超过24学时", t.HeldOn, Hours(day))}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_training (community_id, id, staff_id, held_on, title, organiser,
			minutes, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.CommunityID, t.ID, m.StaffID, t.HeldOn, t.Title, t.Organiser, t.Minutes, database.FormatTime(s.now()), a.Name); err != nil {
			return err
		}
		return s.change(ctx, tx, a, m.CommunityID, m.StaffID, "training", map[string][2]any{
			"training": {nil, t.HeldOn + " " + t.Title + " " + Hours(t.Minutes) + "学时"}})
	})
	return t.ID, err
}

// SaveAssessment records a new assessment (id 0) or changes one still at
// version; the grade follows from the bands.
func (s *Service) SaveAssessment(ctx context.Context, a Actor, staff, id int64, version int, f AssessmentForm) (int64, error) {
	m, err := s.may(ctx, a, staff)
	if err != nil {
		return 0, err
	}
	bands, err := s.Bands(ctx)
	if err != nil {
		return 0, err
	}
	x := Assessment{StaffID: m.StaffID, Period: strings.ToUpper(strings.TrimSpace(f.Period)),
		Assessor: strings.TrimSpace(f.Assessor), Note: strings.TrimSpace(f.Note)}
	fe := fault.Fields{}
	if !periodPattern.MatchString(x.Period) {
		fe.Add("period", "考核期应为年度(如 2026)或季度(如 2026Q1)")
	} else if periodStart(x.Period) > s.today() {
		fe.Add("period", PeriodName(x.Period)+"尚未开始,不能考核")
	}
	score, err := strconv.Atoi(strings.TrimSpace(f.Score))
	if err != nil || score < 0 || score > 100 {
		fe.Add("score", "得分应为 0 到 100 的整数")
	}
	x.Score = score
	if x.Assessor == "" {
		fe.Add("assessor", "请填写考核人或考核组")
	} else if len([]rune(x.Assessor)) > 40 {
		fe.Add("assessor", "考核人不能超过40个字")
	}
	if len([]rune(x.Note)) > 200 {
		fe.Add("note", "评语不能超过200个字")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	x.Grade = GradeOf(bands, x.Score).Grade
	at := database.FormatTime(s.now())
	ids := idList(m.IDs())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM workforce_assessments WHERE community_id = $1
			AND staff_id IN (`+ids+`) AND period = $2`, m.CommunityID, x.Period).Scan(&other)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if other != 0 && other != id {
			return fault.Fields{"period": PeriodName(x.Period) + "已有考核记录,请在原记录上修改"}
		}
		if id == 0 {
			x.ID = database.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_assessments (community_id, id, staff_id, period, score, grade,
				assessor, note, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				m.CommunityID, x.ID, m.StaffID, x.Period, x.Score, x.Grade, x.Assessor, x.Note, at, a.Name); err != nil {
				return err
			}
			return s.change(ctx, tx, a, m.CommunityID, m.StaffID, "assessment", map[string][2]any{
				"assessment": {nil, fmt.Sprintf("%s %d分 %s", PeriodName(x.Period), x.Score, GradeName(bands, x.Grade))}})
		}
		var before Assessment
		err = tx.QueryRowContext(ctx, `SELECT period, score, grade, assessor FROM workforce_assessments WHERE community_id = $1
			AND id = $2 AND staff_id IN (`+ids+`)`, m.CommunityID, id).Scan(&before.Period, &before.Score, &before.Grade, &before.Assessor)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.NotFound, "没有这条考核记录")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE workforce_assessments SET period = $1, score = $2, grade = $3, assessor = $4,
			note = $5, version = version + 1, recorded_at = $6, recorded_by = $7
			WHERE community_id = $8 AND id = $9 AND version = $10`,
			x.Period, x.Score, x.Grade, x.Assessor, x.Note, at, a.Name, m.CommunityID, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		x.ID = id
		return s.change(ctx, tx, a, m.CommunityID, m.StaffID, "assessment", map[string][2]any{
			"assessment": {fmt.Sprintf("%s %d分 %s", PeriodName(before.Period), before.Score, GradeName(bands, before.Grade)),
				fmt.Sprintf("%s %d分 %s", PeriodName(x.Period), x.Score, GradeName(bands, x.Grade))}})
	})
	return x.ID, err
}

// idList writes ids for an IN list; they are ids read from the database,
// never input.
func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

// CardOf reads everything recorded about the person of an assignment.
func (s *Service) CardOf(ctx context.Context, staff int64) (*Card, error) {
	m, err := s.Member(ctx, staff)
	if err != nil {
		return nil, err
	}
	c := &Card{Member: m, Today: s.today()}
	ids := idList(m.IDs())
	rows, err := s.db.QueryContext(ctx, `SELECT id, staff_id, kind, name, number, issued_on, expires_on, issuer, withdrawn, version
		FROM workforce_qualifications WHERE community_id = $1 AND staff_id IN (`+ids+`) ORDER BY issued_on DESC, id`, m.CommunityID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var q Qualification
		var w int
		if err := rows.Scan(&q.ID, &q.StaffID, &q.Kind, &q.Name, &q.Number, &q.IssuedOn, &q.ExpiresOn, &q.Issuer, &w, &q.Version); err != nil {
			rows.Close()
			return nil, err
		}
		q.Withdrawn = w != 0
		c.Qualifications = append(c.Qualifications, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT id, staff_id, held_on, title, organiser, minutes FROM workforce_training
		WHERE community_id = $1 AND staff_id IN (`+ids+`) ORDER BY held_on DESC, id DESC`, m.CommunityID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t Training
		if err := rows.Scan(&t.ID, &t.StaffID, &t.HeldOn, &t.Title, &t.Organiser, &t.Minutes); err != nil {
			rows.Close()
			return nil, err
		}
		c.Training = append(c.Training, t)
		if n := len(c.TrainingByYear); n == 0 || c.TrainingByYear[n-1].Year != t.HeldOn[:4] {
			c.TrainingByYear = append(c.TrainingByYear, YearMinutes{Year: t.HeldOn[:4]})
		}
		c.TrainingByYear[len(c.TrainingByYear)-1].Minutes += t.Minutes
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT id, staff_id, period, score, grade, assessor, note, version FROM workforce_assessments
		WHERE community_id = $1 AND staff_id IN (`+ids+`)`, m.CommunityID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x Assessment
		if err := rows.Scan(&x.ID, &x.StaffID, &x.Period, &x.Score, &x.Grade, &x.Assessor, &x.Note, &x.Version); err != nil {
			rows.Close()
			return nil, err
		}
		c.Assessments = append(c.Assessments, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortAssessments(c.Assessments)
	rows, err = s.db.QueryContext(ctx, `SELECT at, actor, op, changes FROM workforce_changes
		WHERE community_id = $1 AND staff_id IN (`+ids+`) ORDER BY at DESC, id DESC`, m.CommunityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ch Change
		if err := rows.Scan(&ch.At, &ch.Actor, &ch.Op, &ch.Changes); err != nil {
			return nil, err
		}
		c.Changes = append(c.Changes, ch)
	}
	return c, rows.Err()
}

// Assessment reads one of a person's assessments, for its form.
func (c *Card) Assessment(id int64) (Assessment, bool) {
	for _, x := range c.Assessments {
		if x.ID == id {
			return x, true
		}
	}
	return Assessment{}, false
}

// sortAssessments orders by period, newest first; a year after its
// quarters.
func sortAssessments(xs []Assessment) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && periodKey(xs[j].Period) > periodKey(xs[j-1].Period); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// TrainingYear sums the training of a person's card in a year.
func (c *Card) TrainingYear(year string) int {
	for _, y := range c.TrainingByYear {
		if y.Year == year {
			return y.Minutes
		}
	}
	return 0
}
