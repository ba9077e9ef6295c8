package satisfaction

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/services"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
)

// Part is one kind of thing residents rate.
type Part struct {
	Code, Name string
	// scan reads the part's ratings given in a community between two days
	// (inclusive), from the capability that keeps them.
	scan func(ctx context.Context, q database.Querier, community int64, from, to string, fn func(id int64, on string, score int)) error
}

// The parts, in the order the page and the indicators show them.
const (
	PartEvent = iota
	PartApplication
	PartVisit
	PartActivity
	nParts
)

// Parts lists them.
var Parts = [nParts]Part{
	{Code: "event", Name: "事件处置", scan: events.ScanRatings},
	{Code: "application", Name: "办事", scan: services.ScanRatings},
	{Code: "visit", Name: "入户走访", scan: visits.ScanRatings},
	{Code: "activity", Name: "志愿服务活动", scan: volunteers.ScanRatings},
}

// Satisfied says whether a rating counts as 满意: 4 or 5 stars, as the
// events' KPI counts it.
func Satisfied(score int) bool { return score >= 4 }

// scanAll calls fn with every rating of every part given in a community
// between from and to.
func scanAll(ctx context.Context, q database.Querier, community int64, from, to string, fn func(part int, id int64, on string, score int)) error {
	for i, p := range Parts {
		if err := p.scan(ctx, q, community, from, to, func(id int64, on string, score int) { fn(i, id, on, score) }); err != nil {
			return err
		}
	}
	return nil
}

// Tally counts ratings.
type Tally struct {
	Rated     int `json:"rated"`
	Satisfied int `json:"satisfied"`
}

func (t *Tally) add(score int) {
	t.Rated++
	if Satisfied(score) {
		t.Satisfied++
	}
}

// Plus is the two tallies together.
func (t Tally) Plus(o Tally) Tally {
	return Tally{Rated: t.Rated + o.Rated, Satisfied: t.Satisfied + o.Satisfied}
}

// Share is the satisfied share in per cent; ok false when nothing was rated.
func (t Tally) Share() (pct float64, ok bool) {
	if t.Rated == 0 {
		return 0, false
	}
	return float64(t.Satisfied) * 100 / float64(t.Rated), true
}
