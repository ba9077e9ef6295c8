package workforce

import (
	"context"
	"sort"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// Assignment is one org_staff row of a person.
type Assignment struct {
	StaffID   int64
	UnitID    int64
	UnitName  string
	UnitLevel string
	GridID    int64
	Role      string
	Name      string
	Phone     string
	UserID    int64
	StartedOn string
	EndedOn   string // "" while in office
}

// Member is one person on a community's roster: the assignment heading
// their line (the highest post), the others they hold, and what the roster
// adds.
type Member struct {
	Assignment
	CommunityID int64
	Kind        string
	Also        []Assignment // the person's other assignments in the community
	Profile
	// Summaries for the list.
	Qualified       bool   // holds a social work certificate in force today
	TrainingMinutes int    // this year's training
	LastPeriod      string // the latest assessment
	LastScore       int
	LastGrade       string
}

// Profile is what the roster adds to an assignment.
type Profile struct {
	Post     string
	Title    string
	Wulao    string
	Duties   []string
	Employer string
	PersonID int64
	Version  int // 0 while no profile row exists
}

// IDs lists the staff ids of all the member's assignments.
func (m *Member) IDs() []int64 {
	out := []int64{m.StaffID}
	for _, a := range m.Also {
		out = append(out, a.StaffID)
	}
	return out
}

// Post names the member's post as the roster shows it: the coordinator's
// post, else the title, else the role.
func (m *Member) PostName() string {
	if p := PostName(m.Post); p != "" && m.Role == orgtree.RoleCoordinator {
		return p
	}
	if m.Title != "" {
		return m.Title
	}
	return orgtree.StaffRoleNames[m.Role]
}

// Filter narrows a roster.
type Filter struct {
	Kind      string // KindStaff, KindCoordinator, KindPost; "" all
	Post      string // a coordinator post
	Wulao     bool   // 五老 only
	Qualified bool   // holders of a social work certificate in force
	Name      string // part of the name
	Former    bool   // those whose assignments have all ended, instead of those in office
}

// personKey recognises one person's assignments within a community: by
// name and phone, the way the org pages record the same worker on the
// community and on a grid.
func personKey(a Assignment) string { return a.Name + "|" + a.Phone }

// assignments reads a community's assignments, ended ones too.
func (s *Service) assignments(ctx context.Context, q database.Querier, community int64) ([]Assignment, error) {
	rows, err := q.QueryContext(ctx, `SELECT st.id, st.unit_id, u.name, u.level, COALESCE(u.grid_id, 0), st.role, st.name,
		st.phone, COALESCE(st.user_id, 0), st.started_on, COALESCE(st.ended_on, '')
		FROM org_staff st JOIN org_units u ON u.id = st.unit_id
		WHERE st.community_id = $1 ORDER BY st.started_on, st.id`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		if err := rows.Scan(&a.StaffID, &a.UnitID, &a.UnitName, &a.UnitLevel, &a.GridID, &a.Role, &a.Name, &a.Phone,
			&a.UserID, &a.StartedOn, &a.EndedOn); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// people groups a community's assignments by person: each line headed by
// the highest current assignment (or, for a former member, the highest
// ended one).
func people(community int64, as []Assignment) []*Member {
	byKey := map[string][]Assignment{}
	var keys []string
	for _, a := range as {
		k := personKey(a)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], a)
	}
	var out []*Member
	for _, k := range keys {
		group := byKey[k]
		sort.SliceStable(group, func(i, j int) bool {
			ci, cj := group[i].EndedOn == "", group[j].EndedOn == ""
			if ci != cj {
				return ci
			}
			return roleRank[group[i].Role] < roleRank[group[j].Role]
		})
		m := &Member{Assignment: group[0], CommunityID: community, Kind: kindOf(group[0].Role), Also: group[1:]}
		out = append(out, m)
	}
	return out
}

// Roster lists a community's people by the filter, heads of the community
// first, then by kind, post and name.
func (s *Service) Roster(ctx context.Context, community int64, f Filter) ([]*Member, error) {
	as, err := s.assignments(ctx, s.db, community)
	if err != nil {
		return nil, err
	}
	all := people(community, as)
	if err := s.enrich(ctx, community, all); err != nil {
		return nil, err
	}
	var out []*Member
	for _, m := range all {
		if f.Former != (m.EndedOn != "") {
			continue
		}
		if f.Kind != "" && m.Kind != f.Kind || f.Post != "" && (m.Role != orgtree.RoleCoordinator || m.Post != f.Post) ||
			f.Wulao && m.Wulao == "" || f.Qualified && !m.Qualified ||
			f.Name != "" && !strings.Contains(m.Name, strings.TrimSpace(f.Name)) {
			continue
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := roleRank[a.Role], roleRank[b.Role]; ra != rb {
			return ra < rb
		}
		if a.Post != b.Post {
			return a.Post < b.Post
		}
		return a.Name < b.Name
	})
	return out, nil
}

// enrich adds the profiles and the list's summaries to a community's
// members: one query each for the whole community.
func (s *Service) enrich(ctx context.Context, community int64, ms []*Member) error {
	head := map[int64]*Member{}
	owner := map[int64]*Member{}
	for _, m := range ms {
		head[m.StaffID] = m
		for _, id := range m.IDs() {
			owner[id] = m
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT staff_id, post, title, wulao, duties, employer, COALESCE(person_id, 0), version
		FROM workforce_profiles WHERE community_id = $1`, community)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var p Profile
		var duties string
		if err := rows.Scan(&id, &p.Post, &p.Title, &p.Wulao, &duties, &p.Employer, &p.PersonID, &p.Version); err != nil {
			rows.Close()
			return err
		}
		p.Duties = splitCodes(duties)
		if m := head[id]; m != nil {
			m.Profile = p
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	today := s.today()
	rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT staff_id FROM workforce_qualifications
		WHERE community_id = $1 AND withdrawn = 0 AND kind IN ('sw_assistant', 'sw', 'sw_senior')
		AND issued_on <= $2 AND (expires_on = '' OR expires_on >= $2)`, community, today)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if m := owner[id]; m != nil {
			m.Qualified = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	year := today[:4]
	rows, err = s.db.QueryContext(ctx, `SELECT staff_id, SUM(minutes) FROM workforce_training
		WHERE community_id = $1 AND held_on >= $2 AND held_on <= $3 GROUP BY staff_id`, community, year+"-01-01", year+"-12-31")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		if m := owner[id]; m != nil {
			m.TrainingMinutes += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT staff_id, period, score, grade FROM workforce_assessments
		WHERE community_id = $1`, community)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var period, grade string
		var score int
		if err := rows.Scan(&id, &period, &score, &grade); err != nil {
			return err
		}
		// The latest period; a year's assessment after its last quarter's.
		if m := owner[id]; m != nil && periodKey(period) > periodKey(m.LastPeriod) {
			m.LastPeriod, m.LastScore, m.LastGrade = period, score, grade
		}
	}
	return rows.Err()
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Member reads one person by any of their assignments, with the others.
func (s *Service) Member(ctx context.Context, staff int64) (*Member, error) {
	var community int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0) FROM org_staff WHERE id = $1`, staff).Scan(&community)
	if err != nil || community == 0 {
		return nil, ErrNoMember
	}
	as, err := s.assignments(ctx, s.db, community)
	if err != nil {
		return nil, err
	}
	ms := people(community, as)
	if err := s.enrich(ctx, community, ms); err != nil {
		return nil, err
	}
	for _, m := range ms {
		for _, id := range m.IDs() {
			if id == staff {
				return m, nil
			}
		}
	}
	return nil, ErrNoMember
}

// Place is the community of an assignment, for the routes' scope checks;
// 0 when there is none.
func (s *Service) Place(ctx context.Context, staff int64) (community, grid int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(st.community_id, 0), COALESCE(u.grid_id, 0)
		FROM org_staff st JOIN org_units u ON u.id = st.unit_id WHERE st.id = $1`, staff).Scan(&community, &grid)
	if err != nil || community == 0 {
		return 0, 0, ErrNoMember
	}
	return community, grid, nil
}

// Resolve places an assignment for the routes' object check ("staff"):
// at its community, on its grid if it has one.
func (s *Service) Resolve(ctx context.Context, staff int64) (access.Place, error) {
	community, grid, err := s.Place(ctx, staff)
	if err != nil {
		return access.Place{}, access.ErrNoObject
	}
	return access.Place{Community: community, Grid: grid, Org: community}, nil
}
