package workforce

import (
	"context"
	"math"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// TestCatalogueIndicators: the catalogue's indicators of the roster
// (migration 086) compile against its entities and the register's, and
// compute: 城北's three staff (one person on two posts), one 五老
// coordinator, the training hours of the month, staff per 1,000 residents.
func TestCatalogueIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.residents(t, f.cb.ID, 1051)
		if _, err := f.s.AddCoordinator(ctx, f.actor, NewCoordinator{UnitID: f.cb.ID, Name: "周老师", Phone: "13900000006",
			StartedOn: "2024-01-01", ProfileForm: ProfileForm{Post: "zongzhi", Wulao: "teacher"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddQualification(ctx, f.actor, f.staff, QualForm{Kind: "sw_assistant", Number: "A1", IssuedOn: "2021-12-01"}); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"3.5", "2"} {
			if _, err := f.s.AddTraining(ctx, f.actor, f.staff, TrainingForm{HeldOn: "2026-04-10", Title: "培训", Hours: h}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.AddTraining(ctx, f.actor, f.secretary, TrainingForm{HeldOn: "2026-03-10", Title: "上月的培训", Hours: "4"}); err != nil {
			t.Fatal(err)
		}
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT code, name, entity, filter_expr, measure, field, denominator, period_rule, unit
			FROM indicators WHERE code LIKE 'WF%' ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		all := map[string]indicators.Indicator{}
		var codes []string
		for rows.Next() {
			var ind indicators.Indicator
			if err := rows.Scan(&ind.Code, &ind.Name, &ind.Entity, &ind.Filter, &ind.Measure, &ind.Field, &ind.Of, &ind.Rule, &ind.Unit); err != nil {
				t.Fatal(err)
			}
			all[ind.Code] = ind
			codes = append(codes, ind.Code)
		}
		rows.Close()
		var list []*indicators.Compiled
		for _, code := range codes {
			c, err := indicators.Compile(reg, all[code], func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok })
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			list = append(list, c)
		}
		p, _ := indicators.ParsePeriod("2026-04")
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: f.cb.ID, Period: p, Indicators: list})
		if err != nil {
			t.Fatal(err)
		}
		u := res.Unit(f.cb.ID)
		want := []float64{3, 1, 1, 1, 5.5, 1051, 3 * 1000.0 / 1051}
		if len(codes) != len(want) {
			t.Fatalf("catalogue indicators %v", codes)
		}
		for i, w := range want {
			if got := res.Values[u][i]; math.Abs(got-w) > 1e-6 {
				t.Errorf("%s %s = %v, want %v", codes[i], all[codes[i]].Name, got, w)
			}
		}
	})
}
