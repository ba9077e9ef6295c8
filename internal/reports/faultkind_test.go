package reports_test

import (
	"testing"

	"shequ/internal/fault"
	"shequ/internal/reports"
)

// TestFaultKinds: each error of the package says the kind the pages, the
// API and Open311 answer it by (web.Status).
func TestFaultKinds(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"ErrNotFound", reports.ErrNotFound, fault.NotFound},
		{"ErrNoItem", reports.ErrNoItem, fault.NotFound},
		{"ErrNoLedger", reports.ErrNoLedger, fault.NotFound},
		{"ErrNotCommunity", reports.ErrNotCommunity, fault.Forbidden},
		{"RefusedError", &reports.RefusedError{Reason: "x"}, fault.Refused},
		{"ConflictError", &reports.ConflictError{}, fault.Conflict},
	}
	for _, c := range cases {
		if got := fault.KindOf(c.err); got != c.want {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.want)
		}
	}
}
