package volunteers

import (
	"context"
	"math"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// TestIndicators: the catalogue's ZY01–ZY05 (migration 087) compile
// against the entities and count months of 2026 of a community whose
// three residents all volunteer: one left in July, a row recorded by hand
// was reversed, one shift was held and one was not. Counted by hand below;
// June computed after July's changes is what it was.
func TestIndicators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT code, name, entity, filter_expr, measure, field, denominator, period_rule, unit
			FROM indicators WHERE code IN ('ZY01', 'ZY02', 'ZY03', 'ZY04', 'ZY05', 'WF006') ORDER BY code`)
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
		team, err := f.s.CreateTeam(ctx, f.staff, f.cb.ID, "医疗志愿服务队", "medical")
		if err != nil {
			t.Fatal(err)
		}
		*f.clock = at(2026, 5, 5, 9, 0)
		a := f.volunteer(t, 0) // joined 2026-05-05
		gone := f.volunteer(t, 1)
		*f.clock = at(2026, 6, 10, 9, 0)
		b := f.volunteer(t, 2) // joined 2026-06-10
		if _, err := f.s.Update(ctx, f.staff, b.ID, Edit{Profile: Profile{Skills: []string{"medical"}, TeamIDs: []int64{team.ID}},
			Version: b.Version}); err != nil {
			t.Fatal(err)
		}
		// June: one hour by hand for b.
		*f.clock = at(2026, 7, 2, 9, 0)
		if _, err := f.s.RecordHours(ctx, f.staff, b.ID, Manual{Kind: "service", ServedOn: "2026-06-30", Hours: "1", Content: "入户探访"}); err != nil {
			t.Fatal(err)
		}
		june := compute("2026-06")
		// July: 义诊 on the 6th, a and b checked in and out (3 h and 2.5 h);
		// nobody came to its shift on the 7th; training on the 8th (a, 2 h).
		act, err := f.s.CreateActivity(ctx, f.staff, ActivityInput{CommunityID: f.cb.ID, Title: "义诊", Kind: "service",
			TeamID: team.ID, Shift: ShiftInput{Day: "2026-07-06", From: "08:30", To: "11:30", Slots: 5}})
		if err != nil {
			t.Fatal(err)
		}
		empty, err := f.s.AddShift(ctx, f.staff, act.ID, ShiftInput{Day: "2026-07-07", From: "14:00", To: "16:00", Slots: 5})
		if err != nil {
			t.Fatal(err)
		}
		_ = empty
		train, err := f.s.CreateActivity(ctx, f.staff, ActivityInput{CommunityID: f.cb.ID, Title: "应急救护培训", Kind: "training",
			Shift: ShiftInput{Day: "2026-07-08", From: "14:00", To: "16:00", Slots: 40}})
		if err != nil {
			t.Fatal(err)
		}
		scan := func(v Volunteer, sh Shift, h, m int) {
			t.Helper()
			*f.clock = at(2026, 7, 1, h, m).AddDate(0, 0, dayOf(sh)-1)
			if _, err := f.s.Scan(ctx, v, sh.ID, sh.Secret); err != nil {
				t.Fatalf("scan at %v: %v", *f.clock, err)
			}
		}
		sh := act.Shifts[0]
		scan(a, sh, 8, 30)
		scan(b, sh, 8, 40)
		scan(a, sh, 11, 30) // 180 minutes
		scan(b, sh, 11, 10) // 150 minutes
		scan(a, train.Shifts[0], 14, 0)
		scan(a, train.Shifts[0], 16, 0) // 120 minutes of training
		// gone: 2.5 h on the 10th, reversed (entered in error); 1.5 h on the
		// 12th that stands; then gone leaves on the 20th.
		*f.clock = at(2026, 7, 13, 9, 0)
		wrong, err := f.s.RecordHours(ctx, f.staff, gone.ID, Manual{Kind: "service", ServedOn: "2026-07-10", Hours: "2.5", Content: "巡逻"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RecordHours(ctx, f.staff, gone.ID, Manual{Kind: "service", ServedOn: "2026-07-12", Hours: "1.5", Content: "巡逻"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Reverse(ctx, f.staff, wrong.ID, "录入错误"); err != nil {
			t.Fatal(err)
		}
		*f.clock = at(2026, 7, 20, 9, 0)
		if _, err := f.s.Update(ctx, f.staff, gone.ID, Edit{Profile: Profile{Skills: []string{"medical"}}, Version: gone.Version, Left: true}); err != nil {
			t.Fatal(err)
		}
		// Edited again in August, still left: the day they left stays.
		*f.clock = at(2026, 8, 14, 9, 0)
		g, err := f.s.Volunteer(ctx, f.staff, gone.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g, err = f.s.Update(ctx, f.staff, gone.ID, Edit{Profile: Profile{Skills: []string{"patrol"}}, Version: g.Version, Left: true}); err != nil {
			t.Fatal(err)
		}
		if g.LeftOn != "2026-07-20" {
			t.Fatalf("left on %q after an edit in August, want 2026-07-20", g.LeftOn)
		}

		// WF006, ZY01 … ZY05. July: a and b in service at the end (gone
		// left on the 20th); service 180 + 150 + 90 (the reversed 150 not) =
		// 7 h; training 2 h; one service shift held; 2 of the 3 residents.
		check := func(period string, want []float64) {
			t.Helper()
			got := compute(period)
			for i, w := range want {
				if math.Abs(got[i]-w) > 1e-9 {
					t.Errorf("%s %s: %v, want %v", period, list[i].Code, got[i], w)
				}
			}
		}
		check("2026-07", []float64{3, 2, 7, 2, 1, 200.0 / 3})
		// June, computed after July's changes: all three in service, b's
		// hour by hand, nothing held.
		check("2026-06", []float64{3, 3, 1, 0, 0, 100})
		for i, v := range compute("2026-06") {
			if v != june[i] {
				t.Errorf("June %s: %v now, %v when June ended", list[i].Code, v, june[i])
			}
		}
		check("2026-05", []float64{3, 2, 0, 0, 0, 200.0 / 3})
		// The quarters add up.
		check("2026-Q2", []float64{3, 3, 1, 0, 0, 100})
		check("2026-Q3", []float64{3, 2, 7, 2, 1, 200.0 / 3})
		check("2026", []float64{3, 2, 8, 2, 1, 200.0 / 3})

		// The ledger (台账) of July's service hours lists the rows standing.
		p, _ := indicators.ParsePeriod("2026-07")
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: f.cb.ID, Period: p, Indicators: list,
			Collect: &indicators.Collect{Indicator: 2, Unit: f.cb.ID}})
		if err != nil {
			t.Fatal(err)
		}
		src, _ := NewIndicatorSource(ctx, db)
		var ids []int64
		for _, r := range res.Records {
			ids = append(ids, r.ID)
		}
		lines, err := src.Describe(ctx, reg.Entity("volunteer_hours"), p, f.cb.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 3 {
			t.Fatalf("ledger of May's service: %+v", lines)
		}
	})
}

func dayOf(sh Shift) int {
	var d int
	for _, c := range sh.Day[8:] {
		d = d*10 + int(c-'0')
	}
	return d
}
