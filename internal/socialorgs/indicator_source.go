package socialorgs

import (
	"context"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// 社区社会组织 as entities of report indicators (internal/indicators):
//
//   - 社区社会组织 (social_org, 个): an organisation filed (备案) with the
//     street, from the day it was filed (filed_on) to the day it was
//     dissolved (dissolved_on, no longer counted at that day's end) —
//     备案社区社会组织数 (计数, 期末), per ten thousand residents (占比 of
//     WF006 in ‱), by 类别, 枢纽型 and 成员人数 (members on the day). An
//     organisation still 筹备 is not in it.
//   - 社区社会组织活动 (social_org_activity, 场): an activity recorded, from
//     its day — 活动场次 (计数, 期内新增) and 参加人次 (求和 of 参加人数), by
//     the organisation's 类别.
//
// Everything is dated, so a past period computes again the same; an
// activity recorded late for its day changes it, as a correction does.
// Both lie in their community (the organisations are the community's).
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                    *database.DB
	org, activity         *indicators.Entity
	kind, hub, members    *indicators.Field
	actKind, participants *indicators.Field
}

// NewIndicatorSource makes the source of 社区社会组织 and their activities on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	var kinds []indicators.Value
	for _, k := range Kinds {
		kinds = append(kinds, indicators.Value{Code: k.Code, Name: k.Name})
	}
	s.kind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: kinds}
	s.hub = &indicators.Field{Name: "hub", Label: "枢纽型", Kind: indicators.Bool, Note: "以现在的登记计"}
	s.members = &indicators.Field{Name: "members", Label: "成员人数", Kind: indicators.Number, Unit: "人",
		Note: "当日在册的成员人数"}
	s.org = &indicators.Entity{Name: "social_org", Label: "社区社会组织", Unit: "个",
		Note:   "在街道备案的社区社会组织,自备案之日起、至注销之日止;筹备中的不计",
		Fields: []*indicators.Field{s.kind, s.hub, s.members}}
	s.actKind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: kinds, Note: "举办组织的类别"}
	s.participants = &indicators.Field{Name: "participants", Label: "参加人数", Kind: indicators.Number, Unit: "人"}
	s.activity = &indicators.Entity{Name: "social_org_activity", Label: "社区社会组织活动", Unit: "场",
		Note:   "社区社会组织记录的活动,自活动之日起计",
		Fields: []*indicators.Field{s.actKind, s.participants}}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.org, s.activity}
}

// existsOn says whether an organisation filed on filed and dissolved on
// dissolved (empty: not) counts at the end of day.
func existsOn(filed, dissolved, day string) bool {
	return filed != "" && filed <= day && (dissolved == "" || dissolved > day)
}

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	start, end, before := req.Period.Start(), req.Period.End(), req.Period.Before()
	place := access.Place{Community: req.Community, Org: req.Community}
	if req.Wants(s.org.Name) {
		type stint struct{ joined, left string }
		members := map[int64][]stint{}
		if req.WantsField(s.org.Name, s.members.Name) {
			rows, err := s.db.QueryContext(ctx, `SELECT org_id, joined_on, left_on FROM social_org_members
				WHERE community_id = $1 AND joined_on <= $2`, req.Community, end)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var st stint
				if err := rows.Scan(&id, &st.joined, &st.left); err != nil {
					rows.Close()
					return err
				}
				members[id] = append(members[id], st)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id, kind, hub, filed_on, dissolved_on FROM social_orgs
			WHERE community_id = $1 AND status <> 'preparing' AND filed_on <> '' AND filed_on <= $2
			AND (dissolved_on = '' OR dissolved_on >= $3)`, req.Community, end, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		startV, endV := indicators.NewValues(s.org), indicators.NewValues(s.org)
		state := func(v *indicators.Values, id int64, kind string, hub int, day string) {
			n := 0
			for _, m := range members[id] {
				if m.joined <= day && (m.left == "" || m.left > day) {
					n++
				}
			}
			v.Enum[s.kind.Slot()] = int32(s.kind.CodeIndex(kind))
			v.Enum[s.hub.Slot()] = int32(hub)
			v.Num[s.members.Slot()] = float64(n)
		}
		rec := indicators.Record{Place: place}
		for rows.Next() {
			var kind, filed, dissolved string
			var hub int
			if err := rows.Scan(&rec.ID, &kind, &hub, &filed, &dissolved); err != nil {
				return err
			}
			rec.Start, rec.End = nil, nil
			if existsOn(filed, dissolved, end) {
				state(endV, rec.ID, kind, hub, end)
				rec.End = endV
			}
			if existsOn(filed, dissolved, before) {
				state(startV, rec.ID, kind, hub, before)
				rec.Start = startV
			}
			rec.During = rec.End
			if rec.During == nil {
				rec.During = rec.Start
			}
			if rec.During == nil {
				// Filed and dissolved within the period: as on the day filed.
				state(startV, rec.ID, kind, hub, filed)
				rec.During = startV
			}
			emit(s.org, &rec)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if !req.Wants(s.activity.Name) {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.held_on, o.kind, a.participants FROM social_org_activities a
		JOIN social_orgs o ON o.community_id = a.community_id AND o.id = a.org_id
		WHERE a.community_id = $1 AND a.held_on <= $2`, req.Community, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	v := indicators.NewValues(s.activity)
	rec := indicators.Record{Place: place}
	for rows.Next() {
		var on, kind string
		var n int
		if err := rows.Scan(&rec.ID, &on, &kind, &n); err != nil {
			return err
		}
		v.Enum[s.actKind.Slot()] = int32(s.actKind.CodeIndex(kind))
		v.Num[s.participants.Slot()] = float64(n)
		rec.Start, rec.End, rec.During = nil, v, v
		if on < start {
			rec.Start = v
		}
		emit(s.activity, &rec)
	}
	return rows.Err()
}

func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	if e.Name == s.org.Name {
		return []indicators.Column{{Label: "名称", Kind: "text"}, {Label: "类别", Kind: "text"}, {Label: "备案编号", Kind: "text"},
			{Label: "备案日期", Kind: "text"}}
	}
	return []indicators.Column{{Label: "日期", Kind: "text"}, {Label: "组织", Kind: "text"}, {Label: "活动", Kind: "text"},
		{Label: "参加人数", Kind: "text"}}
}

func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := s.db.Args(community)
		q := `SELECT id, name, kind, filing_number, filed_on FROM social_orgs WHERE community_id = $1 AND ` +
			a.In("id", database.AnyOf(chunk)...)
		if e.Name == s.activity.Name {
			q = `SELECT a.id, a.held_on, o.name, a.title, CAST(a.participants AS TEXT) FROM social_org_activities a
				JOIN social_orgs o ON o.community_id = a.community_id AND o.id = a.org_id
				WHERE a.community_id = $1 AND ` + a.In("a.id", database.AnyOf(chunk)...)
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community, Org: community}}
			var c1, c2, c3, c4 string
			if err := rows.Scan(&r.ID, &c1, &c2, &c3, &c4); err != nil {
				rows.Close()
				return nil, err
			}
			if e.Name == s.org.Name {
				c2 = KindName(c2)
			} else if n, err := strconv.Atoi(c4); err == nil {
				c4 = strconv.Itoa(n)
			}
			r.Cells = []string{c1, c2, c3, c4}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
