package events_test

import (
	"testing"

	"shequ/internal/events"
	"shequ/internal/fault"
)

// TestFaultKinds: each error of the package says the kind the pages, the
// API and Open311 answer it by (web.Status).
func TestFaultKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"ErrNotFound", events.ErrNotFound, fault.NotFound},
		{"ErrForbidden", events.ErrForbidden, fault.Forbidden},
		{"IllegalError", &events.IllegalError{Action: events.ActTake, Status: events.StatusClosed}, fault.Illegal},
		{"ConflictError", &events.ConflictError{}, fault.Conflict},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
