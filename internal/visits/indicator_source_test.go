package visits

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// TestIndicators: 走访户次, 走访户数 (去重), 期末超期 and 本月完成 of the
// month's due visits, per grid and community.
func TestIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		g := newGrid(t, db)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		*g.fixture.clock = at(2026, 7, 10)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		g.visit(t, g.a, OutcomeMet)
		g.visit(t, g.a, OutcomeMet) // again the same day: two visits, one household
		g.visit(t, g.b, OutcomeAbsent)
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		defs := []indicators.Indicator{
			{Code: "visits", Name: "本月走访户次", Entity: "走访", Measure: indicators.Count, Rule: indicators.New},
			{Code: "met", Name: "本月走访户数", Entity: "走访", Filter: "结果 = 见到住户", Measure: indicators.Distinct, Field: "住户", Rule: indicators.New},
			{Code: "overdue", Name: "期末超期", Entity: "走访任务", Filter: "超期 = 是", Measure: indicators.Count, Rule: indicators.AtEnd},
			{Code: "done", Name: "本月完成", Entity: "走访任务", Filter: "已完成 = 是", Measure: indicators.Count, Rule: indicators.AtEnd},
		}
		var list []*indicators.Compiled
		for _, d := range defs {
			cd, err := indicators.Compile(reg, d, nil)
			if err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
			list = append(list, cd)
		}
		p, _ := indicators.ParsePeriod("2026-07")
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: g.cb.ID, Period: p, Indicators: list})
		if err != nil {
			t.Fatal(err)
		}
		// grid1: 5 households; the 低保 one overdue since June; a's
		// half-yearly visit done.
		want := []float64{3, 1, 1, 1}
		for _, unit := range []int64{g.cb.ID, g.grid1.ID} {
			u := res.Unit(unit)
			for i, w := range want {
				if got := res.Values[u][i]; got != w {
					t.Errorf("%s in %d: %v, want %v", defs[i].Name, unit, got, w)
				}
			}
		}
	})
}
