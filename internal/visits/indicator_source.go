package visits

import (
	"context"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// Visits as entities of report indicators (internal/indicators):
//
//   - 走访 (visit, 户次): a visit, from its day — 本月走访户次 (计数, 期内新增),
//     见到住户的 (结果 = 见到住户), 更正了登记信息的 (更正 = 是).
//   - 走访任务 (visit_due, 次): a due visit of a household by a rule, from
//     the day its window opens — 期末超期 (超期 = 是, 期末), 本月完成
//     (已完成 = 是) against 本月到期 as 占比 (按期走访率, 覆盖率 of the
//     month's due visits).
//
// Both lie where their household lies today. A due visit's state on a
// past day is read from its done day: done by then, or overdue by then
// (past its overdue day and not yet done); a row voided (the tag ended,
// the household left) is not counted.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                          *database.DB
	visit, due                  *indicators.Entity
	outcome, corrected, flagged *indicators.Field
	rule, done, overdue         *indicators.Field
	household, dueHousehold     *indicators.Field
}

// NewIndicatorSource makes the source of 走访 and 走访任务 on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	rules, err := rulesOf(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	var ruleValues []indicators.Value
	for _, r := range rules {
		ruleValues = append(ruleValues, indicators.Value{Code: itoa(r.ID), Name: r.Name})
	}
	yesNo := func(name, label, note string) *indicators.Field {
		return &indicators.Field{Name: name, Label: label, Kind: indicators.Bool, Note: note}
	}
	s.outcome = &indicators.Field{Name: "outcome", Label: "结果", Kind: indicators.Enum, Values: []indicators.Value{
		{Code: OutcomeMet, Name: OutcomeNames[OutcomeMet]}, {Code: OutcomeAbsent, Name: OutcomeNames[OutcomeAbsent]},
		{Code: OutcomeRefused, Name: OutcomeNames[OutcomeRefused]}}}
	s.corrected = yesNo("corrected", "更正", "走访中更正了登记信息(电话、迁出、死亡、孕情)")
	s.flagged = yesNo("flagged", "待复核", "同步时覆盖了他人的修改")
	s.household = &indicators.Field{Name: "household", Label: "住户", Kind: indicators.Ref,
		Note: "走访的住户;去重计数即走访户数"}
	s.dueHousehold = &indicators.Field{Name: "household", Label: "住户", Kind: indicators.Ref}
	s.visit = &indicators.Entity{Name: "visit", Label: "走访", Unit: "户次",
		Note:   "百家熟入户走访,自走访之日起计,按住户现在所在的社区、网格统计",
		Fields: []*indicators.Field{s.outcome, s.corrected, s.flagged, s.household}}
	s.rule = &indicators.Field{Name: "rule", Label: "走访规则", Kind: indicators.Enum, Values: ruleValues}
	s.done = yesNo("done", "已完成", "当日结束时已走访完成")
	s.overdue = yesNo("overdue", "超期", "当日结束时已过超期日仍未走访")
	s.due = &indicators.Entity{Name: "visit_due", Label: "走访任务", Unit: "次",
		Note:   "按走访规则应做的一次走访,自可以走访之日起计;已撤销的(标签结束、住户迁走)不计",
		Fields: []*indicators.Field{s.rule, s.done, s.overdue, s.dueHousehold}}
	return s, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.visit, s.due}
}

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	start, end := req.Period.Start(), req.Period.End()
	if req.Wants(s.visit.Name) {
		rows, err := s.db.QueryContext(ctx, `SELECT v.id, v.household_id, COALESCE(h.grid_id, 0), h.org_id, v.visited_on, v.outcome,
			CASE WHEN v.corrections IN ('', 'null', '[]') THEN 0 ELSE 1 END, v.flagged
			FROM visits v JOIN households h ON h.community_id = v.community_id AND h.id = v.household_id
			WHERE v.community_id = $1 AND v.visited_on <= $2`, req.Community, end)
		if err != nil {
			return err
		}
		v := indicators.NewValues(s.visit)
		var rec indicators.Record
		for rows.Next() {
			var on, outcome string
			var corrected, flagged int
			var hid int64
			if err := rows.Scan(&rec.ID, &hid, &rec.Place.Grid, &rec.Place.Org, &on, &outcome, &corrected, &flagged); err != nil {
				rows.Close()
				return err
			}
			rec.Place.Community = req.Community
			v.Enum[s.outcome.Slot()] = int32(s.outcome.CodeIndex(outcome))
			v.Enum[s.corrected.Slot()] = int32(corrected)
			v.Enum[s.flagged.Slot()] = int32(flagged)
			v.Ref[s.household.Slot()] = hid
			rec.Start, rec.End, rec.During = nil, v, v
			if on < start {
				rec.Start = v
			}
			emit(s.visit, &rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if !req.Wants(s.due.Name) {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT h.id, COALESCE(h.grid_id, 0), h.org_id, s.rule_id, s.earliest_on, s.overdue_on,
		s.done_on, s.anchor, s.seq
		FROM visit_schedules s JOIN households h ON h.community_id = s.community_id AND h.id = s.household_id
		WHERE s.community_id = $1 AND s.status <> 'void' AND s.earliest_on <= $2`, req.Community, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	before := req.Period.Before()
	startV, endV := indicators.NewValues(s.due), indicators.NewValues(s.due)
	state := func(v *indicators.Values, hid, rule int64, overdueOn, doneOn, day string) {
		v.Enum[s.rule.Slot()] = int32(s.rule.CodeIndex(itoa(rule)))
		done := doneOn != "" && doneOn <= day
		v.Enum[s.done.Slot()] = int32(boolInt(done))
		v.Enum[s.overdue.Slot()] = int32(boolInt(!done && overdueOn <= day))
		v.Ref[s.dueHousehold.Slot()] = hid
	}
	var rec indicators.Record
	for rows.Next() {
		var hid, rule int64
		var earliest, overdue, doneOn, anchor string
		var seq int
		if err := rows.Scan(&hid, &rec.Place.Grid, &rec.Place.Org, &rule, &earliest, &overdue, &doneOn, &anchor, &seq); err != nil {
			return err
		}
		// A due visit has no id of its own: its ledger lists its household.
		rec.ID = hid
		rec.Place.Community = req.Community
		state(endV, hid, rule, overdue, doneOn, end)
		rec.Start, rec.End, rec.During = nil, endV, endV
		if earliest < start {
			state(startV, hid, rule, overdue, doneOn, before)
			rec.Start = startV
		}
		emit(s.due, &rec)
	}
	return rows.Err()
}

func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	if e.Name == s.visit.Name {
		return []indicators.Column{{Label: "走访日期", Kind: "text"}, {Label: "户号", Kind: "text"}, {Label: "结果", Kind: "text"},
			{Label: "走访人", Kind: "text"}}
	}
	return []indicators.Column{{Label: "户号", Kind: "text"}}
}

// Describe lists visits by id; a due visit, which has no id of its own,
// by its household.
func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := s.db.Args(community)
		q := `SELECT v.id, COALESCE(h.grid_id, 0), h.org_id, v.visited_on, h.number, v.outcome, v.author FROM visits v
			JOIN households h ON h.community_id = v.community_id AND h.id = v.household_id
			WHERE v.community_id = $1 AND ` + a.In("v.id", database.AnyOf(chunk)...)
		if e.Name == s.due.Name {
			a = s.db.Args(community)
			q = `SELECT h.id, COALESCE(h.grid_id, 0), h.org_id, '', h.number, '', '' FROM households h
				WHERE h.community_id = $1 AND ` + a.In("h.id", database.AnyOf(chunk)...)
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var on, number, outcome, author string
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &on, &number, &outcome, &author); err != nil {
				rows.Close()
				return nil, err
			}
			r.Cells = []string{on, number, OutcomeNames[outcome], author}
			if e.Name == s.due.Name {
				r.Cells = []string{number}
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
