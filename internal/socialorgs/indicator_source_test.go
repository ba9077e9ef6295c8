package socialorgs

import (
	"context"
	"math"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// TestIndicators: the catalogue's SO01–SO05 (migration 092) compile and
// count months of 2026 (June to September) in a community of three
// residents: one organisation filed in July, one filed in June and
// dissolved in September, one still 筹备, a hub filed in August;
// activities in August and September. Counted by hand below.
func TestIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT code, name, entity, filter_expr, measure, field, denominator, period_rule, unit
			FROM indicators WHERE code IN ('SO01', 'SO02', 'SO03', 'SO04', 'SO05', 'WF006') ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		var list []*indicators.Compiled
		for rows.Next() {
			var d indicators.Indicator
			if err := rows.Scan(&d.Code, &d.Name, &d.Entity, &d.Filter, &d.Measure, &d.Field, &d.Of, &d.Rule, &d.Unit); err != nil {
				t.Fatal(err)
			}
			cd, err := indicators.Compile(reg, d, nil)
			if err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
			list = append(list, cd)
		}
		rows.Close()
		if len(list) != 6 {
			t.Fatalf("%d indicators in the catalogue, want 6", len(list))
		}
		compute := func(period string) []float64 {
			t.Helper()
			p, _ := indicators.ParsePeriod(period)
			res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: f.cb.ID, Period: p, Indicators: list})
			if err != nil {
				t.Fatal(err)
			}
			return res.Values[res.Unit(f.cb.ID)]
		}
		mk := func(d Draft) Org {
			t.Helper()
			o, err := f.s.Create(ctx, f.staff, f.cb.ID, d)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		*f.clock = at(2026, 10, 12) // the residents registered in May
		dance := mk(Draft{Name: "舞蹈队", Kind: "culture", Status: "filed", FilingNumber: "1", FiledOn: "2026-07-10"})
		mk(Draft{Name: "书画协会", Kind: "culture"})
		mk(Draft{Name: "调解队", Kind: "mediation", Status: "dissolved", FilingNumber: "2", FiledOn: "2026-06-05", DissolvedOn: "2026-09-20"})
		mk(Draft{Name: "联合会", Kind: "service", Status: "filed", FilingNumber: "3", FiledOn: "2026-08-01", Hub: true})
		for _, a := range []Activity{{Title: "排练", HeldOn: "2026-08-03", Participants: 12},
			{Title: "演出", HeldOn: "2026-08-20", Participants: 30}, {Title: "排练", HeldOn: "2026-09-07", Participants: 9}} {
			if _, err := f.s.Record(ctx, f.staff, dance.ID, a); err != nil {
				t.Fatal(err)
			}
		}
		// Codes sort SO01 … SO05, WF006: filed, per 10,000 of the 3
		// residents, activities, participants, hubs, residents.
		for period, want := range map[string][]float64{
			"2026-06": {1, 10000.0 / 3, 0, 0, 0, 3},
			"2026-07": {2, 20000.0 / 3, 0, 0, 0, 3},
			"2026-08": {3, 10000, 2, 42, 1, 3},
			"2026-09": {2, 20000.0 / 3, 1, 9, 1, 3},
		} {
			got := compute(period)
			for i, w := range want {
				if math.Abs(got[i]-w) > 1e-6 {
					t.Errorf("%s %s: %v, want %v", period, list[i].Code, got[i], w)
				}
			}
		}
	})
}
