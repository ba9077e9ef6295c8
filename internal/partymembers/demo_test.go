package partymembers

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestDemo: the demo of a community carries members of a dozen
// employers, some overdue, twelve posts with service on them, pairings
// with visits of 百家熟, wishes in every state and last year's grades;
// loading it again adds nothing.
func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.setDay(2026, 11, 1)
		for range 70 {
			f.household(t, "13909110003")
		}
		sum, err := LoadDemo(ctx, db, f.reg, f.cb.ID, 1, *f.clock)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Members < 34 || sum.Overdue == 0 || sum.Overdue > sum.Members/3 || sum.Posts != 12 || sum.Claims < 34 ||
			sum.Records < 100 || sum.Pairings < 10 || sum.PairVisits < 20 || sum.Wishes != 24 {
			t.Fatalf("the demo: %+v", sum)
		}
		for _, st := range []string{WishOpen, WishClaimed, WishFulfilled, WishConfirmed, WishCancelled} {
			if n := f.count(t, `SELECT COUNT(*) FROM party_wishes WHERE status = $1`, st); n == 0 {
				t.Errorf("no wish %s", st)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visits WHERE client_uuid LIKE 'party-%'`); n != sum.PairVisits {
			t.Errorf("%d visits of 百家熟, want the %d pairing visits", n, sum.PairVisits)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_evaluations WHERE year = 2025`); n == 0 {
			t.Error("no grades of 2025")
		}
		// Cards of past quarters sent for most employers, not all; the
		// sending counted once however often printed.
		if n := f.count(t, `SELECT COUNT(*) FROM party_cards_sent`); sum.CardsSent < 30 || n != sum.CardsSent {
			t.Errorf("%d cards sent, %d rows", sum.CardsSent, n)
		}
		due, sent, err := f.s.CardsDue(ctx, []int64{f.cb.ID}, f.s.LastQuarter())
		if err != nil || sent == 0 || sent == len(due) {
			t.Errorf("the last quarter's cards: %d of %d sent, %v", sent, len(due), err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_cards_sent WHERE period = '2025'`); n == 0 {
			t.Error("no evaluations of 2025 sent")
		}
		acts, err := f.s.DoneByMonth(ctx, []int64{f.cb.ID}, "2025-11", "2026-10")
		t.Logf("cards sent %d, acts by month %v", sum.CardsSent, acts)
		if err != nil || len(acts) < 10 {
			t.Errorf("the staff's acts by month: %v %v", acts, err)
		}
		again, err := LoadDemo(ctx, db, f.reg, f.cb.ID, 1, *f.clock)
		if err != nil || again.Members != 0 {
			t.Fatalf("a second load: %+v %v", again, err)
		}
	})
}
