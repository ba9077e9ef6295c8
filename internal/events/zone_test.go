package events

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The texts people read — an SMS's deadline, a conflict's "who did what
// when" — tell times in the deployment's zone, not always in China's.
func TestTimesToldInTheDeploymentZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		f.s.Zone = ny
		e := f.report("env.garbage")
		if e.DueAt.IsZero() {
			t.Fatal("a reported event has no deadline")
		}
		want := ",时限 " + e.DueAt.In(ny).Format("01-02 15:04")
		var bodies []string
		rows, err := db.QueryContext(ctx, `SELECT body FROM notify_outbox WHERE ref = $1`, e.Ref())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, b)
		}
		rows.Close()
		found := false
		for _, b := range bodies {
			found = found || strings.Contains(b, want)
		}
		if !found {
			t.Errorf("no message tells the deadline in New York time %q: %q", want, bodies)
		}

		read := e.Version
		commented := f.act(f.gw, e, Action{Name: ActComment, Note: "补充:已拍照"})
		_, err = f.s.Act(ctx, f.staff, e.ID, Action{Name: ActAccept, Route: LevelCommunity, Version: read})
		var ce *ConflictError
		if !errors.As(err, &ce) || len(ce.Since) != 1 {
			t.Fatalf("stale accept: %v", err)
		}
		at := ce.Since[0].CreatedAt.In(ny).Format("01-02 15:04")
		if !strings.Contains(ce.Error(), " 于 "+at+" ") {
			t.Errorf("conflict %q does not tell %s (New York) for the step of %v", ce.Error(), at, commented.UpdatedAt)
		}
	})
}
