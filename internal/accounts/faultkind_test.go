package accounts_test

import (
	"testing"

	"shequ/internal/accounts"
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
		{"ErrBadLogin", accounts.ErrBadLogin, fault.Unauthorized},
		{"ErrNoSession", accounts.ErrNoSession, fault.Unauthorized},
		{"ErrBadToken", accounts.ErrBadToken, fault.Unauthorized},
		{"fault.Fields", fault.Fields{"name": "x"}, fault.Invalid},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
