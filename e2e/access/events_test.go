package access

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/register"
)

// An event in the side's building, reported and dispatched to 城管, so
// that the department routes have something of 城管's to show.
func eventMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	makers["event"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		ctx := context.Background()
		st := events.NewStore(w.db)
		// The side's resident reported it: their name and phone are what
		// the matrix looks for in answers that must not show them.
		p := [...]register.Person{w.inP, w.nearP, w.outP}[s]
		e, err := st.Report(ctx, access.System, events.Report{OrgID: w.building(s).ID, Category: "facility.lamp",
			Description: "路灯不亮(" + s.String() + ")", ReporterName: p.Name, ReporterPhone: p.Phone})
		if err != nil {
			t.Fatalf("event %s: %v", s, err)
		}
		for _, a := range []events.Action{{Name: events.ActAccept, Route: events.LevelStreet}, {Name: events.ActFile},
			{Name: events.ActDispatch, Department: "urban"}} {
			if e, err = st.Act(ctx, access.System, e.ID, a); err != nil {
				t.Fatalf("event %s, %s: %v", s, a.Name, err)
			}
		}
		return e.ID
	}
}
