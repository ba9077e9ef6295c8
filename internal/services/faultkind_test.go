package services_test

import (
	"testing"

	"shequ/internal/fault"
	"shequ/internal/services"
)

// TestFaultKinds: each error of the package says the kind the pages, the
// API and Open311 answer it by (web.Status).
func TestFaultKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"ErrNotFound", services.ErrNotFound, fault.NotFound},
		{"ErrBadCode", services.ErrBadCode, fault.NotFound},
		{"ErrNotAllowed", services.ErrNotAllowed, fault.Forbidden},
		{"ErrNoMatch", services.ErrNoMatch, fault.NotFound},
		{"StateError", &services.StateError{Msg: "x"}, fault.Illegal},
		{"ConflictError", &services.ConflictError{What: "办件"}, fault.Conflict},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
