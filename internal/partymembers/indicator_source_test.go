package partymembers

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// TestIndicators: the catalogue's DY01–DY04 (migration 084) compile
// against the entities and count a month: members registered at its end,
// those overdue, the hours served in it, the wishes confirmed in it.
func TestIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.setDay(2026, 6, 2)
		a := f.member(t, "区税务局", "2026-01-10")
		f.member(t, "区税务局", "2025-06-01") // overdue since 2025-12-01
		gone := f.member(t, "城北小学", "2025-12-20")
		if _, err := f.s.Leave(ctx, f.staff, gone.ID, gone.Version, "2026-05-01", "迁出"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RecordService(ctx, f.staff, a.ID, ServiceForm{ServedOn: "2026-05-31", Hours: "2", Content: "五月"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RecordService(ctx, f.staff, a.ID, ServiceForm{ServedOn: "2026-06-01", Hours: "1.5", Content: "六月"}); err != nil {
			t.Fatal(err)
		}
		_, resident := f.household(t, "")
		w, _ := f.s.PostWish(ctx, f.staff, WishForm{IDNumber: resident.IDNumber, Title: "买米"})
		w, _ = f.s.Step(ctx, f.staff, w.ID, Move{Action: "claim", Version: w.Version, MemberID: a.ID})
		w, _ = f.s.Step(ctx, f.staff, w.ID, Move{Action: "fulfil", Version: w.Version, Hours: "0.5", Note: "送到家"})
		if _, err := f.s.Step(ctx, f.staff, w.ID, Move{Action: "confirm", Version: w.Version}); err != nil {
			t.Fatal(err)
		}
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT code, name, entity, filter_expr, measure, field, period_rule FROM indicators
			WHERE code IN ('DY01', 'DY02', 'DY03', 'DY04') ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		var list []*indicators.Compiled
		for rows.Next() {
			var d indicators.Indicator
			if err := rows.Scan(&d.Code, &d.Name, &d.Entity, &d.Filter, &d.Measure, &d.Field, &d.Rule); err != nil {
				t.Fatal(err)
			}
			cd, err := indicators.Compile(reg, d, nil)
			if err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
			list = append(list, cd)
		}
		rows.Close()
		if len(list) != 4 {
			t.Fatalf("%d indicators in the catalogue, want 4", len(list))
		}
		p, _ := indicators.ParsePeriod("2026-06")
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: f.cb.ID, Period: p, Indicators: list})
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{2, 1, 1.5 + 0.5, 1}
		u := res.Unit(f.cb.ID)
		for i, w := range want {
			if got := res.Values[u][i]; got != w {
				t.Errorf("DY0%d: %v, want %v", i+1, got, w)
			}
		}
	})
}
