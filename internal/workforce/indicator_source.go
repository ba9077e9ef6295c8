package workforce

import (
	"context"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
)

// The roster as entities of report indicators (internal/indicators):
//
//   - 社区工作人员 (workforce, 人): one person of the roster, counted once
//     however many posts they hold, in office from the start of their
//     heading assignment to its end — 社区工作者 (类别 = 社区工作者), 协管员,
//     五老, 持证社会工作者 (持社工证 = 是: a social work certificate issued
//     by the day and not expired or withdrawn).
//   - 培训 (workforce_training, 次): a training attended, from its day;
//     学时 sums the hours (培训学时 期内).
//
// The staffing ratio is a share of 社区工作者 over the register's 人口 in ‰
// (WF007 in migration 086).
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                           *database.DB
	member, training             *indicators.Entity
	kind, post, wulao, qualified *indicators.Field
	hours                        *indicators.Field
}

// NewIndicatorSource makes the source of the roster's entities on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	values := func(ls []Label) []indicators.Value {
		out := make([]indicators.Value, len(ls))
		for i, l := range ls {
			out[i] = indicators.Value{Code: l.Code, Name: l.Name}
		}
		return out
	}
	s.kind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: values(Kinds)}
	s.post = &indicators.Field{Name: "post", Label: "协管员岗位", Kind: indicators.Enum, Values: values(Posts)}
	s.wulao = &indicators.Field{Name: "wulao", Label: "五老", Kind: indicators.Bool, Note: "老党员、老干部、老职工、老战士、老专家、老教师、老模范"}
	s.qualified = &indicators.Field{Name: "qualified", Label: "持社工证", Kind: indicators.Bool,
		Note: "持有当日有效的助理社会工作师、社会工作师或高级社会工作师证书"}
	s.member = &indicators.Entity{Name: "workforce", Label: "社区工作人员", Unit: "人",
		Note:   "社区工作者、协管员和居民骨干,一人兼多岗只计一次,按任职起止日期计",
		Fields: []*indicators.Field{s.kind, s.post, s.wulao, s.qualified}}
	s.hours = &indicators.Field{Name: "hours", Label: "学时", Kind: indicators.Number, Unit: "学时"}
	s.training = &indicators.Entity{Name: "workforce_training", Label: "培训", Unit: "人次",
		Note: "社区工作人员参加的培训,自培训之日起计", Fields: []*indicators.Field{s.hours}}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.member, s.training}
}

// qualSpan is when a social work certificate is in force.
type qualSpan struct{ from, until string }

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	start, end, before := req.Period.Start(), req.Period.End(), req.Period.Before()
	if req.Wants(s.member.Name) {
		svc := &Service{db: s.db}
		as, err := svc.assignments(ctx, s.db, req.Community)
		if err != nil {
			return err
		}
		ms := people(req.Community, as)
		profiles := map[int64][2]string{}
		rows, err := s.db.QueryContext(ctx, `SELECT staff_id, post, wulao FROM workforce_profiles WHERE community_id = $1`, req.Community)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var post, wulao string
			if err := rows.Scan(&id, &post, &wulao); err != nil {
				rows.Close()
				return err
			}
			profiles[id] = [2]string{post, wulao}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		quals := map[int64][]qualSpan{}
		rows, err = s.db.QueryContext(ctx, `SELECT staff_id, issued_on, expires_on FROM workforce_qualifications
			WHERE community_id = $1 AND withdrawn = 0 AND kind IN ('sw_assistant', 'sw', 'sw_senior')`, req.Community)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var q qualSpan
			if err := rows.Scan(&id, &q.from, &q.until); err != nil {
				rows.Close()
				return err
			}
			quals[id] = append(quals[id], q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		inForce := func(a Assignment, day string) bool { return a.StartedOn <= day && (a.EndedOn == "" || a.EndedOn > day) }
		startV, endV, duringV := indicators.NewValues(s.member), indicators.NewValues(s.member), indicators.NewValues(s.member)
		for _, m := range ms {
			p := profiles[m.StaffID]
			qualified := func(day string) bool {
				for _, id := range m.IDs() {
					for _, q := range quals[id] {
						if q.from <= day && (q.until == "" || q.until >= day) {
							return true
						}
					}
				}
				return false
			}
			set := func(v *indicators.Values, day string) *indicators.Values {
				v.Enum[s.kind.Slot()] = int32(s.kind.CodeIndex(m.Kind))
				v.Enum[s.post.Slot()] = -1
				if m.Role == orgtree.RoleCoordinator {
					v.Enum[s.post.Slot()] = int32(s.post.CodeIndex(p[0]))
				}
				v.Enum[s.wulao.Slot()] = int32(boolInt(p[1] != ""))
				v.Enum[s.qualified.Slot()] = int32(boolInt(qualified(day)))
				return v
			}
			rec := indicators.Record{ID: m.StaffID, Place: access.Place{Community: req.Community, Grid: m.GridID, Org: m.UnitID}}
			if inForce(m.Assignment, before) {
				rec.Start = set(startV, before)
			}
			if inForce(m.Assignment, end) {
				rec.End = set(endV, end)
			}
			if m.StartedOn <= end && (m.EndedOn == "" || m.EndedOn > start) {
				rec.During = set(duringV, end)
			}
			if rec.Start == nil && rec.End == nil && rec.During == nil {
				continue
			}
			emit(s.member, &rec)
		}
	}
	if !req.Wants(s.training.Name) {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.staff_id, t.held_on, t.minutes, COALESCE(u.grid_id, 0), st.unit_id
		FROM workforce_training t JOIN org_staff st ON st.id = t.staff_id JOIN org_units u ON u.id = st.unit_id
		WHERE t.community_id = $1 AND t.held_on <= $2`, req.Community, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	v := indicators.NewValues(s.training)
	var rec indicators.Record
	for rows.Next() {
		var staff int64
		var on string
		var minutes int
		if err := rows.Scan(&rec.ID, &staff, &on, &minutes, &rec.Place.Grid, &rec.Place.Org); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		v.Num[s.hours.Slot()] = float64(minutes) / 60
		rec.Start, rec.End, rec.During = nil, v, v
		if on < start {
			rec.Start = v
		}
		emit(s.training, &rec)
	}
	return rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	if e.Name == s.training.Name {
		return []indicators.Column{{Label: "日期", Kind: "text"}, {Label: "姓名", Kind: "text"}, {Label: "培训内容", Kind: "text"},
			{Label: "学时", Kind: "text"}}
	}
	return []indicators.Column{{Label: "姓名", Kind: "text"}, {Label: "岗位", Kind: "text"}, {Label: "所在单元", Kind: "text"},
		{Label: "任职日期", Kind: "text"}}
}

// Describe lists people by their heading assignment, trainings by id.
func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := s.db.Args(community)
		q := `SELECT st.id, st.unit_id, COALESCE(u.grid_id, 0), st.name, st.role, u.name, st.started_on, COALESCE(pr.post, ''),
			COALESCE(pr.title, '') FROM org_staff st JOIN org_units u ON u.id = st.unit_id
			LEFT JOIN workforce_profiles pr ON pr.community_id = st.community_id AND pr.staff_id = st.id
			WHERE st.community_id = $1 AND ` + a.In("st.id", database.AnyOf(chunk)...)
		if e.Name == s.training.Name {
			q = `SELECT t.id, st.unit_id, COALESCE(u.grid_id, 0), t.held_on, st.name, t.title, '', CAST(t.minutes AS TEXT), ''
				FROM workforce_training t JOIN org_staff st ON st.id = t.staff_id JOIN org_units u ON u.id = st.unit_id
				WHERE t.community_id = $1 AND ` + a.In("t.id", database.AnyOf(chunk)...)
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var c1, c2, c3, c4, post, title string
			if err := rows.Scan(&r.ID, &r.Place.Org, &r.Place.Grid, &c1, &c2, &c3, &c4, &post, &title); err != nil {
				rows.Close()
				return nil, err
			}
			if e.Name == s.training.Name {
				m, _ := strconv.Atoi(post) // the minutes, in the training's query
				r.Cells = []string{c1, c2, c3, Hours(m)}
			} else {
				m := Member{Assignment: Assignment{Role: c2}, Profile: Profile{Post: post, Title: title}}
				r.Cells = []string{c1, m.PostName(), c3, c4}
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
