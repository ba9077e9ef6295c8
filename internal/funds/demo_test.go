package funds

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestDemo: the demo's year of accounts has allocations by both rules,
// monthly expenses, a reversal and an idle fund, and it balances.
func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		sum, err := LoadDemo(ctx, db, f.cb.ID, 1, *f.clock)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Entries < 40 || sum.Funds < 5 {
			t.Fatalf("a thin demo: %+v", sum)
		}
		idle, err := f.s.Idle(ctx, []int64{f.cb.ID})
		if err != nil || len(idle) != 1 || idle[0].Kind != "special" {
			t.Fatalf("idle funds %+v, want the special fund alone: %v", idle, err)
		}
		var kinds []string
		for _, k := range []string{"allocation", "receipt", "expense", "reversal", "transfer_in", "transfer_out"} {
			var n int
			db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_entries WHERE kind = $1`, k).Scan(&n)
			if n == 0 {
				kinds = append(kinds, k)
			}
		}
		if len(kinds) > 0 {
			t.Fatalf("the demo has no %v", kinds)
		}
		if again, err := LoadDemo(ctx, db, f.cb.ID, 1, *f.clock); err != nil || again.Funds != 0 {
			t.Fatalf("loaded twice: %+v %v", again, err)
		}
		checkLedger(t, db)
	})
}
