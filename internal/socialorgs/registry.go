package socialorgs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Org is a community social organisation.
type Org struct {
	ID           int64  `json:"id"`
	CommunityID  int64  `json:"community_id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	FilingNumber string `json:"filing_number,omitempty"`
	FiledOn      string `json:"filed_on,omitempty"`
	FiledByID    int64  `json:"filed_by_id,omitempty"`
	FiledBy      string `json:"filed_by,omitempty"` // the street's name
	DissolvedOn  string `json:"dissolved_on,omitempty"`
	LeaderID     int64  `json:"-"`
	Leader       string `json:"-"` // a person's name: not in the API or the public list
	Hub          bool   `json:"hub"`
	TeamID       int64  `json:"volunteer_team_id,omitempty"`
	Team         string `json:"volunteer_team,omitempty"`
	Purpose      string `json:"purpose,omitempty"`
	Version      int    `json:"version"`
	Members      int    `json:"members"`         // current members
	Activities   int    `json:"activities_year"` // activities this year
	Supports     []Ref  `json:"supports,omitempty"`
	SupportedBy  []Ref  `json:"supported_by,omitempty"`
}

// Ref names another organisation.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// KindName and StatusName say the codes in words, for the pages.
func (o Org) KindName() string   { return KindName(o.Kind) }
func (o Org) StatusName() string { return StatusName(o.Status) }

// Draft is what a form sets.
type Draft struct {
	Name         string
	Kind         string
	Status       string
	FilingNumber string
	FiledOn      string
	DissolvedOn  string
	LeaderID     int64
	Hub          bool
	TeamID       int64
	Purpose      string
	Supports     []int64 // for a hub: the organisations it supports
}

// snapshot is what the history keeps of a save.
type snapshot struct {
	Name, Kind, Status, FilingNumber, FiledOn, DissolvedOn string
	LeaderID, TeamID                                       int64
	Hub                                                    bool
	Purpose                                                string
}

func (d Draft) snapshot() snapshot {
	return snapshot{d.Name, d.Kind, d.Status, d.FilingNumber, d.FiledOn, d.DissolvedOn, d.LeaderID, d.TeamID, d.Hub, d.Purpose}
}

func (o Org) snapshot() snapshot {
	return snapshot{o.Name, o.Kind, o.Status, o.FilingNumber, o.FiledOn, o.DissolvedOn, o.LeaderID, o.TeamID, o.Hub, o.Purpose}
}

// check normalises a draft and says what is wrong with it, by field.
func (s *Service) check(d *Draft) error {
	fe := fault.Fields{}
	d.Name = strings.TrimSpace(d.Name)
	d.FilingNumber = strings.TrimSpace(d.FilingNumber)
	d.Purpose = strings.TrimSpace(d.Purpose)
	d.FiledOn, d.DissolvedOn = strings.TrimSpace(d.FiledOn), strings.TrimSpace(d.DissolvedOn)
	if d.Name == "" || utf8.RuneCountInString(d.Name) > 60 {
		fe.Add("name", "请填写组织名称(60字以内)")
	}
	if KindName(d.Kind) == "" {
		fe.Add("kind", "请选择组织类别")
	}
	if d.Status == "" {
		d.Status = "preparing"
	}
	if StatusName(d.Status) == "" {
		fe.Add("status", "请选择备案状态")
	}
	if utf8.RuneCountInString(d.Purpose) > 500 {
		fe.Add("purpose", "宗旨与活动内容请在500字以内")
	}
	if utf8.RuneCountInString(d.FilingNumber) > 40 {
		fe.Add("filing_number", "备案编号请在40字以内")
	}
	today := s.today()
	switch d.Status {
	case "preparing":
		d.FilingNumber, d.FiledOn, d.DissolvedOn = "", "", ""
	case "filed", "dissolved":
		if d.FilingNumber == "" {
			fe.Add("filing_number", "已备案的组织请填写备案编号")
		}
		if !date(d.FiledOn) {
			fe.Add("filed_on", "请填写备案日期,如 2026-03-01")
		} else if d.FiledOn > today {
			fe.Add("filed_on", "备案日期不能晚于今天")
		}
	}
	if d.Status == "dissolved" {
		if !date(d.DissolvedOn) {
			fe.Add("dissolved_on", "请填写注销日期")
		} else if d.FiledOn != "" && d.DissolvedOn < d.FiledOn {
			fe.Add("dissolved_on", "注销日期不能早于备案日期")
		}
	} else {
		d.DissolvedOn = ""
	}
	if !d.Hub {
		d.Supports = nil
	}
	return fe.Err()
}

// checkRefs checks, in the transaction, that the leader is an active
// person of the community, the team one of its volunteer teams and the
// supported organisations its own.
func (s *Service) checkRefs(ctx context.Context, tx *sql.Tx, community, self int64, d Draft) error {
	fe := fault.Fields{}
	if d.LeaderID != 0 {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM persons WHERE community_id = $1 AND id = $2`,
			community, d.LeaderID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "active") {
			fe.Add("leader", "负责人须是本社区登记在册的居民")
		} else if err != nil {
			return err
		}
	}
	if d.TeamID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_teams WHERE community_id = $1 AND id = $2`,
			community, d.TeamID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe.Add("volunteer_team", "志愿服务队须是本社区的服务队")
		}
	}
	for _, id := range d.Supports {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_orgs WHERE community_id = $1 AND id = $2`,
			community, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 || id == self {
			fe.Add("supports", "扶持的组织须是本社区的其他社会组织")
			break
		}
	}
	return fe.Err()
}

// filedBy is the street above the community: the unit that files (备案).
func (s *Service) filedBy(ctx context.Context, q database.Querier, community int64) (int64, error) {
	var parent sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT parent_id FROM org_units WHERE id = $1`, community).Scan(&parent)
	return parent.Int64, err
}

// Create registers an organisation in a community.
func (s *Service) Create(ctx context.Context, st Staff, community int64, d Draft) (Org, error) {
	if community == 0 || !st.May(community) {
		return Org{}, fault.Fields{"org": "请选择您管辖的社区"}
	}
	if err := s.check(&d); err != nil {
		return Org{}, err
	}
	id := database.NewID()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRefs(ctx, tx, community, id, d); err != nil {
			return err
		}
		street, err := s.filedBy(ctx, tx, community)
		if err != nil {
			return err
		}
		byStreet := any(nil)
		if d.Status != "preparing" {
			byStreet = nullID(street)
		}
		now := database.FormatTime(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO social_orgs (community_id, id, name, kind, status, filing_number,
			filed_on, filed_by_id, dissolved_on, leader_person_id, hub, volunteer_team_id, purpose, version, created_at,
			updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14, $15)`,
			community, id, d.Name, d.Kind, d.Status, d.FilingNumber, d.FiledOn, byStreet, d.DissolvedOn,
			nullID(d.LeaderID), boolInt(d.Hub), nullID(d.TeamID), d.Purpose, now, st.Name); err != nil {
			if isUnique(err) {
				return fault.Fields{"name": "本社区已有同名的社会组织"}
			}
			return err
		}
		if err := s.setSupports(ctx, tx, community, id, d.Supports); err != nil {
			return err
		}
		return s.logChange(ctx, tx, community, id, 1, "create", "登记", nil, d.snapshot(), st.Name)
	})
	if err != nil {
		return Org{}, err
	}
	return s.Org(ctx, st, id)
}

// Update saves a draft over the version read; a version changed meanwhile
// is a conflict.
func (s *Service) Update(ctx context.Context, st Staff, id int64, version int, d Draft) (Org, error) {
	o, err := s.Org(ctx, st, id)
	if err != nil {
		return o, err
	}
	if err := s.check(&d); err != nil {
		return o, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRefs(ctx, tx, o.CommunityID, id, d); err != nil {
			return err
		}
		street, err := s.filedBy(ctx, tx, o.CommunityID)
		if err != nil {
			return err
		}
		byStreet := any(nil)
		if d.Status != "preparing" {
			byStreet = nullID(street)
		}
		res, err := tx.ExecContext(ctx, `UPDATE social_orgs SET name = $1, kind = $2, status = $3, filing_number = $4,
			filed_on = $5, filed_by_id = $6, dissolved_on = $7, leader_person_id = $8, hub = $9, volunteer_team_id = $10,
			purpose = $11, version = version + 1, updated_at = $12, updated_by = $13
			WHERE community_id = $14 AND id = $15 AND version = $16`,
			d.Name, d.Kind, d.Status, d.FilingNumber, d.FiledOn, byStreet, d.DissolvedOn, nullID(d.LeaderID),
			boolInt(d.Hub), nullID(d.TeamID), d.Purpose, database.FormatTime(s.now()), st.Name, o.CommunityID, id, version)
		if err != nil {
			if isUnique(err) {
				return fault.Fields{"name": "本社区已有同名的社会组织"}
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChanged
		}
		if err := s.setSupports(ctx, tx, o.CommunityID, id, d.Supports); err != nil {
			return err
		}
		before := o.snapshot()
		return s.logChange(ctx, tx, o.CommunityID, id, version+1, "edit", summarise(before, d.snapshot()), before, d.snapshot(), st.Name)
	})
	if err != nil {
		return o, err
	}
	return s.Org(ctx, st, id)
}

// summarise says in words which fields a save changed.
func summarise(a, b snapshot) string {
	var out []string
	add := func(changed bool, what string) {
		if changed {
			out = append(out, what)
		}
	}
	add(a.Name != b.Name, "名称")
	add(a.Kind != b.Kind, "类别")
	add(a.Status != b.Status, "备案状态:"+StatusName(a.Status)+"→"+StatusName(b.Status))
	add(a.FilingNumber != b.FilingNumber || a.FiledOn != b.FiledOn, "备案编号或日期")
	add(a.DissolvedOn != b.DissolvedOn, "注销日期")
	add(a.LeaderID != b.LeaderID, "负责人")
	add(a.Hub != b.Hub, "枢纽型")
	add(a.TeamID != b.TeamID, "志愿服务队")
	add(a.Purpose != b.Purpose, "宗旨与活动内容")
	if len(out) == 0 {
		return "保存(无字段变化)"
	}
	return "修改" + strings.Join(out, "、")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setSupports makes the hub support exactly the organisations named.
func (s *Service) setSupports(ctx context.Context, tx *sql.Tx, community, hub int64, orgs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM social_org_supports WHERE community_id = $1 AND hub_id = $2`,
		community, hub); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, o := range orgs {
		if seen[o] {
			continue
		}
		seen[o] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO social_org_supports (community_id, hub_id, org_id, since)
			VALUES ($1, $2, $3, $4)`, community, hub, o, s.today()); err != nil {
			return err
		}
	}
	return nil
}

// logChange writes a row of an organisation's history.
func (s *Service) logChange(ctx context.Context, tx *sql.Tx, community, org int64, version int, action, summary string,
	before, after any, by string) error {
	enc := func(v any) string {
		if v == nil {
			return ""
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO social_org_changes (community_id, id, org_id, version, action, summary,
		before_json, after_json, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		community, database.NewID(), org, version, action, summary, enc(before), enc(after), database.FormatTime(s.now()), by)
	return err
}

// Change is a row of the history.
type Change struct {
	Version   int    `json:"version"`
	Action    string `json:"action"`
	Summary   string `json:"summary"`
	ChangedAt string `json:"changed_at"`
	ChangedBy string `json:"changed_by"`
}

// History is an organisation's changes, newest first.
func (s *Service) History(ctx context.Context, st Staff, id int64) ([]Change, error) {
	o, err := s.Org(ctx, st, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, action, summary, changed_at, changed_by FROM social_org_changes
		WHERE community_id = $1 AND org_id = $2 ORDER BY changed_at DESC, version DESC`, o.CommunityID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Version, &c.Action, &c.Summary, &c.ChangedAt, &c.ChangedBy); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const orgColumns = `o.community_id, o.id, o.name, o.kind, o.status, o.filing_number, o.filed_on,
	COALESCE(o.filed_by_id, 0), COALESCE(u.name, ''), o.dissolved_on, COALESCE(o.leader_person_id, 0), COALESCE(p.name, ''),
	o.hub, COALESCE(o.volunteer_team_id, 0), COALESCE(t.name, ''), o.purpose, o.version,
	(SELECT COUNT(*) FROM social_org_members m WHERE m.community_id = o.community_id AND m.org_id = o.id AND m.left_on = ''),
	(SELECT COUNT(*) FROM social_org_activities a WHERE a.community_id = o.community_id AND a.org_id = o.id
		AND a.held_on >= $1 AND a.held_on <= $2)
	FROM social_orgs o LEFT JOIN org_units u ON u.id = o.filed_by_id
	LEFT JOIN persons p ON p.community_id = o.community_id AND p.id = o.leader_person_id
	LEFT JOIN volunteer_teams t ON t.community_id = o.community_id AND t.id = o.volunteer_team_id`

func scanOrg(sc interface{ Scan(...any) error }) (Org, error) {
	var o Org
	var hub int
	err := sc.Scan(&o.CommunityID, &o.ID, &o.Name, &o.Kind, &o.Status, &o.FilingNumber, &o.FiledOn, &o.FiledByID,
		&o.FiledBy, &o.DissolvedOn, &o.LeaderID, &o.Leader, &hub, &o.TeamID, &o.Team, &o.Purpose, &o.Version,
		&o.Members, &o.Activities)
	o.Hub = hub != 0
	return o, err
}

// yearBounds are the first and last days of this year.
func (s *Service) yearBounds() (string, string) {
	y := s.today()[:4]
	return y + "-01-01", y + "-12-31"
}

// Org reads an organisation in the staff's scope, with the organisations
// it supports and those that support it.
func (s *Service) Org(ctx context.Context, st Staff, id int64) (Org, error) {
	from, to := s.yearBounds()
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` WHERE o.id = $3`, from, to, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !st.May(o.CommunityID)) {
		return Org{}, ErrNoOrg
	}
	if err != nil {
		return o, fmt.Errorf("socialorgs: org %d: %w", id, err)
	}
	refs := func(q string) ([]Ref, error) {
		rows, err := s.db.QueryContext(ctx, q, o.CommunityID, id)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Ref
		for rows.Next() {
			var r Ref
			if err := rows.Scan(&r.ID, &r.Name); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rows.Err()
	}
	if o.Supports, err = refs(`SELECT o.id, o.name FROM social_org_supports s JOIN social_orgs o
		ON o.community_id = s.community_id AND o.id = s.org_id WHERE s.community_id = $1 AND s.hub_id = $2 ORDER BY o.name`); err != nil {
		return o, err
	}
	o.SupportedBy, err = refs(`SELECT o.id, o.name FROM social_org_supports s JOIN social_orgs o
		ON o.community_id = s.community_id AND o.id = s.hub_id WHERE s.community_id = $1 AND s.org_id = $2 ORDER BY o.name`)
	return o, err
}

// Filter narrows a list.
type Filter struct {
	Kind   string
	Status string
	Hub    bool
	Query  string // part of the name
}

// List is a community's organisations, by name.
func (s *Service) List(ctx context.Context, st Staff, community int64, f Filter) ([]Org, error) {
	if !st.May(community) {
		return nil, ErrNoOrg
	}
	from, to := s.yearBounds()
	a := s.db.Args(from, to)
	q := `SELECT ` + orgColumns + ` WHERE o.community_id = ` + a.Arg(community)
	if f.Kind != "" {
		q += ` AND o.kind = ` + a.Arg(f.Kind)
	}
	if f.Status != "" {
		q += ` AND o.status = ` + a.Arg(f.Status)
	}
	if f.Hub {
		q += ` AND o.hub = 1`
	}
	if f.Query = strings.TrimSpace(f.Query); f.Query != "" {
		q += ` AND o.name LIKE ` + a.Arg("%"+f.Query+"%")
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY o.hub DESC, o.name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Public is an organisation as the community's public page shows it: no
// person named.
type Public struct {
	Name         string
	Kind         string
	FilingNumber string
	FiledOn      string
	Hub          bool
	Members      int
	Activities   int
}

// PublicList is a community's filed organisations, for anyone.
func (s *Service) PublicList(ctx context.Context, community int64) ([]Public, error) {
	orgs, err := s.List(ctx, Staff{May: func(c int64) bool { return c == community }}, community, Filter{Status: "filed"})
	if err != nil {
		return nil, err
	}
	out := make([]Public, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, Public{Name: o.Name, Kind: KindName(o.Kind), FilingNumber: o.FilingNumber, FiledOn: o.FiledOn,
			Hub: o.Hub, Members: o.Members, Activities: o.Activities})
	}
	return out, nil
}

// Teams are the community's volunteer teams a 志愿者协会 may name.
func (s *Service) Teams(ctx context.Context, community int64) ([]Ref, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM volunteer_teams WHERE community_id = $1 ORDER BY name`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ref
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ListIn is the organisations of communities (a unit's subtree within a
// scope), by community and name, without the supports: the API's answer.
func (s *Service) ListIn(ctx context.Context, communities []int64) ([]Org, error) {
	all := Staff{May: func(int64) bool { return true }}
	out := []Org{}
	for _, c := range communities {
		orgs, err := s.List(ctx, all, c, Filter{})
		if err != nil {
			return nil, err
		}
		out = append(out, orgs...)
	}
	return out, nil
}
