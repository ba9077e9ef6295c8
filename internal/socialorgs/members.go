package socialorgs

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Member is a person's membership of an organisation.
type Member struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"-"`
	Name     string `json:"-"`
	Role     string `json:"role,omitempty"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on,omitempty"`
}

// Join makes a person of the register a member from a day (empty: today);
// a person who is a member already is refused.
func (s *Service) Join(ctx context.Context, st Staff, org, person int64, role, on string) (Member, error) {
	o, err := s.Org(ctx, st, org)
	if err != nil {
		return Member{}, err
	}
	fe := fault.Fields{}
	if on = strings.TrimSpace(on); on == "" {
		on = s.today()
	}
	if !date(on) {
		fe.Add("joined_on", "请填写加入日期,如 2026-03-01")
	} else if on > s.today() {
		fe.Add("joined_on", "加入日期不能晚于今天")
	}
	if role = strings.TrimSpace(role); utf8.RuneCountInString(role) > 20 {
		fe.Add("role", "职务请在20字以内")
	}
	if o.Status == "dissolved" {
		fe.Add("person", "该组织已注销,不能加入成员")
	}
	if person == 0 {
		fe.Add("person", "请选择本社区登记在册的居民")
	}
	if err := fe.Err(); err != nil {
		return Member{}, err
	}
	m := Member{ID: database.NewID(), PersonID: person, Role: role, JoinedOn: on}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT name, status FROM persons WHERE community_id = $1 AND id = $2`,
			o.CommunityID, person).Scan(&m.Name, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "active") {
			return fault.Fields{"person": ErrNoPerson.Error()}
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_org_members WHERE community_id = $1 AND org_id = $2
			AND person_id = $3 AND left_on = ''`, o.CommunityID, org, person).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDuplicate
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO social_org_members (community_id, id, org_id, person_id, role,
			joined_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, o.CommunityID, m.ID, org, person, role, on,
			database.FormatTime(s.now())); err != nil {
			if isUnique(err) {
				return ErrDuplicate
			}
			return err
		}
		return s.logChange(ctx, tx, o.CommunityID, org, o.Version, "member", "成员加入:"+m.Name, nil, nil, st.Name)
	})
	return m, err
}

// Leave ends a membership on a day (empty: today).
func (s *Service) Leave(ctx context.Context, st Staff, org, member int64, on string) error {
	o, err := s.Org(ctx, st, org)
	if err != nil {
		return err
	}
	if on = strings.TrimSpace(on); on == "" {
		on = s.today()
	}
	if !date(on) || on > s.today() {
		return fault.Fields{"left_on": "请填写不晚于今天的退出日期"}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var joined, name string
		err := tx.QueryRowContext(ctx, `SELECT m.joined_on, p.name FROM social_org_members m JOIN persons p
			ON p.community_id = m.community_id AND p.id = m.person_id
			WHERE m.community_id = $1 AND m.org_id = $2 AND m.id = $3 AND m.left_on = ''`, o.CommunityID, org, member).
			Scan(&joined, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.NotFound, "没有这个在册成员,或已退出")
		}
		if err != nil {
			return err
		}
		if on < joined {
			return fault.Fields{"left_on": "退出日期不能早于加入日期 " + joined}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE social_org_members SET left_on = $1 WHERE community_id = $2 AND id = $3`,
			on, o.CommunityID, member); err != nil {
			return err
		}
		return s.logChange(ctx, tx, o.CommunityID, org, o.Version, "member", "成员退出:"+name, nil, nil, st.Name)
	})
}

// Members are an organisation's members, current first; all includes
// those who left.
func (s *Service) Members(ctx context.Context, st Staff, org int64, all bool) ([]Member, error) {
	o, err := s.Org(ctx, st, org)
	if err != nil {
		return nil, err
	}
	q := `SELECT m.id, m.person_id, p.name, m.role, m.joined_on, m.left_on FROM social_org_members m
		JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
		WHERE m.community_id = $1 AND m.org_id = $2`
	if !all {
		q += ` AND m.left_on = ''`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY m.left_on, m.joined_on, p.name`, o.CommunityID, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.PersonID, &m.Name, &m.Role, &m.JoinedOn, &m.LeftOn); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Person is a person of the register a form may pick.
type Person struct {
	ID   int64
	Name string
}

// FindPersons are the community's active persons whose name holds q (at
// most 20), for the member and leader pickers.
func (s *Service) FindPersons(ctx context.Context, st Staff, community int64, q string) ([]Person, error) {
	if !st.May(community) {
		return nil, ErrNoOrg
	}
	if q = strings.TrimSpace(q); q == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM persons WHERE community_id = $1 AND status = 'active'
		AND name LIKE $2 ORDER BY name, id LIMIT 20`, community, "%"+q+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
