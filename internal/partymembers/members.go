package partymembers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Member is an in-service party member's registration at a community.
type Member struct {
	CommunityID    int64  `json:"community_id"`
	ID             int64  `json:"id"`
	PersonID       int64  `json:"person_id"`
	Name           string `json:"name"`
	IDNumber       string `json:"-"` // as stored: masked by the pages
	GridID         int64  `json:"grid_id,omitempty"`
	OrgID          int64  `json:"-"`
	Employer       string `json:"employer"`
	PartyOrg       string `json:"party_org,omitempty"`
	Phone          string `json:"-"`
	ReportedOn     string `json:"reported_on"`
	LastReportedOn string `json:"last_reported_on"`
	NextDueOn      string `json:"next_due_on"`
	Status         string `json:"status"`
	LeftOn         string `json:"left_on,omitempty"`
	Note           string `json:"note,omitempty"`
	Version        int    `json:"version"`
	UpdatedAt      string `json:"updated_at"`
	UpdatedBy      string `json:"updated_by"`

	// Overdue: active and past the due day without reporting again.
	Overdue bool `json:"overdue"`
	// DueSoon: the due day is within RemindBefore days.
	DueSoon bool `json:"due_soon,omitempty"`
}

// Statuses of a registration.
const (
	StatusActive = "active"
	StatusLeft   = "left"
)

// Registration is what staff write to register a member (报到).
type Registration struct {
	PersonID   int64  // a person of the register, from a link
	IDNumber   string // or found by their ID number
	Employer   string
	PartyOrg   string
	Phone      string // "" takes the register's
	ReportedOn string // "" today
	Note       string
}

// Report is one 报到 in a member's history.
type Report struct {
	ID         int64  `json:"id"`
	ReportedOn string `json:"reported_on"`
	Kind       string `json:"kind"` // first, again
	Note       string `json:"note,omitempty"`
	RecordedBy string `json:"recorded_by"`
}

var (
	ErrNoMember = fault.New(fault.NotFound, "没有这名在职党员,或不在您的管辖范围内")
	errStale    = fault.New(fault.Conflict, "这名党员的报到信息已被他人修改,请刷新页面后再操作")
)

func textField(fe fault.Fields, field, label string, v *string, max int, required bool) {
	*v = strings.TrimSpace(*v)
	switch {
	case *v == "" && required:
		fe.Add(field, "请填写"+label)
	case utf8.RuneCountInString(*v) > max:
		fe.Add(field, label+"不超过 "+strconv.Itoa(max)+" 字")
	}
}

// dayField checks a day that is not later than today and not before
// floor; "" is today.
func (s *Service) dayField(fe fault.Fields, field, label string, v *string, floor string) {
	*v = strings.TrimSpace(*v)
	today := s.today()
	if *v == "" {
		*v = today
	}
	t, ok := parseDay(*v)
	switch {
	case !ok:
		fe.Add(field, label+"应为日期,如 "+today)
	case t.Format(dayLayout) > today:
		fe.Add(field, label+"不能晚于今天")
	case floor != "" && *v < floor:
		fe.Add(field, label+"不能早于 "+floor)
	case *v < addMonths(today, -120):
		fe.Add(field, label+"不能早于十年前")
	}
}

// personIn finds the register person of a registration in the scope: by
// id, or by an ID number. A person not on the register is refused with
// the advice to register them first: a member is a resident of the
// community, whose register they must be on.
func (s *Service) personIn(ctx context.Context, q database.Querier, scope access.Scope, id int64, number string) (int64, int64, error) {
	a := s.db.Args()
	cond := ""
	if id != 0 {
		cond = "p.id = " + a.Arg(id)
	} else {
		n := strings.ToUpper(strings.TrimSpace(number))
		if n == "" {
			return 0, 0, fault.Fields{"id_number": "请填写党员的身份证号码"}
		}
		cond = "p.id_number = " + a.Arg(n)
	}
	var pid, community int64
	var status string
	err := q.QueryRowContext(ctx, `SELECT p.id, p.community_id, p.status FROM persons p WHERE `+cond+scope.Where(a, "p"),
		a.Values()...).Scan(&pid, &community, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fault.Fields{"id_number": "本社区登记册中没有这个人:请先在登记册中登记该居民(人口登记),再办理报到"}
	}
	if err != nil {
		return 0, 0, err
	}
	if status != "active" {
		return 0, 0, fault.Fields{"id_number": "此人已不在册(迁出或死亡),不能报到"}
	}
	return pid, community, nil
}

// Register records a member's first report (报到) at the community where
// they live: one live registration per person.
func (s *Service) Register(ctx context.Context, by Staff, r Registration) (Member, error) {
	fe := fault.Fields{}
	textField(fe, "employer", "单位名称", &r.Employer, 60, true)
	textField(fe, "party_org", "单位党组织", &r.PartyOrg, 60, false)
	textField(fe, "note", "备注", &r.Note, 200, false)
	s.dayField(fe, "reported_on", "报到日期", &r.ReportedOn, "")
	if strings.TrimSpace(r.Phone) != "" {
		p, err := ident.ParsePhone(r.Phone)
		if err != nil {
			fe.Add("phone", err.Error())
		}
		r.Phone = p
	}
	pid, community, err := s.personIn(ctx, s.db, by.Scope, r.PersonID, r.IDNumber)
	if f := fault.FieldsOf(err); f != nil {
		for k, v := range f {
			fe.Add(k, v)
		}
	} else if err != nil {
		return Member{}, err
	}
	if pid != 0 {
		var where, employer string
		err := s.db.QueryRowContext(ctx, `SELECT o.name, m.employer FROM party_members m JOIN org_units o ON o.id = m.community_id
			WHERE m.person_id = $1 AND m.status = 'active'`, pid).Scan(&where, &employer)
		if err == nil {
			fe.Add("id_number", "此人已在"+where+"报到(单位:"+employer+"),一人只能有一处有效报到")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Member{}, err
		}
	}
	if err := fe.Err(); err != nil {
		return Member{}, err
	}
	if r.Phone == "" {
		if err := s.db.QueryRowContext(ctx, `SELECT phone FROM persons WHERE community_id = $1 AND id = $2`, community, pid).
			Scan(&r.Phone); err != nil {
			return Member{}, err
		}
	}
	now := database.FormatTime(s.now())
	m := Member{CommunityID: community, ID: database.NewID(), PersonID: pid, Employer: r.Employer, PartyOrg: r.PartyOrg,
		Phone: r.Phone, ReportedOn: r.ReportedOn, LastReportedOn: r.ReportedOn, NextDueOn: NextDue(r.ReportedOn),
		Status: StatusActive, Note: r.Note, Version: 1}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO party_members (community_id, id, person_id, employer, party_org, phone,
			reported_on, last_reported_on, next_due_on, status, note, version, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, 'active', $9, 1, $10, $10, $11)`,
			m.CommunityID, m.ID, m.PersonID, m.Employer, m.PartyOrg, m.Phone, m.ReportedOn, m.NextDueOn, m.Note, now, by.Name); err != nil {
			return err
		}
		return s.addReport(ctx, tx, m, m.ReportedOn, "first", "", by.Name)
	})
	if err != nil {
		// Two registrations of one person at once: the index refuses the
		// second.
		if n, _ := s.liveOf(ctx, pid); n != 0 && n != m.ID {
			return Member{}, fault.Fields{"id_number": "此人已报到,一人只能有一处有效报到"}
		}
		return Member{}, err
	}
	return s.Member(ctx, by.Scope, m.ID)
}

func (s *Service) liveOf(ctx context.Context, person int64) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM party_members WHERE person_id = $1 AND status = 'active'`, person).Scan(&id)
	return id, err
}

func (s *Service) addReport(ctx context.Context, tx *sql.Tx, m Member, on, kind, note, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO party_member_reports (community_id, id, member_id, reported_on, kind, note,
		recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.CommunityID, database.NewID(), m.ID, on, kind, note, by, database.FormatTime(s.now()))
	return err
}

// ReportAgain records a member's re-report (每半年报到一次) on day ("":
// today); the next is due six months later. version is the one the form
// read: a registration changed meanwhile is a conflict.
func (s *Service) ReportAgain(ctx context.Context, by Staff, id int64, version int, day, note string) (Member, error) {
	m, err := s.Member(ctx, by.Scope, id)
	if err != nil {
		return m, err
	}
	if m.Status != StatusActive {
		return m, fault.New(fault.Illegal, "该党员已退出报到,不能再次报到;如重新报到请重新登记")
	}
	fe := fault.Fields{}
	s.dayField(fe, "reported_on", "报到日期", &day, m.LastReportedOn)
	textField(fe, "note", "备注", &note, 200, false)
	if err := fe.Err(); err != nil {
		return m, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE party_members SET last_reported_on = $1, next_due_on = $2, version = version + 1,
			updated_at = $3, updated_by = $4 WHERE community_id = $5 AND id = $6 AND version = $7 AND status = 'active'`,
			day, NextDue(day), database.FormatTime(s.now()), by.Name, m.CommunityID, m.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale
		}
		return s.addReport(ctx, tx, m, day, "again", note, by.Name)
	})
	if err != nil {
		return m, err
	}
	return s.Member(ctx, by.Scope, id)
}

// Change is a member's employer, party organisation, phone and note
// changed (a new job is not a new registration).
type Change struct {
	Version                         int
	Employer, PartyOrg, Phone, Note string
}

// Update changes a member's employer, party organisation, phone and note.
func (s *Service) Update(ctx context.Context, by Staff, id int64, c Change) (Member, error) {
	m, err := s.Member(ctx, by.Scope, id)
	if err != nil {
		return m, err
	}
	fe := fault.Fields{}
	textField(fe, "employer", "单位名称", &c.Employer, 60, true)
	textField(fe, "party_org", "单位党组织", &c.PartyOrg, 60, false)
	textField(fe, "note", "备注", &c.Note, 200, false)
	if strings.TrimSpace(c.Phone) == "" {
		c.Phone = m.Phone // shown masked, so left empty when unchanged
	} else {
		p, err := ident.ParsePhone(c.Phone)
		if err != nil {
			fe.Add("phone", err.Error())
		}
		c.Phone = p
	}
	if err := fe.Err(); err != nil {
		return m, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE party_members SET employer = $1, party_org = $2, phone = $3, note = $4,
		version = version + 1, updated_at = $5, updated_by = $6 WHERE community_id = $7 AND id = $8 AND version = $9`,
		c.Employer, c.PartyOrg, c.Phone, c.Note, database.FormatTime(s.now()), by.Name, m.CommunityID, m.ID, c.Version)
	if err != nil {
		return m, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return m, errStale
	}
	return s.Member(ctx, by.Scope, id)
}

// Leave ends a member's registration (moved away, transferred): their
// posts and pairings end the same day; their service stays counted.
func (s *Service) Leave(ctx context.Context, by Staff, id int64, version int, day, note string) (Member, error) {
	m, err := s.Member(ctx, by.Scope, id)
	if err != nil {
		return m, err
	}
	if m.Status != StatusActive {
		return m, fault.New(fault.Illegal, "该党员已退出报到")
	}
	fe := fault.Fields{}
	s.dayField(fe, "left_on", "退出日期", &day, m.ReportedOn)
	textField(fe, "note", "原因", &note, 200, true)
	if err := fe.Err(); err != nil {
		return m, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE party_members SET status = 'left', left_on = $1, note = $2, version = version + 1,
			updated_at = $3, updated_by = $4 WHERE community_id = $5 AND id = $6 AND version = $7 AND status = 'active'`,
			day, note, database.FormatTime(s.now()), by.Name, m.CommunityID, m.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale
		}
		for _, table := range []string{"party_claims", "party_pairings"} {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET ended_on = $1 WHERE community_id = $2 AND member_id = $3
				AND ended_on = ''`, day, m.CommunityID, m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	return s.Member(ctx, by.Scope, id)
}

const memberColumns = `m.community_id, m.id, m.person_id, p.name, p.id_number, COALESCE(p.grid_id, 0), p.org_id, m.employer,
	m.party_org, m.phone, m.reported_on, m.last_reported_on, m.next_due_on, m.status, m.left_on, m.note, m.version,
	m.updated_at, m.updated_by`

const memberFrom = ` FROM party_members m JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id`

func (s *Service) scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	err := row.Scan(&m.CommunityID, &m.ID, &m.PersonID, &m.Name, &m.IDNumber, &m.GridID, &m.OrgID, &m.Employer, &m.PartyOrg,
		&m.Phone, &m.ReportedOn, &m.LastReportedOn, &m.NextDueOn, &m.Status, &m.LeftOn, &m.Note, &m.Version, &m.UpdatedAt,
		&m.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNoMember
	}
	s.flag(&m)
	return m, err
}

func (s *Service) flag(m *Member) {
	today := s.today()
	m.Overdue = m.Status == StatusActive && m.NextDueOn < today
	m.DueSoon = m.Status == StatusActive && !m.Overdue && m.NextDueOn <= addDays(today, RemindBefore)
}

// Member returns a registration in the scope.
func (s *Service) Member(ctx context.Context, scope access.Scope, id int64) (Member, error) {
	a := s.db.Args(id)
	return s.scanMember(s.db.QueryRowContext(ctx, `SELECT `+memberColumns+memberFrom+` WHERE m.id = $1`+
		scope.CommunityWhere(a, "m"), a.Values()...))
}

// Filter picks members of a list.
type Filter struct {
	Community int64  // 0: every community in scope
	Employer  string // exact
	Overdue   bool   // only those overdue
	All       bool   // also those who left
}

// Members lists the members in the scope, overdue first, then by due day.
func (s *Service) Members(ctx context.Context, scope access.Scope, f Filter) ([]Member, error) {
	a := s.db.Args()
	where := " WHERE 1 = 1" + scope.CommunityWhere(a, "m")
	if f.Community != 0 {
		where += " AND m.community_id = " + a.Arg(f.Community)
	}
	if f.Employer != "" {
		where += " AND m.employer = " + a.Arg(f.Employer)
	}
	if !f.All || f.Overdue {
		where += " AND m.status = 'active'"
	}
	if f.Overdue {
		where += " AND m.next_due_on < " + a.Arg(s.today())
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberColumns+memberFrom+where+` ORDER BY m.status, m.next_due_on, p.name`,
		a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := s.scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Reports lists a member's reports, newest first.
func (s *Service) Reports(ctx context.Context, m Member) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, reported_on, kind, note, recorded_by FROM party_member_reports
		WHERE community_id = $1 AND member_id = $2 ORDER BY reported_on DESC, created_at DESC`, m.CommunityID, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.ReportedOn, &r.Kind, &r.Note, &r.RecordedBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Employers lists the employers of the members in a community (active or
// not), for the cards.
func (s *Service) Employers(ctx context.Context, community int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT employer FROM party_members WHERE community_id = $1 ORDER BY employer`,
		community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
