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

// TestCatalogueIndicators: the catalogue's sample indicators of visits
// (migration 075: 走访户数, 到期走访任务, 覆盖率, 超期) compile against the
// visits' entities and compute.
func TestCatalogueIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		g := newGrid(t, db)
		*g.fixture.clock = at(2026, 7, 10)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		g.visit(t, g.a, OutcomeMet)
		g.visit(t, g.a, OutcomeMet)
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT code, name, entity, filter_expr, measure, field, denominator, period_rule
			FROM indicators WHERE code IN ('V001', 'V002', 'V003', 'V004') ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		all := map[string]indicators.Indicator{}
		var codes []string
		for rows.Next() {
			var ind indicators.Indicator
			if err := rows.Scan(&ind.Code, &ind.Name, &ind.Entity, &ind.Filter, &ind.Measure, &ind.Field, &ind.Of, &ind.Rule); err != nil {
				t.Fatal(err)
			}
			all[ind.Code] = ind
			codes = append(codes, ind.Code)
		}
		rows.Close()
		if len(codes) != 4 {
			t.Fatalf("catalogue indicators %v", codes)
		}
		var list []*indicators.Compiled
		for _, code := range codes {
			c, err := indicators.Compile(reg, all[code], func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok })
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			list = append(list, c)
		}
		p, _ := indicators.ParsePeriod("2026-07")
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: g.cb.ID, Period: p, Indicators: list})
		if err != nil {
			t.Fatal(err)
		}
		u := res.Unit(g.cb.ID)
		if got := res.Values[u][0]; got != 1 {
			t.Errorf("走访户数 %v, want 1 (one household, visited twice)", got)
		}
		if got := res.Values[u][3]; got < 1 {
			t.Errorf("超期 %v, want the 低保 household's overdue visit", got)
		}
	})
}
