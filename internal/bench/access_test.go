package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/testdb"
)

// TestSearchComparisons runs the register and access groups on a small
// city with a second database as the reference: the scope check is
// printed as a ratio for each kind of viewer, and the search against the
// reference database as another.
func TestSearchComparisons(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			ref := testdb.SQLiteDSN(t)
			if err := Run(ctx, Options{DSN: ref, Load: true, Persons: 1000}, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Run(ctx, Options{DSN: e.DSN(t), RefDSN: ref, Load: true, Persons: 1000, Queries: 8,
				Groups: []Group{Register, Access}, Only: []string{"register", "access"}}, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			ratios := map[string]RatioResult{}
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var r RatioResult
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				if r.Target != "" {
					ratios[r.Bench] = r
				}
			}
			want := []string{"search_scoped_vs_unscoped_admin", "search_scoped_vs_unscoped_grid_worker",
				"search_scoped_vs_unscoped_street_operator", "search_" + engineShort(database.Engine(e.Name)) + "_vs_sqlite"}
			for _, name := range want {
				r, ok := ratios[name]
				if !ok {
					t.Errorf("no %s line in\n%s", name, out.String())
					continue
				}
				if r.Rounds < 3 || len(r.Ratios) != r.Rounds || r.Figure <= 0 || r.Reference <= 0 || !strings.HasPrefix(r.Target, "≤ ") {
					t.Errorf("%s: %+v", name, r)
				}
			}
		})
	}
}
