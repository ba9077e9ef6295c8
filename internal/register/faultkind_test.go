package register_test

import (
	"testing"

	"shequ/internal/fault"
	"shequ/internal/register"
)

// TestFaultKinds: each error of the package says the kind the pages, the
// API and Open311 answer it by (web.Status).
func TestFaultKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"ErrNotFound", register.ErrNotFound, fault.NotFound},
		{"fault.Fields", fault.Fields{"phone": "x"}, fault.Invalid},
		{"ConflictError", &register.ConflictError{Entity: "person", ID: 1}, fault.Conflict},
		{"ErrStale", register.ErrStale, fault.Conflict},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
