package workaccess

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Request statuses: waiting for the review group, or its decision.
const (
	Pending         = "pending"
	AdmittedAsAsked = "admitted" // 准入
	AdmittedChanged = "changed"  // 修改后准入
	Refused         = "refused"  // 不予准入
)

// StatusName is the Chinese name of a request status.
func StatusName(s string) string {
	return nameOf([]Label{{Pending, "待审查"}, {AdmittedAsAsked, "准入"}, {AdmittedChanged, "修改后准入"}, {Refused, "不予准入"}}, s)
}

// Request is a department's application to add work to the catalogue.
type Request struct {
	ID int64
	Terms
	StartsOn    string
	ReceivedOn  string
	ReviewDue   string // the working day by which the group decides
	Status      string
	Reasons     string
	Changes     []Change
	DecidedAt   string
	DecidedBy   string
	ItemID      int64
	SubmittedBy string
	Version     int
	Late        bool // decided after ReviewDue, or still pending past it
}

// Change is one term the review group changed when admitting.
type Change struct {
	Field string `json:"field"`
	Label string `json:"label"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Settings are the two clocks, in working days.
type Settings struct {
	LeadWorkdays   int // a request arrives at least this many working days before its work starts
	ReviewWorkdays int // the review group decides within this many
}

// Settings reads the clocks.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st := Settings{LeadWorkdays: 30, ReviewWorkdays: 15}
	rows, err := s.db.QueryContext(ctx, `SELECT name, value FROM work_settings`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int
		if err := rows.Scan(&name, &v); err != nil {
			return st, err
		}
		switch name {
		case "lead_workdays":
			st.LeadWorkdays = v
		case "review_workdays":
			st.ReviewWorkdays = v
		}
	}
	return st, rows.Err()
}

// SetSettings changes the clocks; requests already received keep theirs.
func (s *Service) SetSettings(ctx context.Context, st Settings) error {
	fe := fault.Fields{}
	if st.LeadWorkdays < 0 || st.LeadWorkdays > 250 {
		fe.Add("lead_workdays", "提前工作日数应在 0–250 之间")
	}
	if st.ReviewWorkdays < 1 || st.ReviewWorkdays > 250 {
		fe.Add("review_workdays", "审查时限应在 1–250 个工作日之间")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for name, v := range map[string]int{"lead_workdays": st.LeadWorkdays, "review_workdays": st.ReviewWorkdays} {
			if _, err := tx.ExecContext(ctx, `UPDATE work_settings SET value = $1 WHERE name = $2`, v, name); err != nil {
				return err
			}
		}
		return nil
	})
}

func dateOf(t time.Time) string { return t.In(workdays.Shanghai).Format("2006-01-02") }

// Clocks are the dates a request received at now is held to: the earliest
// day its work may start, and the day by which the review group decides.
func (s *Service) Clocks(ctx context.Context, now time.Time) (earliestStart, reviewDue string, err error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return "", "", err
	}
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return "", "", err
	}
	return dateOf(cal.AddWorkdays(now, st.LeadWorkdays)), dateOf(cal.AddWorkdays(now, st.ReviewWorkdays)), nil
}

// Submit receives a department's request. departments are those the
// applicant acts for (nil: any). A start inside the lead window is refused
// at the field with the earliest date it may have.
func (s *Service) Submit(ctx context.Context, by string, departments []string, d Draft, startsOn string) (*Request, error) {
	p, err := s.Prepare(ctx, by, departments, d, startsOn)
	if err != nil {
		return nil, err
	}
	id, err := p.Insert(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return s.Request(ctx, id)
}

// Prepared is a request checked and dated, ready to be saved — by Submit,
// or inside the transaction of another record it belongs with (a data
// request's typed part), so that neither is saved without the other.
type Prepared struct {
	t                           Terms
	by, startsOn, received, due string
}

// Prepare checks a request as Submit does and dates it, saving nothing.
func (s *Service) Prepare(ctx context.Context, by string, departments []string, d Draft, startsOn string) (*Prepared, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	fe := fault.Fields{}
	t := d.terms(depts, fe)
	if departments != nil && t.Department != "" && !slices.Contains(departments, t.Department) {
		fe.Add("department", "只能以本人所在部门的名义申请")
	}
	now := s.now()
	earliest, due, err := s.Clocks(ctx, now)
	if err != nil {
		return nil, err
	}
	start, perr := workdays.ParseDate(startsOn)
	switch {
	case strings.TrimSpace(startsOn) == "":
		fe.Add("starts_on", "请填写工作开始日期,最早 "+earliest)
	case perr != nil:
		fe.Add("starts_on", "开始日期应为 年-月-日,如 "+earliest)
	case dateOf(start) < earliest:
		st, _ := s.Settings(ctx)
		fe.Add("starts_on", fmt.Sprintf("申请须在工作开始前至少 %d 个工作日提出,开始日期最早为 %s", st.LeadWorkdays, earliest))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return &Prepared{t: t, by: by, startsOn: dateOf(start), received: dateOf(now), due: due}, nil
}

// Insert saves the prepared request through q and returns its id.
func (p *Prepared) Insert(ctx context.Context, q database.Querier) (int64, error) {
	id, t := database.NewID(), p.t
	_, err := q.ExecContext(ctx, `INSERT INTO work_requests (id, kind, department, title, legal_basis, content,
		frequency, staff_minutes, funding_rule, funding_fen, authority, valid_from, valid_to, starts_on, received_on,
		review_due, submitted_by, system) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		id, t.Kind, t.Department, t.Title, t.LegalBasis, t.Content, t.Frequency, t.StaffMinutes, t.FundingRule,
		t.FundingFen, t.Authority, t.ValidFrom, t.ValidTo, p.startsOn, p.received, p.due, p.by, t.System)
	return id, err
}

const requestColumns = `r.id, r.kind, r.department, COALESCE(d.name, r.department), r.title, r.legal_basis, r.content,
	r.frequency, r.staff_minutes, r.funding_rule, r.funding_fen, r.authority, r.valid_from, r.valid_to, r.starts_on,
	r.received_on, r.review_due, r.status, r.reasons, r.changes, r.decided_at, r.decided_by, COALESCE(r.item_id, 0),
	r.submitted_by, r.version, r.system FROM work_requests r LEFT JOIN departments d ON d.code = r.department`

func scanRequest(row interface{ Scan(...any) error }) (*Request, error) {
	var r Request
	var changes string
	err := row.Scan(&r.ID, &r.Kind, &r.Department, &r.DepartmentName, &r.Title, &r.LegalBasis, &r.Content,
		&r.Frequency, &r.StaffMinutes, &r.FundingRule, &r.FundingFen, &r.Authority, &r.ValidFrom, &r.ValidTo,
		&r.StartsOn, &r.ReceivedOn, &r.ReviewDue, &r.Status, &r.Reasons, &changes, &r.DecidedAt, &r.DecidedBy,
		&r.ItemID, &r.SubmittedBy, &r.Version, &r.System)
	if err == nil && changes != "" {
		err = json.Unmarshal([]byte(changes), &r.Changes)
	}
	return &r, err
}

// RequestFilter narrows the requests: by status ("decided" for all
// decisions) and by the departments the caller acts for (nil: all).
type RequestFilter struct {
	Status      string
	Departments []string
}

// Requests lists requests, the longest waiting first, each marked late on
// the working-day calendar.
func (s *Service) Requests(ctx context.Context, f RequestFilter) ([]*Request, error) {
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	a := s.db.Args()
	var where []string
	switch f.Status {
	case "":
	case "decided":
		where = append(where, "r.status <> 'pending'")
	default:
		where = append(where, "r.status = "+a.Arg(f.Status))
	}
	if f.Departments != nil {
		if len(f.Departments) == 0 {
			return nil, nil
		}
		where = append(where, a.In("r.department", database.AnyOf(f.Departments)...))
	}
	q := `SELECT ` + requestColumns
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	order := ` ORDER BY r.review_due, r.id`
	if f.Status == "decided" {
		order = ` ORDER BY r.decided_at DESC, r.id DESC`
	}
	rows, err := s.db.QueryContext(ctx, q+order, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Request
	now := s.now()
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		r.Late = workdays.Late(cal.DueBy(r.ReviewDue), database.ParseTime(r.DecidedAt), now)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Request reads one request.
func (s *Service) Request(ctx context.Context, id int64) (*Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.New(fault.NotFound, "没有这个准入申请")
	}
	if err != nil {
		return nil, err
	}
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	r.Late = workdays.Late(cal.DueBy(r.ReviewDue), database.ParseTime(r.DecidedAt), s.now())
	return r, nil
}

// Decision is the review group's decision on a request.
type Decision struct {
	Outcome string // AdmittedAsAsked, AdmittedChanged or Refused
	Reasons string // required to refuse
	Changed Draft  // the terms as admitted, for AdmittedChanged
}

// Decide records the review group's decision at the request's version; an
// admission puts the item in the catalogue in the same transaction.
func (s *Service) Decide(ctx context.Context, by string, id int64, version int, d Decision) (*Request, error) {
	r, err := s.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status != Pending {
		return nil, fault.New(fault.Illegal, "该申请已有审查决定")
	}
	fe := fault.Fields{}
	terms := r.Terms
	var changes []Change
	reasons := strings.TrimSpace(d.Reasons)
	switch d.Outcome {
	case AdmittedAsAsked:
	case AdmittedChanged:
		depts, err := s.Departments(ctx)
		if err != nil {
			return nil, err
		}
		terms = d.Changed.terms(depts, fe)
		if len(fe) == 0 {
			if changes = diff(r.Terms, terms); len(changes) == 0 {
				fe.Add("outcome", "未修改任何内容,请选择“准入”")
			}
		}
	case Refused:
		if reasons == "" {
			fe.Add("reasons", "不予准入须写明理由")
		}
	default:
		fe.Add("outcome", "请选择审查决定")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	stamp := database.FormatTime(now)
	var itemID any
	cj := ""
	if changes != nil {
		b, _ := json.Marshal(changes)
		cj = string(b)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if d.Outcome != Refused {
			iid := database.NewID()
			itemID = iid
			if _, err := tx.ExecContext(ctx, `INSERT INTO work_items (id, kind, department, title, legal_basis, content,
				frequency, staff_minutes, funding_rule, funding_fen, authority, valid_from, valid_to, request_id,
				updated_at, updated_by, system) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
				iid, terms.Kind, terms.Department, terms.Title, terms.LegalBasis, terms.Content, terms.Frequency,
				terms.StaffMinutes, terms.FundingRule, terms.FundingFen, terms.Authority, terms.ValidFrom, terms.ValidTo,
				id, stamp, by, terms.System); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE work_requests SET status = $1, reasons = $2, changes = $3,
			decided_at = $4, decided_by = $5, item_id = $6, version = version + 1
			WHERE id = $7 AND version = $8 AND status = 'pending'`, d.Outcome, reasons, cj, stamp, by, itemID, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "该申请在您打开后已被他人处理,请刷新后查看")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Request(ctx, id)
}

// diff lists the terms the review group changed, in words.
func diff(a, b Terms) []Change {
	var out []Change
	add := func(field, label, from, to string) {
		if from != to {
			out = append(out, Change{field, label, from, to})
		}
	}
	add("kind", "类别", KindName(a.Kind), KindName(b.Kind))
	add("department", "提出部门", a.DepartmentName, b.DepartmentName)
	add("title", "事项名称", a.Title, b.Title)
	add("legal_basis", "依据", a.LegalBasis, b.LegalBasis)
	add("content", "工作内容", a.Content, b.Content)
	add("frequency", "频次", a.Frequency, b.Frequency)
	add("staff_hours", "每次工时(小时)", a.StaffHours(), b.StaffHours())
	add("funding", "经费", a.FundingText(), b.FundingText())
	add("authority", "下放权限", a.Authority, b.Authority)
	add("valid_from", "有效期起", a.ValidFrom, b.ValidFrom)
	add("valid_to", "有效期止", a.ValidTo, b.ValidTo)
	add("system", "部门业务系统", a.System, b.System)
	return out
}

// Now is the service's clock, for a form that shows today's deadlines.
func (s *Service) Now() time.Time { return s.now() }
