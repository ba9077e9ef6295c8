package satisfaction

import (
	"context"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// 群众满意度 as an entity of report indicators (internal/indicators):
//
//   - 居民评价 (satisfaction_rating, 次): one rating of an event, an
//     application, a visit or a volunteer activity, from the day it was
//     given — 评价次数 (计数, 期内新增) by 部分, 满意 (4 or 5 stars) and 星级;
//     the 满意率 is 满意 as 占比 of the ratings (migration 099).
//
// A rating is never changed, so a past period computes again the same.
// Ratings lie in their community: whoever rated, the work was the
// community's.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                     *database.DB
	ent                    *indicators.Entity
	part, satisfied, score *indicators.Field
}

// NewIndicatorSource makes the source of the residents' ratings on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	var parts []indicators.Value
	for _, p := range Parts {
		parts = append(parts, indicators.Value{Code: p.Code, Name: p.Name})
	}
	s.part = &indicators.Field{Name: "part", Label: "部分", Kind: indicators.Enum, Values: parts}
	s.satisfied = &indicators.Field{Name: "satisfied", Label: "满意", Kind: indicators.Bool, Note: "评4星或5星"}
	s.score = &indicators.Field{Name: "score", Label: "星级", Kind: indicators.Number, Unit: "星", Note: "1–5"}
	s.ent = &indicators.Entity{Name: "satisfaction_rating", Label: "居民评价", Unit: "次",
		Note:   "居民对事件处置、办事、入户走访和志愿服务活动的评价,自评价之日起计",
		Fields: []*indicators.Field{s.part, s.satisfied, s.score}}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity { return []*indicators.Entity{s.ent} }

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	if !req.Wants(s.ent.Name) {
		return nil
	}
	start, end := req.Period.Start(), req.Period.End()
	v := indicators.NewValues(s.ent)
	rec := indicators.Record{Place: access.Place{Community: req.Community, Org: req.Community}}
	// Every rating up to the period's end: one given before the period
	// stands at its start too, so 期末 counts what was ever given and 期内新增
	// what was given in the period.
	return scanAll(ctx, s.db, req.Community, "2000-01-01", end, func(part int, id int64, on string, score int) {
		v.Enum[s.part.Slot()] = int32(part)
		v.Enum[s.satisfied.Slot()] = 0
		if Satisfied(score) {
			v.Enum[s.satisfied.Slot()] = 1
		}
		v.Num[s.score.Slot()] = float64(score)
		rec.ID, rec.Start, rec.End, rec.During = id, nil, v, v
		if on < start {
			rec.Start = v
		}
		emit(s.ent, &rec)
	})
}

func (s *indicatorSource) Columns(*indicators.Entity) []indicators.Column {
	return []indicators.Column{{Label: "评价日期", Kind: "text"}, {Label: "部分", Kind: "text"}, {Label: "星级", Kind: "text"},
		{Label: "满意", Kind: "text"}}
}

// Describe lists the ratings asked for by reading the period's again: a
// rating names no person here, only what was rated and how.
func (s *indicatorSource) Describe(ctx context.Context, _ *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []indicators.LedgerRow
	err := scanAll(ctx, s.db, community, "2000-01-01", p.End(), func(part int, id int64, on string, score int) {
		if !want[id] {
			return
		}
		yes := "否"
		if Satisfied(score) {
			yes = "是"
		}
		out = append(out, indicators.LedgerRow{ID: id, Place: access.Place{Community: community, Org: community},
			Cells: []string{on, Parts[part].Name, strconv.Itoa(score), yes}})
	})
	return out, err
}
