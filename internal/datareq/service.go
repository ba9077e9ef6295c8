package datareq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/workaccess"
)

// Service keeps data requests and computes their subscriptions.
type Service struct {
	db      *database.DB
	reports *reports.Service
	work    *workaccess.Service
	org     *orgtree.Store
	now     func() time.Time
}

// NewService returns the service; now nil is time.Now.
func NewService(db *database.DB, rep *reports.Service, work *workaccess.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, reports: rep, work: work, org: orgtree.NewStore(db), now: now}
}

// Draft is a request as a department fills it in.
type Draft struct {
	Department string
	Title      string
	UnitID     int64
	Unit       string // as typed in a form (code, id or name); read when UnitID is 0
	// Within, when set, says whether the applicant may ask about a place:
	// a department asks within the part of the tree its role covers.
	Within   func(access.Place) bool
	Period   string // 2026-11, 2026-Q4 or 2026: the first period, and so the frequency
	Lines    string // one item per line
	FundYuan string // funding per typed item per community and period, 元 (may be empty)
	// The 准入 terms of the typed remainder.
	LegalBasis string
	StartsOn   string
	// The subscription's layout: empty is the default wording.
	SheetTitle, HeadCode, HeadItem, HeadValue, HeadNote string
}

// Request is a submitted data request.
type Request struct {
	ID           int64
	Department   string
	Title        string
	UnitID       int64
	Period       string
	Frequency    string
	Communities  int
	TypedMinutes int
	OwedFen      int64
	// WorkRequestID is the one 准入 request for all typed items of a
	// request submitted before items were reviewed one by one; 0 since,
	// when each typed item has its own (Item.WorkRequestID).
	WorkRequestID int64
	SubmittedBy   string
	SubmittedAt   string
	Items         []Item
	Layout        Layout // the subscription's sheet title and headings as the department gave them
}

// MinutesPerItem is the setting for a community's time to type one item once.
func (s *Service) MinutesPerItem(ctx context.Context) (int, error) {
	v := 10
	err := s.db.QueryRowContext(ctx, `SELECT value FROM data_request_settings WHERE name = 'minutes_per_item'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return v, err
}

// Catalogue loads the indicator catalogue and the register's entities.
func (s *Service) Catalogue(ctx context.Context) (*Catalogue, error) {
	list, err := s.reports.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := s.reports.Registry(ctx)
	if err != nil {
		return nil, err
	}
	return NewCatalogue(list, reg), nil
}

// Preview is the cost the department sees before it submits.
func (s *Service) Preview(ctx context.Context, d Draft) (Cost, error) {
	fe := fault.Fields{}
	fen := d.check(fe)
	d.layout(fe)
	if err := s.resolveUnit(ctx, &d, fe); err != nil {
		return Cost{}, err
	}
	if err := fe.Err(); err != nil {
		return Cost{}, err
	}
	return s.cost(ctx, d, fen)
}

func (s *Service) cost(ctx context.Context, d Draft, fen int64) (Cost, error) {
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return Cost{}, err
	}
	comms, err := s.org.Descendants(ctx, d.UnitID, "community")
	if err != nil {
		return Cost{}, err
	}
	n := len(comms)
	if n == 0 { // the scope is a community itself
		n = 1
	}
	mins, err := s.MinutesPerItem(ctx)
	if err != nil {
		return Cost{}, err
	}
	c := Analyse(cat, strings.Split(d.Lines, "\n"), n, mins, fen)
	// The department's codes name its rows: one code, one row.
	seen := map[string]bool{}
	for _, it := range c.Items {
		if it.Code != "" && seen[it.Code] {
			return Cost{}, fault.Fields{"lines": "编码 " + it.Code + " 用了不止一次,每项的编码应各不相同"}.Err()
		}
		seen[it.Code] = true
	}
	return c, nil
}

// resolveUnit finds the scope unit and checks the applicant may ask about it.
func (s *Service) resolveUnit(ctx context.Context, d *Draft, fe fault.Fields) error {
	if d.UnitID == 0 {
		if strings.TrimSpace(d.Unit) == "" {
			fe.Add("unit", "请填写数据范围(街道或社区)")
			return nil
		}
		u, err := s.org.Find(ctx, strings.TrimSpace(d.Unit))
		if err != nil {
			fe.Add("unit", "找不到这个单位,请填写编号、区划代码或名称")
			return nil
		}
		d.UnitID = u.ID
	}
	if d.Within != nil {
		community, grid, err := s.org.Place(ctx, d.UnitID)
		if err != nil {
			return err
		}
		if !d.Within(access.Place{Community: community, Grid: grid, Org: d.UnitID}) {
			fe.Add("unit", "只能在本部门负责的范围内提出")
		}
	}
	return nil
}

// check validates what the cost needs and returns the funding in 分.
func (d Draft) check(fe fault.Fields) int64 {
	if _, err := indicators.ParsePeriod(d.Period); err != nil {
		fe.Add("period", "报告期应为 2026-10(月)、2026-Q4(季)或 2026(年)")
	}
	if strings.TrimSpace(d.Lines) == "" {
		fe.Add("lines", "请列出所需数据项,每行一项")
	}
	var fen int64
	if strings.TrimSpace(d.FundYuan) != "" {
		f, ok := workaccess.ParseYuan(d.FundYuan)
		if !ok || f < 0 {
			fe.Add("fund_yuan", "金额应为元,最多两位小数")
		}
		fen = f
	}
	return fen
}

// Submit records the request. The computed items become its subscription;
// each typed item goes to the review group as its own 准入 request in the
// department's name, decided on its own, so that no community sees an item
// unless it is admitted. departments are those the applicant acts for
// (nil: any).
func (s *Service) Submit(ctx context.Context, by string, departments []string, d Draft) (*Request, error) {
	fe := fault.Fields{}
	fen := d.check(fe)
	lay := d.layout(fe)
	if err := s.resolveUnit(ctx, &d, fe); err != nil {
		return nil, err
	}
	if strings.TrimSpace(d.Title) == "" {
		fe.Add("title", "请填写数据需求名称")
	}
	if departments != nil && !slices.Contains(departments, d.Department) {
		fe.Add("department", "只能以本人所在部门的名义提出")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	cost, err := s.cost(ctx, d, fen)
	if err != nil {
		return nil, err
	}
	p, _ := indicators.ParsePeriod(d.Period)
	r := &Request{Department: d.Department, Title: strings.TrimSpace(d.Title), UnitID: d.UnitID, Period: p.String(),
		Frequency: p.Freq, Communities: cost.Communities, TypedMinutes: cost.Typed * perItem(cost), OwedFen: cost.OwedFen,
		SubmittedBy: by, SubmittedAt: s.now().UTC().Format(time.RFC3339), Items: cost.Items, Layout: lay}
	// Every typed item is checked now and saved with the data request, in
	// its transaction: none is ever saved without the others.
	typed := make([]*workaccess.Prepared, len(r.Items))
	for i, it := range r.Items {
		if it.Computed {
			continue
		}
		typed[i], err = s.work.Prepare(ctx, by, departments, s.workDraft(d, r, it, perItem(cost), fen), d.StartsOn)
		if fe := fault.FieldsOf(err); fe != nil {
			return nil, onThisForm(fe)
		}
		if err != nil {
			return nil, err
		}
	}
	r.ID = database.NewID()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_requests (id, department, title, unit_id, period, frequency,
			communities, typed_minutes, owed_fen, submitted_by, submitted_at, sheet_title, head_code, head_item,
			head_value, head_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			r.ID, r.Department, r.Title, r.UnitID, r.Period, r.Frequency, r.Communities, r.TypedMinutes, r.OwedFen, by,
			r.SubmittedAt, lay.SheetTitle, lay.Code, lay.Item, lay.Value, lay.Note); err != nil {
			return err
		}
		for i := range r.Items {
			it := &r.Items[i]
			var wr any
			if typed[i] != nil {
				id, err := typed[i].Insert(ctx, tx)
				if err != nil {
					return err
				}
				it.WorkRequestID, it.Review, wr = id, workaccess.Pending, id
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO data_request_items (request_id, seq, code, text, kind, ref,
				label, computed, work_request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, i+1, it.Code,
				it.Text, it.Kind, it.Ref, it.Label, boolInt(it.Computed), wr); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// onThisForm moves the 准入 request's refusals to the fields of the data
// request's form: its valid_from is the start date, and what the form does
// not ask for was derived from the items.
func onThisForm(fe fault.Fields) error {
	out := fault.Fields{}
	for field, msg := range fe {
		switch field {
		case "legal_basis", "starts_on", "title", "department":
			out.Add(field, msg)
		case "valid_from":
			if fe["starts_on"] == "" {
				out.Add("starts_on", msg)
			}
		default:
			out.Add("lines", msg)
		}
	}
	return out.Err()
}

// perItem is the minutes one typed item costs one community once.
func perItem(c Cost) int {
	if c.Typed == 0 || c.Communities == 0 {
		return 0
	}
	return c.StaffMinutes / (c.Typed * c.Communities)
}

// workDraft is the 准入 request for one typed item: an assistance item
// whose time and funding are that item's per community and period.
func (s *Service) workDraft(d Draft, r *Request, it Item, minutes int, fen int64) workaccess.Draft {
	freq := map[string]string{indicators.Monthly: "每月", indicators.Quarterly: "每季", indicators.Yearly: "每年"}
	name := it.Text
	if it.Code != "" {
		name = it.Code + " " + it.Text
	}
	title := []rune("数据填报:" + it.Text)
	if len(title) > 80 { // the 准入 forms' limit on a title; the content keeps the whole line
		title = append(title[:79], '…')
	}
	wd := workaccess.Draft{Kind: workaccess.Assistance, Department: d.Department, Title: string(title),
		LegalBasis: d.LegalBasis, Content: fmt.Sprintf("数据需求“%s”中社区需每期手工填报的数据项:%s(首个报告期 %s)",
			r.Title, name, r.Period), Frequency: freq[r.Frequency], StaffHours: workaccess.Hours(minutes),
		FundingRule: workaccess.Unfunded, ValidFrom: d.StartsOn}
	if fen > 0 {
		wd.FundingRule = workaccess.PerOccurrence
		wd.FundingYuan = workaccess.Yuan(fen)
	}
	return wd
}

// Own reads a request the reader may see: departments are those the
// reader acts for (nil: any); another department's request is not found.
func (s *Service) Own(ctx context.Context, departments []string, id int64) (*Request, error) {
	r, err := s.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	if departments != nil && !slices.Contains(departments, r.Department) {
		return nil, fault.New(fault.NotFound, "没有这项数据需求")
	}
	return r, nil
}

// Request reads a data request with its items, each typed one with the
// state of its 准入 request. A request submitted before items were reviewed
// one by one has one 准入 request for all its typed items: each shows that.
func (s *Service) Request(ctx context.Context, id int64) (*Request, error) {
	r := &Request{ID: id}
	var wr sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT department, title, unit_id, period, frequency, communities, typed_minutes,
		owed_fen, work_request_id, submitted_by, submitted_at, sheet_title, head_code, head_item, head_value, head_note
		FROM data_requests WHERE id = $1`, id).Scan(&r.Department, &r.Title, &r.UnitID, &r.Period, &r.Frequency,
		&r.Communities, &r.TypedMinutes, &r.OwedFen, &wr, &r.SubmittedBy, &r.SubmittedAt, &r.Layout.SheetTitle,
		&r.Layout.Code, &r.Layout.Item, &r.Layout.Value, &r.Layout.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.New(fault.NotFound, "没有这项数据需求")
	}
	if err != nil {
		return nil, err
	}
	r.WorkRequestID = wr.Int64
	rows, err := s.db.QueryContext(ctx, `SELECT i.code, i.text, i.kind, i.ref, i.label, i.computed,
		COALESCE(w.id, 0), COALESCE(w.status, ''), COALESCE(w.reasons, '')
		FROM data_request_items i JOIN data_requests r ON r.id = i.request_id
		LEFT JOIN work_requests w ON i.computed = 0 AND w.id = COALESCE(i.work_request_id, r.work_request_id)
		WHERE i.request_id = $1 ORDER BY i.seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it Item
		var computed int
		if err := rows.Scan(&it.Code, &it.Text, &it.Kind, &it.Ref, &it.Label, &computed, &it.WorkRequestID, &it.Review,
			&it.Reasons); err != nil {
			return nil, err
		}
		it.Computed = computed != 0
		r.Items = append(r.Items, it)
	}
	return r, rows.Err()
}

// Figure is one computed item's value.
type Figure struct {
	Seq              int // the item's place in Request.Items
	Ref, Label, Text string
	Value            float64
}

// Figures computes the subscription's items for a period, with the
// report engine's definitions: aggregates only, never a person's record.
func (s *Service) Figures(ctx context.Context, r *Request, p indicators.Period) ([]Figure, error) {
	var out []Figure
	for i, it := range r.Items {
		if !it.Computed {
			continue
		}
		var ind indicators.Indicator
		switch it.Kind {
		case KindIndicator:
			var err error
			if ind, err = s.reports.Indicator(ctx, it.Ref); err != nil {
				return nil, err
			}
		case KindField:
			// A register field is delivered as the number of records it
			// is held on: the department gets a figure, never the rows.
			ent, _, _ := strings.Cut(it.Ref, ".")
			ind = indicators.Indicator{Code: "F", Name: it.Label, Entity: ent, Measure: indicators.Count, Rule: indicators.AtEnd}
		}
		v, _, err := s.reports.Preview(ctx, ind, r.UnitID, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.Text, err)
		}
		out = append(out, Figure{Seq: i, Ref: it.Ref, Label: it.Label, Value: v, Text: reports.FormatValue(v, ind.Decimals)})
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
