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

// TestForms runs the forms group on a small city, twice: each run adds and
// ends a tag through the pages for as many residents as it was asked to,
// reports every round trip, and a second run finds residents of its own.
func TestForms(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)
			const rounds = 12
			run := func(load bool) map[string]Result {
				t.Helper()
				var out bytes.Buffer
				err := Run(ctx, Options{DSN: dsn, Load: load, Persons: 1000, Queries: rounds, Groups: []Group{Register, Forms},
					Only: []string{"forms"}}, &out, io.Discard)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]Result{}
				for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
					var r Result
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatalf("%q: %v", line, err)
					}
					got[r.Bench] = r
				}
				for _, name := range []string{"form_submit_p50", "form_submit_p99", "form_roundtrip_p99"} {
					if r := got[name]; r.N != 2*rounds || r.Value <= 0 {
						t.Errorf("%s: %+v, want %d round trips", name, r, 2*rounds)
					}
				}
				if r := got["form_submit_p99"]; r.Value > got["form_roundtrip_p99"].Value {
					t.Errorf("submit p99 %.2f ms above the whole round trip's %.2f ms", r.Value, got["form_roundtrip_p99"].Value)
				}
				return got
			}
			run(true)
			run(false)

			db, err := database.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var tags, persons, open int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT person_id) FROM person_tags
				WHERE tag = $1 AND note LIKE '基准测试 %' AND ended_on IS NOT NULL`, formTag).Scan(&tags, &persons); err != nil {
				t.Fatal(err)
			}
			if tags != 2*rounds || persons != 2*rounds {
				t.Errorf("%d ended tags on %d persons, want %d on as many", tags, persons, 2*rounds)
			}
			db.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_tags WHERE note LIKE '基准测试 %' AND ended_on IS NULL`).Scan(&open)
			if open != 0 {
				t.Errorf("%d tags left open", open)
			}
			// Each add and each end is a change event of the grid worker's.
			var changes int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM change_events WHERE entity = 'tag' AND source = 'web'
				AND actor_id IN (SELECT id FROM users WHERE name LIKE 'bench-grid-%')`).
				Scan(&changes); err != nil {
				t.Fatal(err)
			}
			if changes != 4*rounds {
				t.Errorf("%d change events of the bench's grid workers, want %d", changes, 4*rounds)
			}
		})
	}
}
