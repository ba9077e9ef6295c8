package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"shequ/internal/testdb"
)

// TestDataRequestGroup runs the datareq group on a small city: every
// figure is reported over its rounds.
func TestDataRequestGroup(t *testing.T) {
	e := testdb.Engines()[0]
	var out bytes.Buffer
	if err := Run(context.Background(), Options{DSN: e.DSN(t), Load: true, Persons: 1000, Queries: 5,
		Groups: []Group{Register, DataRequest}, Only: []string{"datareq"}}, &out, io.Discard); err != nil {
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
	for _, name := range []string{"datareq_analyse_358_p50", "datareq_analyse_358_p99", "datareq_preview_358_p50", "datareq_preview_358_p99"} {
		if r := got[name]; r.N != 5 || r.Value <= 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
}
