package certificates

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Certificate states.
const (
	StatusRequested = "requested" // 已申请: waiting to be published
	StatusNotice    = "notice"    // 公示中
	StatusIssued    = "issued"    // 已出具
	StatusRefused   = "refused"   // 不予出具 (by staff, or an objection upheld)
	StatusRevoked   = "revoked"   // 已作废
)

// StatusNames are the states in words.
var StatusNames = map[string]string{
	StatusRequested: "已申请,待公示",
	StatusNotice:    "公示中",
	StatusIssued:    "已出具",
	StatusRefused:   "不予出具",
	StatusRevoked:   "已作废",
}

// live are the states in which a certificate counts its period: a second
// one over an overlapping period is refused.
const liveStates = `('requested', 'notice', 'issued')`

// Certificate is a 志愿服务记录证明 in any state.
type Certificate struct {
	CommunityID     int64  `json:"community_id"`
	ID              int64  `json:"id"`
	VolunteerID     int64  `json:"volunteer_id"`
	PersonID        int64  `json:"person_id"`
	GridID          int64  `json:"grid_id,omitempty"`
	OrgID           int64  `json:"org_id"`
	From            string `json:"from"`
	To              string `json:"to"`
	Status          string `json:"status"`
	Holder          string `json:"holder"`
	IDMasked        string `json:"id_masked"`
	DocType         string `json:"doc_type"`
	VolunteerNumber string `json:"volunteer_number"`
	Minutes         int    `json:"minutes"`
	Records         int    `json:"records"`
	Content         string `json:"content"`
	RequestedBy     string `json:"requested_by"`
	SelfRequested   bool   `json:"self_requested"`
	RequestedAt     string `json:"requested_at"`
	PublishedOn     string `json:"published_on,omitempty"`
	NoticeUntil     string `json:"notice_until,omitempty"`
	PublishedBy     string `json:"published_by,omitempty"`
	Number          string `json:"number,omitempty"`
	VerifyCode      string `json:"verify_code,omitempty"`
	Organ           string `json:"organ,omitempty"`
	Handler         string `json:"handler,omitempty"`
	IssuedOn        string `json:"issued_on,omitempty"`
	ClosedReason    string `json:"closed_reason,omitempty"`
	ClosedAt        string `json:"closed_at,omitempty"`
	Version         int    `json:"version"`
}

// Place is where the certificate lies: its volunteer's place in the
// register.
func (c Certificate) Place() access.Place {
	return access.Place{Community: c.CommunityID, Grid: c.GridID, Org: c.OrgID}
}

// Hours is the service time in hours with one decimal.
func (c Certificate) Hours() string { return Hours(c.Minutes) }

// IssuableOn is the first day the certificate may be issued: the day after
// the notice ends.
func (c Certificate) IssuableOn() string {
	if c.NoticeUntil == "" {
		return ""
	}
	return addDays(c.NoticeUntil, 1)
}

// Row is one service row a certificate counts, as copied at publication.
type Row struct {
	HoursID  int64  `json:"hours_id"`
	ServedOn string `json:"served_on"`
	Minutes  int    `json:"minutes"`
	Content  string `json:"content"`
	Team     string `json:"team"`
}

// Step is one step of a certificate's history.
type Step struct {
	Action string `json:"action"`
	Note   string `json:"note"`
	At     string `json:"at"`
	By     string `json:"by"`
}

// StepNames are the steps in words.
var StepNames = map[string]string{
	"requested": "申请", "published": "公示", "objected": "收到异议", "upheld": "异议成立",
	"dismissed": "异议不成立", "issued": "出具", "refused": "不予出具", "revoked": "作废",
}

const certColumns = `c.community_id, c.id, c.volunteer_id, c.person_id, COALESCE(c.grid_id, 0), c.org_id, c.period_from,
	c.period_to, c.status, c.holder, c.id_masked, c.doc_type, c.volunteer_number, c.minutes, c.records, c.content,
	c.requested_by, c.self_requested, c.requested_at, c.published_on, c.notice_until, c.published_by,
	COALESCE(c.number, ''), COALESCE(c.verify_code, ''), c.organ, c.handler, c.issued_on, c.closed_reason, c.closed_at,
	c.version`

func scanCertificate(row interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	var self int
	err := row.Scan(&c.CommunityID, &c.ID, &c.VolunteerID, &c.PersonID, &c.GridID, &c.OrgID, &c.From, &c.To, &c.Status,
		&c.Holder, &c.IDMasked, &c.DocType, &c.VolunteerNumber, &c.Minutes, &c.Records, &c.Content, &c.RequestedBy,
		&self, &c.RequestedAt, &c.PublishedOn, &c.NoticeUntil, &c.PublishedBy, &c.Number, &c.VerifyCode, &c.Organ,
		&c.Handler, &c.IssuedOn, &c.ClosedReason, &c.ClosedAt, &c.Version)
	c.SelfRequested = self != 0
	return c, err
}

// ErrNotFound is a certificate that does not exist or lies outside the
// caller's scope.
var ErrNotFound = fault.New(fault.NotFound, "没有这份志愿服务记录证明,或不在您的管辖范围内")

// errNoVolunteer is a volunteer number or id not in the registry.
const errNoVolunteer = "志愿者登记中没有这个志愿者编号"

// volunteer is what a certificate needs of a registered volunteer.
type volunteer struct {
	communityID, id, personID int64
	gridID, orgID             int64
	number                    string
	name, docType, idNumber   string
}

func (v volunteer) place() access.Place {
	return access.Place{Community: v.communityID, Grid: v.gridID, Org: v.orgID}
}

func (s *Service) volunteerBy(ctx context.Context, where string, arg any) (volunteer, error) {
	var v volunteer
	err := s.db.QueryRowContext(ctx, `SELECT v.community_id, v.id, v.person_id, COALESCE(p.grid_id, 0), p.org_id, v.number,
		p.name, p.doc_type, p.id_number
		FROM volunteers v JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
		WHERE `+where, arg).Scan(&v.communityID, &v.id, &v.personID, &v.gridID, &v.orgID, &v.number, &v.name, &v.docType,
		&v.idNumber)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fault.Fields{"volunteer": errNoVolunteer}
	}
	return v, err
}

// RequestForm asks for a certificate: the volunteer by number (staff) and
// the period, as typed.
type RequestForm struct {
	VolunteerNumber string
	From, To        string
}

// Request records a staff member's request for a volunteer in their
// scope.
func (s *Service) Request(ctx context.Context, v *access.Viewer, f RequestForm) (*Certificate, error) {
	fe := fault.Fields{}
	from, to := s.period(fe, f.From, f.To)
	number := strings.TrimSpace(f.VolunteerNumber)
	if number == "" {
		fe["volunteer"] = "请填写志愿者编号"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	vol, err := s.volunteerBy(ctx, `v.number = $1`, number)
	if err != nil {
		return nil, err
	}
	if !v.Scope(PermIssue).Contains(vol.place()) {
		// Outside the scope is answered as not registered: it tells no one
		// who volunteers elsewhere.
		return nil, fault.Fields{"volunteer": errNoVolunteer}
	}
	return s.request(ctx, vol, from, to, v.Name, false)
}

// RequestOwn records a volunteer's request for their own certificate; the
// volunteer's session (the registry's pages) calls it with the volunteer
// it signed in.
func (s *Service) RequestOwn(ctx context.Context, volunteerID int64, from, to string) (*Certificate, error) {
	fe := fault.Fields{}
	f, t := s.period(fe, from, to)
	if len(fe) > 0 {
		return nil, fe
	}
	vol, err := s.volunteerBy(ctx, `v.id = $1`, volunteerID)
	if err != nil {
		return nil, err
	}
	return s.request(ctx, vol, f, t, vol.name+"(本人)", true)
}

// period checks a period as typed: two dates, in order, not in the future.
func (s *Service) period(fe fault.Fields, from, to string) (string, string) {
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	parse := func(field, d string) string {
		if d == "" {
			fe[field] = "请填写日期"
			return ""
		}
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() < 2000 {
			fe[field] = "日期格式应为 2026-01-05"
			return ""
		}
		return t.Format(time.DateOnly)
	}
	f, t := parse("from", from), parse("to", to)
	today := s.today()
	switch {
	case f == "" || t == "":
	case f > t:
		fe["to"] = "结束日期不能早于开始日期"
	case t > today:
		fe["to"] = "结束日期不能晚于今天(" + today + "):尚未发生的服务不能证明"
	}
	return f, t
}

func (s *Service) request(ctx context.Context, vol volunteer, from, to, by string, self bool) (*Certificate, error) {
	now := s.now()
	c := &Certificate{CommunityID: vol.communityID, ID: database.NewID(), VolunteerID: vol.id, PersonID: vol.personID,
		GridID: vol.gridID, OrgID: vol.orgID, From: from, To: to, Status: StatusRequested, Holder: vol.name,
		IDMasked: ident.MaskID(vol.idNumber), DocType: vol.docType, VolunteerNumber: vol.number, RequestedBy: by,
		SelfRequested: self, RequestedAt: database.FormatTime(now), Version: 1}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockVolunteer(ctx, tx, vol.id); err != nil {
			return err
		}
		if err := overlapping(ctx, tx, vol.id, 0, from, to); err != nil {
			return err
		}
		rows, err := serviceRows(ctx, tx, vol.id, from, to)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fault.Fields{"to": "该期间没有志愿服务时长记录,无法出具证明"}
		}
		c.Minutes, c.Records, c.Content = summarise(rows)
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_certificates (community_id, id, volunteer_id, person_id,
			grid_id, org_id, period_from, period_to, status, holder, id_masked, doc_type, volunteer_number, minutes, records,
			content, requested_by, self_requested, requested_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $17)`,
			c.CommunityID, c.ID, c.VolunteerID, c.PersonID, nullID(c.GridID), c.OrgID, c.From, c.To, c.Status, c.Holder,
			c.IDMasked, c.DocType, c.VolunteerNumber, c.Minutes, c.Records, c.Content, c.RequestedBy, boolInt(self),
			c.RequestedAt); err != nil {
			return err
		}
		return s.step(ctx, tx, c, "requested", fmt.Sprintf("%s 至 %s", from, to), by)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lockVolunteer makes concurrent requests and issues for one volunteer
// take turns (a row lock on PostgreSQL; SQLite has one writer anyway).
func lockVolunteer(ctx context.Context, tx *sql.Tx, volunteerID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_certificate_locks (volunteer_id, touched) VALUES ($1, 1)
		ON CONFLICT (volunteer_id) DO UPDATE SET touched = volunteer_certificate_locks.touched + 1`, volunteerID)
	return err
}

// overlapping refuses a period that overlaps a live certificate of the
// volunteer other than self.
func overlapping(ctx context.Context, tx *sql.Tx, volunteerID, self int64, from, to string) error {
	var number, f, t, status string
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(number, ''), period_from, period_to, status FROM volunteer_certificates
		WHERE volunteer_id = $1 AND id <> $2 AND status IN `+liveStates+` AND period_from <= $3 AND period_to >= $4
		ORDER BY period_from LIMIT 1`, volunteerID, self, to, from).Scan(&number, &f, &t, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	what := "一份" + StatusNames[status] + "的证明"
	if number != "" {
		what = "证明" + number
	}
	return fault.Fields{"from": fmt.Sprintf("该期间与%s(%s 至 %s)重叠:同一段服务时长不能重复证明", what, f, t)}
}

// serviceRows reads the standing service rows of a volunteer within a
// period: neither reversed nor reversals, so corrections are already
// applied.
func serviceRows(ctx context.Context, q database.Querier, volunteerID int64, from, to string) ([]Row, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.id, h.served_on, h.minutes, h.content, COALESCE(t.name, '')
		FROM volunteer_hours h LEFT JOIN volunteer_teams t ON t.community_id = h.community_id AND t.id = h.team_id
		WHERE h.volunteer_id = $1 AND h.kind = 'service' AND h.served_on >= $2 AND h.served_on <= $3
		AND h.reverses_id IS NULL AND h.reversed = 0 AND h.minutes > 0
		ORDER BY h.served_on, h.id`, volunteerID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.HoursID, &r.ServedOn, &r.Minutes, &r.Content, &r.Team); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Summary is the service of a certificate grouped by team and content.
type Summary struct {
	Team    string
	Content string
	Times   int
	Minutes int
}

// Summarise groups rows by team and content, the most hours first.
func Summarise(rows []Row) []Summary {
	idx := map[[2]string]int{}
	var out []Summary
	for _, r := range rows {
		content := strings.TrimSpace(r.Content)
		if content == "" {
			content = "志愿服务"
		}
		k := [2]string{r.Team, content}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Summary{Team: r.Team, Content: content})
		}
		out[i].Times++
		out[i].Minutes += r.Minutes
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Minutes > out[j].Minutes })
	return out
}

// summarise totals rows and says their content in one line (the notice and
// the list show it): the largest groups, then 等.
func summarise(rows []Row) (minutes, records int, content string) {
	var parts []string
	for i, g := range Summarise(rows) {
		if i == 4 {
			parts[len(parts)-1] += "等"
			break
		}
		p := g.Content
		if g.Team != "" {
			p = g.Team + ":" + p
		}
		parts = append(parts, fmt.Sprintf("%s(%d次,%s小时)", p, g.Times, Hours(g.Minutes)))
	}
	for _, r := range rows {
		minutes += r.Minutes
	}
	return minutes, len(rows), strings.Join(parts, ";")
}

func (s *Service) step(ctx context.Context, tx *sql.Tx, c *Certificate, action, note, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_certificate_steps (community_id, id, certificate_id, action, note, at, by_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.CommunityID, database.NewID(), c.ID, action, note,
		database.FormatTime(s.now()), by)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Get returns a certificate in scope.
func (s *Service) Get(ctx context.Context, scope access.Scope, id int64) (Certificate, error) {
	q := s.db.Args(id)
	c, err := scanCertificate(s.db.QueryRowContext(ctx, `SELECT `+certColumns+` FROM volunteer_certificates c
		WHERE c.id = $1`+scope.Where(q, "c"), q.Values()...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Detail is a certificate with its rows, objections and history.
type Detail struct {
	Certificate
	Rows       []Row
	Summary    []Summary
	Objections []Objection
	Steps      []Step
}

// Open returns a certificate in scope with what its page shows. Before
// publication its rows are the ledger's as it stands.
func (s *Service) Open(ctx context.Context, scope access.Scope, id int64) (Detail, error) {
	c, err := s.Get(ctx, scope, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Certificate: c}
	if c.Status == StatusRequested {
		d.Rows, err = serviceRows(ctx, s.db, c.VolunteerID, c.From, c.To)
	} else {
		d.Rows, err = s.frozenRows(ctx, c)
	}
	if err != nil {
		return d, err
	}
	d.Summary = Summarise(d.Rows)
	if d.Objections, err = s.objections(ctx, c.CommunityID, c.ID); err != nil {
		return d, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT action, note, at, by_name FROM volunteer_certificate_steps
		WHERE community_id = $1 AND certificate_id = $2 ORDER BY at, id`, c.CommunityID, c.ID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var st Step
		if err := rows.Scan(&st.Action, &st.Note, &st.At, &st.By); err != nil {
			return d, err
		}
		d.Steps = append(d.Steps, st)
	}
	return d, rows.Err()
}

func (s *Service) frozenRows(ctx context.Context, c Certificate) ([]Row, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hours_id, served_on, minutes, content, team FROM volunteer_certificate_rows
		WHERE community_id = $1 AND certificate_id = $2 ORDER BY served_on, hours_id`, c.CommunityID, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.HoursID, &r.ServedOn, &r.Minutes, &r.Content, &r.Team); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Filter narrows the staff's list.
type Filter struct {
	Status string // "" for every state
	Text   string // part of a name, volunteer number or certificate number
	Limit  int
}

// List returns the certificates in scope, newest first.
func (s *Service) List(ctx context.Context, scope access.Scope, f Filter) ([]Certificate, error) {
	q := s.db.Args()
	where := ""
	if _, ok := StatusNames[f.Status]; ok {
		where += ` AND c.status = ` + q.Arg(f.Status)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(t) + "%"
		a := q.Arg(like)
		where += ` AND (c.holder LIKE ` + a + ` OR c.volunteer_number LIKE ` + a + ` OR c.number LIKE ` + a + `)`
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+certColumns+` FROM volunteer_certificates c WHERE 1 = 1`+where+
		scope.Where(q, "c")+fmt.Sprintf(` ORDER BY c.requested_at DESC, c.id DESC LIMIT %d`, f.Limit), q.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Place resolves the "volunteer_certificate" object kind for route rules.
func (s *Service) Place(ctx context.Context, id int64) (access.Place, error) {
	var p access.Place
	err := s.db.QueryRowContext(ctx, `SELECT community_id, COALESCE(grid_id, 0), org_id FROM volunteer_certificates
		WHERE id = $1`, id).Scan(&p.Community, &p.Grid, &p.Org)
	if errors.Is(err, sql.ErrNoRows) {
		return p, access.ErrNoObject
	}
	return p, err
}

// OfVolunteer lists a volunteer's own certificates, newest first, for the
// volunteer's own pages (the caller has signed the volunteer in).
func (s *Service) OfVolunteer(ctx context.Context, volunteerID int64) ([]Certificate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+certColumns+` FROM volunteer_certificates c WHERE c.volunteer_id = $1
		ORDER BY c.requested_at DESC, c.id DESC LIMIT 100`, volunteerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Names names certificates in the audit log: the number once issued, else
// the request's period (never the volunteer's name).
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, COALESCE(number, '证明申请 ' || period_from || '至' || period_to)
		FROM volunteer_certificates WHERE `, ids)
}
