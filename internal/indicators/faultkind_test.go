package indicators_test

import (
	"testing"

	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// TestFaultKinds: each error of the package says the kind the pages, the
// API and Open311 answer it by (web.Status).
func TestFaultKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"ErrUnknownUnit", indicators.ErrUnknownUnit, fault.NotFound},
		{"ExprError", &indicators.ExprError{Pos: 1, Msg: "x"}, fault.Invalid},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
