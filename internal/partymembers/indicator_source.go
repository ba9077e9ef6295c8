package partymembers

import (
	"context"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// The in-service party members as entities of report indicators:
//
//   - 在职党员 (party_member, 人): a registration, from its first report to
//     the day it ended — 报到人数 (计数, 期末), 逾期未报到 (逾期 = 是, 期末:
//     the last report by that day more than six months before it).
//   - 党员服务 (party_service, 次): a stint of service, from its day — 服务
//     时长 (求和 of 时长, 期内新增), by 类别 (岗位服务, 结对走访, 微心愿, 其他).
//   - 微心愿 (party_wish, 个): a wish, from its posting — 已实现 (confirmed
//     by the day), 逾期 (open or claimed past its deadline on the day).
//
// Each lies where its person lies today.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                          *database.DB
	member, service, wish       *indicators.Entity
	overdue                     *indicators.Field
	kind, hours                 *indicators.Field
	wishStatus, fulfilled, late *indicators.Field
}

// NewIndicatorSource makes the source of 在职党员, 党员服务 and 微心愿 on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	s.overdue = &indicators.Field{Name: "overdue", Label: "逾期", Kind: indicators.Bool,
		Note: "当日结束时距最近一次报到已超过六个月"}
	s.member = &indicators.Entity{Name: "party_member", Label: "在职党员", Unit: "人",
		Note:   "到居住地社区报到的在职党员,自首次报到之日起、至退出报到之日止",
		Fields: []*indicators.Field{s.overdue}}
	var kinds []indicators.Value
	for _, k := range []string{"post", "pairing", "wish", "other"} {
		kinds = append(kinds, indicators.Value{Code: k, Name: ServiceKinds[k]})
	}
	s.kind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: kinds}
	s.hours = &indicators.Field{Name: "hours", Label: "时长", Kind: indicators.Number, Unit: "小时"}
	s.service = &indicators.Entity{Name: "party_service", Label: "党员服务", Unit: "次",
		Note: "在职党员岗位服务、结对走访、实现微心愿的记录,自服务之日起计", Fields: []*indicators.Field{s.kind, s.hours}}
	var states []indicators.Value
	for _, k := range []string{WishOpen, WishClaimed, WishFulfilled, WishConfirmed, WishCancelled} {
		states = append(states, indicators.Value{Code: k, Name: WishStates[k]})
	}
	s.wishStatus = &indicators.Field{Name: "status", Label: "状态", Kind: indicators.Enum, Values: states,
		Note: "期末的状态以现在的状态计"}
	s.fulfilled = &indicators.Field{Name: "fulfilled", Label: "已实现", Kind: indicators.Bool, Note: "当日结束时已确认实现"}
	s.late = &indicators.Field{Name: "overdue", Label: "逾期", Kind: indicators.Bool, Note: "当日结束时已过完成期限仍未实现"}
	s.wish = &indicators.Entity{Name: "party_wish", Label: "微心愿", Unit: "个",
		Note: "社区为居民发布的微心愿,自发布之日起计", Fields: []*indicators.Field{s.wishStatus, s.fulfilled, s.late}}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.member, s.service, s.wish}
}

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	start, end, before := req.Period.Start(), req.Period.End(), req.Period.Before()
	if req.Wants(s.member.Name) {
		if err := s.scanMembers(ctx, req, start, end, before, emit); err != nil {
			return err
		}
	}
	if req.Wants(s.service.Name) {
		rows, err := s.db.QueryContext(ctx, `SELECT v.id, COALESCE(p.grid_id, 0), p.org_id, v.kind, v.minutes, v.served_on
			FROM party_service v JOIN party_members m ON m.community_id = v.community_id AND m.id = v.member_id
			JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
			WHERE v.community_id = $1 AND v.served_on <= $2`, req.Community, end)
		if err != nil {
			return err
		}
		v := indicators.NewValues(s.service)
		var rec indicators.Record
		for rows.Next() {
			var kind, on string
			var minutes int
			if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &kind, &minutes, &on); err != nil {
				rows.Close()
				return err
			}
			rec.Place.Community = req.Community
			v.Enum[s.kind.Slot()] = int32(s.kind.CodeIndex(kind))
			v.Num[s.hours.Slot()] = float64(minutes) / 60
			rec.Start, rec.End, rec.During = nil, v, v
			if on < start {
				rec.Start = v
			}
			emit(s.service, &rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if !req.Wants(s.wish.Name) {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT w.id, COALESCE(p.grid_id, 0), p.org_id, w.status, w.posted_on, w.deadline_on,
		w.confirmed_on, w.fulfilled_on FROM party_wishes w JOIN persons p ON p.community_id = w.community_id AND p.id = w.person_id
		WHERE w.community_id = $1 AND w.posted_on <= $2`, req.Community, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	startV, endV := indicators.NewValues(s.wish), indicators.NewValues(s.wish)
	state := func(v *indicators.Values, status, deadline, confirmed, fulfilled, day string) {
		v.Enum[s.wishStatus.Slot()] = int32(s.wishStatus.CodeIndex(status))
		done := confirmed != "" && confirmed <= day
		v.Enum[s.fulfilled.Slot()] = int32(boolInt(done))
		met := fulfilled != "" && fulfilled <= day
		v.Enum[s.late.Slot()] = int32(boolInt(status != WishCancelled && !done && !met && deadline < day))
	}
	var rec indicators.Record
	for rows.Next() {
		var status, posted, deadline, confirmed, fulfilled string
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &status, &posted, &deadline, &confirmed, &fulfilled); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		state(endV, status, deadline, confirmed, fulfilled, end)
		rec.Start, rec.End, rec.During = nil, endV, endV
		if posted < start {
			state(startV, status, deadline, confirmed, fulfilled, before)
			rec.Start = startV
		}
		emit(s.wish, &rec)
	}
	return rows.Err()
}

// scanMembers emits the registrations alive at some time in the period,
// overdue on a day judged from their reports up to that day.
func (s *indicatorSource) scanMembers(ctx context.Context, req indicators.ScanRequest, start, end, before string,
	emit func(*indicators.Entity, *indicators.Record)) error {
	reports := map[int64][]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT member_id, reported_on FROM party_member_reports WHERE community_id = $1
		AND reported_on <= $2 ORDER BY reported_on`, req.Community, end)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var on string
		if err := rows.Scan(&id, &on); err != nil {
			rows.Close()
			return err
		}
		reports[id] = append(reports[id], on)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	overdueOn := func(id int64, first, day string) bool {
		last := first
		for _, on := range reports[id] {
			if on <= day {
				last = on
			}
		}
		return NextDue(last) < day
	}
	rows, err = s.db.QueryContext(ctx, `SELECT m.id, COALESCE(p.grid_id, 0), p.org_id, m.reported_on, m.status, m.left_on
		FROM party_members m JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
		WHERE m.community_id = $1 AND m.reported_on <= $2 AND (m.status = 'active' OR m.left_on >= $3)`,
		req.Community, end, start)
	if err != nil {
		return err
	}
	defer rows.Close()
	startV, endV := indicators.NewValues(s.member), indicators.NewValues(s.member)
	var rec indicators.Record
	for rows.Next() {
		var first, status, left string
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &first, &status, &left); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		rec.Start, rec.End = nil, nil
		if status == StatusActive || left > end {
			endV.Enum[s.overdue.Slot()] = int32(boolInt(overdueOn(rec.ID, first, end)))
			rec.End = endV
		}
		if first < start {
			startV.Enum[s.overdue.Slot()] = int32(boolInt(overdueOn(rec.ID, first, before)))
			rec.Start = startV
		}
		rec.During = rec.End
		if rec.During == nil {
			rec.During = rec.Start
			if rec.During == nil {
				// Registered and gone within the period.
				startV.Enum[s.overdue.Slot()] = 0
				rec.During = startV
			}
		}
		emit(s.member, &rec)
	}
	return rows.Err()
}

func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	switch e.Name {
	case s.member.Name:
		return []indicators.Column{{Label: "姓名", Kind: "text"}, {Label: "单位", Kind: "text"}, {Label: "最近报到", Kind: "text"}}
	case s.service.Name:
		return []indicators.Column{{Label: "日期", Kind: "text"}, {Label: "党员", Kind: "text"}, {Label: "类别", Kind: "text"},
			{Label: "时长(小时)", Kind: "text"}}
	}
	return []indicators.Column{{Label: "心愿", Kind: "text"}, {Label: "发布日期", Kind: "text"}, {Label: "状态", Kind: "text"}}
}

func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := s.db.Args(community)
		var q string
		switch e.Name {
		case s.member.Name:
			q = `SELECT m.id, COALESCE(p.grid_id, 0), p.org_id, p.name, m.employer, m.last_reported_on, '' FROM party_members m
				JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
				WHERE m.community_id = $1 AND ` + a.In("m.id", database.AnyOf(chunk)...)
		case s.service.Name:
			q = `SELECT v.id, COALESCE(p.grid_id, 0), p.org_id, v.served_on, p.name, v.kind, CAST(v.minutes AS TEXT)
				FROM party_service v JOIN party_members m ON m.community_id = v.community_id AND m.id = v.member_id
				JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
				WHERE v.community_id = $1 AND ` + a.In("v.id", database.AnyOf(chunk)...)
		default:
			q = `SELECT w.id, COALESCE(p.grid_id, 0), p.org_id, w.title, w.posted_on, w.status, '' FROM party_wishes w
				JOIN persons p ON p.community_id = w.community_id AND p.id = w.person_id
				WHERE w.community_id = $1 AND ` + a.In("w.id", database.AnyOf(chunk)...)
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var c1, c2, c3, c4 string
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &c1, &c2, &c3, &c4); err != nil {
				rows.Close()
				return nil, err
			}
			switch e.Name {
			case s.member.Name:
				r.Cells = []string{c1, c2, c3}
			case s.service.Name:
				n := 0
				for _, ch := range strings.TrimSpace(c4) {
					n = n*10 + int(ch-'0')
				}
				r.Cells = []string{c1, c2, ServiceKinds[c3], Hours(n)}
			default:
				r.Cells = []string{c1, c2, WishStates[c3]}
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
