package events

import (
	"context"
	"slices"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The pages and the API show an event's reporter and offer its next steps
// by the same two rules.
func TestReporterAndAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		check := func(v *access.Viewer, e *Event, name, phone string, actions ...string) {
			t.Helper()
			if n, p := Reporter(v, e); n != name || p != phone {
				t.Errorf("%s sees the reporter as %q %q, want %q %q", v.Name, n, p, name, phone)
			}
			if got := f.s.Allowed(ctx, v, e); !slices.Equal(got, actions) {
				t.Errorf("%s may %v on a %s event, want %v", v.Name, got, e.Status, actions)
			}
		}
		e := f.report("env.garbage")
		check(f.staff, e, "韩梅梅", "139****5678", ActAccept, ActReject, ActMerge, ActTransfer, ActRecategorise, ActReroute, ActComment)
		check(f.gw, e, "韩梅梅", "139****5678", ActComment)
		check(f.street2Op, e, "", "") // another street's: nothing

		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelStreet})
		e = f.act(f.streetOp, e, Action{Name: ActFile})
		e = f.act(f.streetOp, e, Action{Name: ActDispatch})
		// 城管 sees the event once it is dispatched to it.
		check(f.urban, e, "韩梅梅", "139****5678", ActTake, ActFeedback, ActRequestReturn, ActComment)
		check(f.staff, e, "韩梅梅", "139****5678", ActComment)
	})
}
