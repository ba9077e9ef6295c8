package disclosure

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestDemo: the demo writes the year of publications the demo promises —
// figures, not zeros: late ones, one missed month overdue, questions
// answered — and a second load adds nothing.
func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := day(2026, 12, 7)
		sum, err := LoadDemo(ctx, db, []int64{f.cb.ID, f.other.ID}, 7, now, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v", sum)
		// 11 months of 2 rows, 3 quarters of 4 rows, twice (the other
		// community has no decisions), 6 decisions, less the missed month
		// and one November whose day to publish (before its due 12-10)
		// comes after today.
		if want := (2*11+4*3)*2 + 6 - 1 - 1; sum.Publications != want {
			t.Errorf("publications %d, want %d", sum.Publications, want)
		}
		if sum.Late == 0 || sum.Questions < 5 || sum.Answered != sum.Questions-1 {
			t.Errorf("summary %+v", sum)
		}
		*f.clock = now
		over, err := f.s.Publications(ctx, access.Everything, Filter{Overdue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(over) != 1 || over[0].Item != "财务收支" || over[0].Period != "2026-10" || over[0].EscalatedOn == "" {
			t.Errorf("overdue: %+v", over)
		}
		// Every late one was raised as 督办 before it was published.
		all, _ := f.s.Publications(ctx, access.Everything, Filter{Published: true})
		for _, p := range all {
			if p.Late && (p.EscalatedOn == "" || p.EscalatedOn > p.PublishedOn) {
				t.Errorf("late without 督办 first: %+v", p)
			}
		}
		again, err := LoadDemo(ctx, db, []int64{f.cb.ID, f.other.ID}, 7, now, nil, nil)
		if err != nil || again.Publications != 0 {
			t.Errorf("second load: %+v %v", again, err)
		}
	})
}
