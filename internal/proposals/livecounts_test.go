package proposals

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestLiveCounts: while a matter is voted on, a vote this server records
// shows in its counts at once; one another server records shows once the
// kept counts are LiveCountsFor old; a closed matter counts the tally.
func TestLiveCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other := NewService(db, func() time.Time { return *f.clock }) // another server on the database
		m := f.voting(t, Draft{})
		counts := func(what string, yes, no int) {
			t.Helper()
			g, err := f.s.Get(ctx, f.cb, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if g.VotesFor != yes || g.VotesAgainst != no {
				t.Errorf("%s: %d for, %d against; want %d and %d", what, g.VotesFor, g.VotesAgainst, yes, no)
			}
		}
		counts("none yet", 0, 0)
		if _, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, For); err != nil {
			t.Fatal(err)
		}
		counts("our vote", 1, 0)
		if _, err := other.Vote(ctx, &f.wang, f.cb, m.ID, Against); err != nil {
			t.Fatal(err)
		}
		counts("another server's vote, kept counts", 1, 0)
		*f.clock = f.clock.Add(LiveCountsFor)
		counts("another server's vote, counted again", 1, 1)
		if _, err := other.Vote(ctx, &f.tenant, f.cb, m.ID, Against); err != nil {
			t.Fatal(err)
		}
		// While one page recounts expired counts, the others show the
		// kept ones instead of counting too.
		*f.clock = f.clock.Add(LiveCountsFor)
		f.s.live.mu.Lock()
		f.s.live.m[liveKey{f.cb, m.ID}].counting = true
		f.s.live.mu.Unlock()
		counts("expired, another page recounting", 1, 1)
		// The deadline passed: the tally itself, at once.
		*f.clock = m.ClosesAt
		counts("closed", 1, 2)
	})
}
