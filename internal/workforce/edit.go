package workforce

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
)

// Errors of the roster.
var (
	ErrNoMember = fault.New(fault.NotFound, "名册中没有这个人,或不在您的管辖范围内")
	ErrConflict = fault.New(fault.Conflict, "记录已被他人修改,请刷新后再改")
	ErrNoUnit   = fault.New(fault.NotFound, "没有这个组织单元,或不在您的管辖范围内")
	errNotYours = fault.New(fault.Forbidden, "您不能修改这个社区的名册")
)

// ProfileForm is a profile as typed; IDNumber names the register person
// ("" for none).
type ProfileForm struct {
	Post, Title, Wulao, Employer, IDNumber string
	Duties                                 []string
}

// NewCoordinator is a coordinator to add as typed.
type NewCoordinator struct {
	UnitID    int64 // the community or a unit in it (a grid)
	Name      string
	Phone     string
	Login     string // the login account's name, "" for none
	StartedOn string
	ProfileForm
}

// checkProfile checks a profile form, resolving the ID number to a person
// of the community.
func (s *Service) checkProfile(ctx context.Context, q database.Querier, community int64, role string, f ProfileForm,
	fe fault.Fields) (Profile, error) {
	p := Profile{Post: strings.TrimSpace(f.Post), Title: strings.TrimSpace(f.Title), Wulao: strings.TrimSpace(f.Wulao),
		Employer: strings.TrimSpace(f.Employer)}
	if role == orgtree.RoleCoordinator {
		if p.Post == "" {
			fe.Add("post", "请选择协管员岗位")
		} else if PostName(p.Post) == "" {
			fe.Add("post", "没有这个协管员岗位")
		}
	} else {
		p.Post = ""
	}
	if len([]rune(p.Title)) > 40 {
		fe.Add("title", "职务不能超过40个字")
	}
	if len([]rune(p.Employer)) > 40 {
		fe.Add("employer", "派驻单位不能超过40个字")
	}
	if p.Wulao != "" && WulaoName(p.Wulao) == "" {
		fe.Add("wulao", "没有这种五老身份")
	}
	for _, d := range f.Duties {
		d = strings.TrimSpace(d)
		if d == "" || slices.Contains(p.Duties, d) {
			continue
		}
		if DutyName(d) == "" {
			fe.Add("duties", "没有这种五大员职责")
			break
		}
		p.Duties = append(p.Duties, d)
	}
	if n := strings.ToUpper(strings.TrimSpace(f.IDNumber)); n != "" {
		err := q.QueryRowContext(ctx, `SELECT id FROM persons WHERE community_id = $1 AND id_number = $2 AND status = 'active'`,
			community, n).Scan(&p.PersonID)
		if errors.Is(err, sql.ErrNoRows) {
			fe.Add("id_number", "本社区登记的居民中没有这个证件号码")
		} else if err != nil {
			return p, err
		}
	}
	return p, nil
}

// AddCoordinator assigns a coordinator (协管员, 五老) to the community or a
// unit in it, with their profile, in one transaction: the assignment is
// recorded on the unit as the org pages record theirs.
func (s *Service) AddCoordinator(ctx context.Context, a Actor, c NewCoordinator) (int64, error) {
	c.Name, c.Phone, c.Login, c.StartedOn = strings.TrimSpace(c.Name), strings.TrimSpace(c.Phone),
		strings.TrimSpace(c.Login), strings.TrimSpace(c.StartedOn)
	u, err := s.org.Get(ctx, c.UnitID)
	if err != nil || u.CommunityID == 0 {
		return 0, fault.Fields{"unit": "请选择所在社区或网格"}
	}
	if a.May == nil || !a.May(u.CommunityID) {
		return 0, errNotYours
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		fe := fault.Fields{}
		if c.Name == "" {
			fe.Add("name", "请填写姓名")
		} else if len([]rune(c.Name)) > 30 {
			fe.Add("name", "姓名不能超过30个字")
		}
		if c.Phone != "" {
			if p, err := ident.ParsePhone(c.Phone); err != nil {
				fe.Add("phone", "电话号码格式不正确")
			} else {
				c.Phone = p
			}
		}
		if c.StartedOn == "" {
			c.StartedOn = s.today()
		} else if _, err := time.Parse(database.DateLayout, c.StartedOn); err != nil {
			fe.Add("started_on", "日期应为 年-月-日,如 2024-03-01")
		} else if c.StartedOn > s.today() {
			fe.Add("started_on", "任职日期不能晚于今天")
		}
		var user int64
		if c.Login != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE name = $1`, c.Login).Scan(&user)
			if errors.Is(err, sql.ErrNoRows) {
				fe.Add("login", "没有这个登录账号")
			} else if err != nil {
				return err
			}
		}
		p, err := s.checkProfile(ctx, tx, u.CommunityID, orgtree.RoleCoordinator, c.ProfileForm, fe)
		if err != nil {
			return err
		}
		if c.Name != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_staff WHERE community_id = $1 AND role = $2
				AND name = $3 AND phone = $4 AND ended_on IS NULL`, u.CommunityID, orgtree.RoleCoordinator, c.Name, c.Phone).
				Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				fe.Add("name", c.Name+"已是本社区的协管员")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		st := orgtree.Staff{UnitID: u.ID, Role: orgtree.RoleCoordinator, Name: c.Name, Phone: c.Phone, UserID: user,
			StartedOn: c.StartedOn}
		if err := s.org.AddStaff(ctx, tx, &st); err != nil {
			return err
		}
		if err := s.org.RecordAssigned(ctx, tx, orgtree.Actor{UserID: a.UserID, Name: a.Name, Source: "web"}, st); err != nil {
			return err
		}
		id = st.ID
		if err := s.writeProfile(ctx, tx, a, u.CommunityID, id, 0, Profile{}, p); err != nil {
			return err
		}
		return s.change(ctx, tx, a, u.CommunityID, id, "add", map[string][2]any{
			"staff": {nil, PostName(p.Post) + " " + c.Name + "(" + c.StartedOn + "起)"}})
	})
	return id, err
}

// SaveProfile changes what the roster adds to a person's heading
// assignment; version is the profile's as the form read it (0: none yet).
func (s *Service) SaveProfile(ctx context.Context, a Actor, staff int64, version int, f ProfileForm) error {
	m, err := s.Member(ctx, staff)
	if err != nil {
		return err
	}
	if a.May == nil || !a.May(m.CommunityID) {
		return errNotYours
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		fe := fault.Fields{}
		p, err := s.checkProfile(ctx, tx, m.CommunityID, m.Role, f, fe)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if strings.TrimSpace(f.IDNumber) == "" {
			p.PersonID = m.PersonID // the form shows no number: the link stays
		}
		return s.writeProfile(ctx, tx, a, m.CommunityID, m.StaffID, version, m.Profile, p)
	})
}

// writeProfile inserts (version 0) or updates a profile if it is still at
// version, recording what changed.
func (s *Service) writeProfile(ctx context.Context, tx *sql.Tx, a Actor, community, staff int64, version int,
	before, p Profile) error {
	var person any
	if p.PersonID != 0 {
		person = p.PersonID
	}
	at := database.FormatTime(s.now())
	duties := strings.Join(p.Duties, ",")
	if version == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workforce_profiles WHERE community_id = $1 AND staff_id = $2`,
			community, staff).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_profiles (community_id, staff_id, post, title, wulao, duties,
			employer, person_id, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)`,
			community, staff, p.Post, p.Title, p.Wulao, duties, p.Employer, person, at, a.Name); err != nil {
			return err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE workforce_profiles SET post = $1, title = $2, wulao = $3, duties = $4,
			employer = $5, person_id = $6, version = version + 1, updated_at = $7, updated_by = $8
			WHERE community_id = $9 AND staff_id = $10 AND version = $11`,
			p.Post, p.Title, p.Wulao, duties, p.Employer, person, at, a.Name, community, staff, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
	}
	ch := map[string][2]any{}
	diff := func(k string, b, a any) {
		if b != a {
			ch[k] = [2]any{b, a}
		}
	}
	diff("post", PostName(before.Post), PostName(p.Post))
	diff("title", before.Title, p.Title)
	diff("wulao", WulaoName(before.Wulao), WulaoName(p.Wulao))
	diff("duties", strings.Join(before.Duties, ","), duties)
	diff("employer", before.Employer, p.Employer)
	linked := func(id int64) string {
		if id == 0 {
			return ""
		}
		return "已关联居民"
	}
	diff("person_id", linked(before.PersonID), linked(p.PersonID))
	if len(ch) == 0 {
		return nil
	}
	return s.change(ctx, tx, a, community, staff, "profile", ch)
}
