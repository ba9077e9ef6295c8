package visits

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/register"
)

// TestNightlyRecomputesWhatChanged: after a run over every household, the
// nightly run recomputes only the households changed since — a tag added
// (an event), a tag that ended, one that started, a pregnancy's
// follow-ups that lapsed on a day in between — and leaves nothing a run
// over every household would change; its lists are that run's.
func TestNightlyRecomputesWhatChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db) // 2026-01-05
		_, p1 := f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M")
		_, p2 := f.household(t, f.b10, "1-201", register.HouseholdRegistered, "M")
		_, p3 := f.household(t, f.b2, "2-101", register.HouseholdRegistered, "F")
		f.household(t, f.b2, "2-201", register.HouseholdRegistered, "M")
		_, p5 := f.household(t, f.b2, "2-301", register.HouseholdRegistered, "M")
		ends := register.Tag{PersonID: p1[0].ID, Tag: "dibao", StartedOn: "2025-06-01", EndedOn: "2026-01-10"}
		if err := f.reg.AddTag(ctx, f.actor, access.Everything, &ends); err != nil {
			t.Fatal(err)
		}
		f.tag(t, p3[0], "pregnant", "2025-01-10") // its follow-ups lapse on 2026-01-11
		c, err := f.s.Recompute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Households != 5 {
			t.Fatalf("the first run: %+v", c)
		}
		// A tag starting on 2026-01-12, written before the run as a bulk
		// load might: no event says so after the run.
		if _, err := db.ExecContext(ctx, `INSERT INTO person_tags (community_id, id, person_id, tag, started_on, note, version,
			created_at, updated_at) VALUES ($1, $2, $3, 'living_alone', '2026-01-12', '', 1, '2026-01-05', '2026-01-05')`,
			f.cb.ID, database.NewID(), p2[0].ID); err != nil {
			t.Fatal(err)
		}
		// The run saw every event so far.
		if _, err := db.ExecContext(ctx, `UPDATE visit_runs SET after_id = (SELECT MAX(id) FROM change_events)`); err != nil {
			t.Fatal(err)
		}
		f.advance(8) // 2026-01-13
		f.tag(t, p5[0], "very_old", "2026-01-13")

		c, lists, err := f.s.RecomputeAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Households != 4 || c.Inserted == 0 || c.Voided == 0 {
			t.Errorf("the nightly run: %+v, want the 4 households changed, rows added and voided", c)
		}
		// A run over every household finds nothing more to do, and the
		// same lists.
		if _, err := db.ExecContext(ctx, `DELETE FROM visit_runs`); err != nil {
			t.Fatal(err)
		}
		full, again, err := f.s.RecomputeAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if full.Households != 5 || full.Inserted+full.Updated+full.Voided != 0 {
			t.Errorf("a full run after the nightly one: %+v", full)
		}
		if len(lists) != len(again) {
			t.Fatalf("%d lists, full run %d", len(lists), len(again))
		}
		for i := range lists {
			a, b := lists[i], again[i]
			if a.Due != b.Due || a.Overdue != b.Overdue || len(a.Stops) != len(b.Stops) {
				t.Fatalf("list %d: %+v, full run %+v", i, a, b)
			}
			for j := range a.Stops {
				x, y := a.Stops[j], b.Stops[j]
				if x.HouseholdID != y.HouseholdID || x.Due != y.Due || x.Overdue != y.Overdue || len(x.Lines) != len(y.Lines) {
					t.Errorf("list %d stop %d: %+v, full run %+v", i, j, x, y)
				}
			}
		}
		// Changed rules: a run over every household.
		if _, err := db.ExecContext(ctx, `UPDATE visit_rules SET interval_days = 90, version = version + 1 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if c, _, err := f.s.RecomputeAll(ctx); err != nil || c.Households != 5 || c.Updated == 0 {
			t.Errorf("after a rule changed: %+v %v", c, err)
		}
	})
}
