package imports

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestSecondRunner: an import resumed while an earlier run of it is still
// going (a killed `go run` leaves its child running; a PostgreSQL server
// finishes the commit a killed client sent) must not fail on the rows the
// other run wrote. Here the second run takes the import to its end between
// two batches of the first, which then stops without touching anything:
// the end state is that of one run.
func TestSecondRunner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		police := f.write(t, "公安.xlsx", policeWorkbook(t, f))
		im, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: police,
			FileName: "公安.xlsx", Adjust: func(o *Options) { o.BatchRows = 2 }})
		if err != nil {
			t.Fatal(err)
		}
		other := NewService(db)
		other.now = f.svc.now
		interrupted := false
		err = f.svc.Run(ctx, access.System, im.ID, police, func(done, total int) {
			if done > 0 && !interrupted {
				interrupted = true
				if err := other.Run(ctx, access.System, im.ID, police, nil); err != nil {
					t.Errorf("the second run: %v", err)
				}
			}
		})
		if err != nil {
			t.Errorf("the first run, after the second took the import to its end: %v", err)
		}
		got, _ := f.svc.Import(ctx, access.Everything, im.ID)
		if got.Status != StatusDone || counts(got) != "created 4 merged 2 queued 1 rejected 4 unchanged 3" {
			t.Errorf("after two runners: %s %q %s", got.Status, got.Message, counts(got))
		}
		if n := f.count(t, `SELECT COUNT(*) FROM import_rejects`); n != 4 {
			t.Errorf("%d rejects", n)
		}
	})
}
