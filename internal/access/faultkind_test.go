package access_test

import (
	"testing"

	"shequ/internal/access"
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
		{"ErrUnknownRole", access.ErrUnknownRole, fault.NotFound},
		{"ErrConflict", access.ErrConflict, fault.Conflict},
		{"ErrNoObject", access.ErrNoObject, fault.NotFound},
		{"ErrLogin", access.ErrLogin, fault.Unauthorized},
		{"ErrForbidden", access.ErrForbidden, fault.Forbidden},
		{"ErrNotFound", access.ErrNotFound, fault.NotFound},
		{"ErrBadID", access.ErrBadID, fault.Invalid},
		{"fault.Fields", fault.Fields{"role": "x"}, fault.Invalid},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
