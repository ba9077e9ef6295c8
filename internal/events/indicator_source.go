package events

import (
	"context"
	"database/sql"
	"math"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/workdays"
)

// Events as an entity of report indicators (internal/indicators): 事件
// counted with the same filters, measures and period rules as the
// register's records — 本月上报 (计数, 期内新增), 期末在办 (在办 = 是, 期末),
// 本月结案 (已结案 = 是, 期内新增), 按期处置率 (占比), 平均评价 (平均(评价)).
// An event exists from the day it was reported (Beijing time). Its status
// on a day is replayed from its steps, so 在办 and 已结案 hold for past
// periods; the level, department, 按期 and the rating are today's.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db  *database.DB
	ent *indicators.Entity

	group, category, kind, source, urgency, status, open, closed, level, department, onTime *indicators.Field
	rating, minutes, rework, outcome                                                        *indicators.Field

	groupOf map[string]string // 小类 → 大类
	kindOf  map[string]string
}

// eventKinds name the categories' kinds.
var eventKinds = []indicators.Value{{Code: "general", Name: "一般事件"}, {Code: "dispute", Name: "矛盾纠纷"}}

// NewIndicatorSource makes the source of 事件 on db, reading the categories
// and departments its values come from.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db, groupOf: map[string]string{}, kindOf: map[string]string{}}
	var groups, cats, depts []indicators.Value
	rows, err := db.QueryContext(ctx, `SELECT code, COALESCE(parent, ''), name, kind FROM event_categories ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code, parent, name, kind string
		if err := rows.Scan(&code, &parent, &name, &kind); err != nil {
			rows.Close()
			return nil, err
		}
		s.kindOf[code] = kind
		if parent == "" {
			groups = append(groups, indicators.Value{Code: code, Name: name})
			s.groupOf[code] = code
		} else {
			cats = append(cats, indicators.Value{Code: code, Name: name})
			s.groupOf[code] = parent
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := scanValues(ctx, db, `SELECT code, name FROM departments ORDER BY sort, code`, &depts); err != nil {
		return nil, err
	}
	named := func(names map[string]string, order []string) []indicators.Value {
		out := make([]indicators.Value, 0, len(order))
		for _, c := range order {
			out = append(out, indicators.Value{Code: c, Name: names[c]})
		}
		return out
	}
	yesNo := func(name, label, note string) *indicators.Field {
		return &indicators.Field{Name: name, Label: label, Kind: indicators.Bool, Note: note}
	}
	s.group = &indicators.Field{Name: "group", Label: "大类", Kind: indicators.Enum, Values: groups}
	s.category = &indicators.Field{Name: "category", Label: "小类", Kind: indicators.Enum, Values: cats}
	s.kind = &indicators.Field{Name: "kind", Label: "事件类型", Kind: indicators.Enum, Values: eventKinds}
	s.source = &indicators.Field{Name: "source", Label: "来源", Kind: indicators.Enum,
		Values: named(SourceNames, []string{SourceGrid, SourceOffice, SourcePhone, SourceHotline, SourceResident, SourceAPI, SourceOpen311})}
	s.urgency = &indicators.Field{Name: "urgency", Label: "紧急程度", Kind: indicators.Enum,
		Values: named(UrgencyNames, []string{UrgencyNormal, UrgencyUrgent, UrgencyCritical})}
	s.status = &indicators.Field{Name: "status", Label: "状态", Kind: indicators.Enum, Values: named(StatusNames, Statuses),
		Note: "当日(北京时间)结束时的办理状态"}
	s.open = yesNo("open", "在办", "当日结束时尚未办结(未结案、未不予受理、未合并、未转办)")
	s.closed = yesNo("closed", "已结案", "当日结束时已结案")
	s.level = &indicators.Field{Name: "level", Label: "处置层级", Kind: indicators.Enum,
		Values: named(LevelNames, []string{LevelCommunity, LevelStreet, LevelDistrict}), Note: "当前的处置层级"}
	s.department = &indicators.Field{Name: "department", Label: "处置部门", Kind: indicators.Enum, Values: depts,
		Note: "当前(或最后)派遣到的部门"}
	s.onTime = yesNo("on_time", "按期处置", "每次反馈都在处置时限内(有反馈后才有值)")
	s.rating = &indicators.Field{Name: "rating", Label: "评价", Kind: indicators.Number, Unit: "分", Note: "反映人的满意度评价,1–5"}
	s.minutes = &indicators.Field{Name: "handling_minutes", Label: "处置用时", Kind: indicators.Number, Unit: "分钟",
		Note: "从开始处置到最后一次反馈的工作时间"}
	s.rework = &indicators.Field{Name: "rework_count", Label: "返工次数", Kind: indicators.Number, Unit: "次"}
	s.outcome = &indicators.Field{Name: "outcome", Label: "调解结果", Kind: indicators.Enum,
		Values: named(OutcomeNames, []string{"", "success", "partial", "failed", "withdrawn", "referred"}),
		Note:   "矛盾纠纷的调解结果(当前值);一般事件没有调解结果"}
	s.ent = &indicators.Entity{Name: "event", Label: "事件", Unit: "件",
		Note: "网格事件、来电、12345 转办、居民上报的事件与矛盾纠纷;自上报之日起计。状态、在办、已结案按办理步骤回溯到当日,其余字段为当前值",
		Fields: []*indicators.Field{s.group, s.category, s.kind, s.source, s.urgency, s.status, s.open, s.closed,
			s.level, s.department, s.onTime, s.rating, s.minutes, s.rework, s.outcome}}
	return s, nil
}

func scanValues(ctx context.Context, db *database.DB, query string, out *[]indicators.Value) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v indicators.Value
		if err := rows.Scan(&v.Code, &v.Name); err != nil {
			return err
		}
		*out = append(*out, v)
	}
	return rows.Err()
}

func (s *indicatorSource) Entities() []*indicators.Entity { return []*indicators.Entity{s.ent} }

// cutoffs are the stored instants that end the day before the period and
// its last day in Beijing time: a step before the cutoff had happened by
// the end of that day.
func cutoffs(p indicators.Period) (start, end string) {
	day := func(d string, plus int) string {
		t, _ := workdays.ParseDate(d)
		return database.FormatTime(t.AddDate(0, 0, plus))
	}
	return day(p.Start(), 0), day(p.End(), 1)
}

// statusesAt replays the steps of a community's events (those in ids, or
// all when nil) up to the two cutoffs: each event's status at the end of
// the day before the period and at the end of the period.
func (s *indicatorSource) statusesAt(ctx context.Context, community int64, p indicators.Period, ids []int64) (map[int64][2]string, error) {
	startCut, endCut := cutoffs(p)
	q := `SELECT event_id, to_status, created_at FROM event_steps WHERE community_id = $1 AND created_at < $2`
	a := s.db.Args(community, endCut)
	if ids != nil {
		q += ` AND ` + a.In("event_id", database.AnyOf(ids)...)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY event_id, id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var to, at string
		if err := rows.Scan(&id, &to, &at); err != nil {
			return nil, err
		}
		st := out[id]
		if at < startCut {
			st[0] = to
		}
		st[1] = to
		out[id] = st
	}
	return out, rows.Err()
}

// Scan supplies the events of one community reported by the end of the
// period.
func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	if !req.Wants(s.ent.Name) {
		return nil
	}
	p := req.Period
	var statuses map[int64][2]string
	if req.WantsField(s.ent.Name, "status") || req.WantsField(s.ent.Name, "open") || req.WantsField(s.ent.Name, "closed") {
		var err error
		if statuses, err = s.statusesAt(ctx, req.Community, p, nil); err != nil {
			return err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, category, source, urgency, level,
			COALESCE(department, ''), on_time, rating, handling_minutes, rework_count, reported_on,
			(SELECT m.outcome FROM event_mediations m WHERE m.community_id = events.community_id AND m.event_id = events.id)
		FROM events WHERE community_id = $1 AND reported_on <= $2`, req.Community, p.End())
	if err != nil {
		return err
	}
	defer rows.Close()
	before := p.Before()
	start, end := indicators.NewValues(s.ent), indicators.NewValues(s.ent)
	var rec indicators.Record
	for rows.Next() {
		var category, source, urgency, level, dept, reportedOn string
		var onTime, rating, minutes sql.NullInt64
		var rework int64
		var outcome sql.NullString
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &category, &source, &urgency, &level, &dept,
			&onTime, &rating, &minutes, &rework, &reportedOn, &outcome); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		v := end
		v.Enum[s.group.Slot()] = int32(s.group.CodeIndex(s.groupOf[category]))
		v.Enum[s.category.Slot()] = int32(s.category.CodeIndex(category))
		v.Enum[s.kind.Slot()] = int32(s.kind.CodeIndex(s.kindOf[category]))
		v.Enum[s.source.Slot()] = int32(s.source.CodeIndex(source))
		v.Enum[s.urgency.Slot()] = int32(s.urgency.CodeIndex(urgency))
		v.Enum[s.level.Slot()] = int32(s.level.CodeIndex(level))
		v.Enum[s.department.Slot()] = int32(s.department.CodeIndex(dept))
		v.Enum[s.onTime.Slot()] = -1
		if onTime.Valid {
			v.Enum[s.onTime.Slot()] = int32(min(1, max(0, onTime.Int64)))
		}
		v.Num[s.rating.Slot()] = nullNum(rating)
		v.Num[s.minutes.Slot()] = nullNum(minutes)
		v.Num[s.rework.Slot()] = float64(rework)
		v.Enum[s.outcome.Slot()] = -1
		if outcome.Valid {
			v.Enum[s.outcome.Slot()] = int32(s.outcome.CodeIndex(outcome.String))
		}
		st := statuses[rec.ID]
		s.setStatus(end, st[1])
		rec.Start, rec.End, rec.During = nil, end, end
		if reportedOn <= before {
			start.CopyFrom(end)
			s.setStatus(start, st[0])
			rec.Start = start
		}
		emit(s.ent, &rec)
	}
	return rows.Err()
}

// setStatus fills the fields that follow the status (reported when no
// step had happened yet).
func (s *indicatorSource) setStatus(v *indicators.Values, status string) {
	if status == "" {
		status = StatusReported
	}
	v.Enum[s.status.Slot()] = int32(s.status.CodeIndex(status))
	v.Enum[s.open.Slot()] = int32(b2i(!Final(status)))
	v.Enum[s.closed.Slot()] = int32(b2i(status == StatusClosed))
}

func nullNum(n sql.NullInt64) float64 {
	if !n.Valid {
		return math.NaN()
	}
	return float64(n.Int64)
}

// Columns lists the ledger's columns. The title, description, address and
// reporter are left out: free text that may name people, for viewers who
// hold reports.read but perhaps not events.read.
func (s *indicatorSource) Columns(*indicators.Entity) []indicators.Column {
	return []indicators.Column{{Label: "受理号", Kind: "text"}, {Label: "小类", Kind: "text"}, {Label: "来源", Kind: "text"},
		{Label: "上报日期", Kind: "text"}, {Label: "期末状态", Kind: "text"}, {Label: "处置部门", Kind: "text"}}
}

// Describe lists events by id, their status as at the end of the period.
func (s *indicatorSource) Describe(ctx context.Context, _ *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		statuses, err := s.statusesAt(ctx, community, p, chunk)
		if err != nil {
			return nil, err
		}
		a := s.db.Args(community)
		rows, err := s.db.QueryContext(ctx, `SELECT e.id, COALESCE(e.grid_id, 0), e.org_id, e.tracking_no, COALESCE(c.name, e.category),
				e.source, e.reported_on, COALESCE(d.name, '')
			FROM events e LEFT JOIN event_categories c ON c.code = e.category LEFT JOIN departments d ON d.code = e.department
			WHERE e.community_id = $1 AND `+a.In("e.id", database.AnyOf(chunk)...)+` ORDER BY e.reported_on, e.id`, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var no, cat, source, on, dept string
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &no, &cat, &source, &on, &dept); err != nil {
				rows.Close()
				return nil, err
			}
			status := statuses[r.ID][1]
			if status == "" {
				status = StatusReported
			}
			r.Cells = []string{no, cat, SourceNames[source], on, StatusNames[status], dept}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
