package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestCompareAlternatesAndTakesTheMedianRatio(t *testing.T) {
	var order []string
	figs := []float64{10, 30, 20, 20, 20} // the second round disturbed
	refs := []float64{10, 10, 10, 10, 10}
	fi, ri := 0, 0
	var out bytes.Buffer
	e := emitter{w: &out, engine: "sqlite"}
	r, err := e.compare(context.Background(), Comparison{
		Bench: "x", Reference: "y", Unit: "/s", Target: 1.5, Rounds: 5,
		Figure: func(context.Context) (float64, error) { order = append(order, "f"); fi++; return figs[fi-1], nil },
		Ref:    func(context.Context) (float64, error) { order = append(order, "r"); ri++; return refs[ri-1], nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ""); got != "frrffrrffr" {
		t.Errorf("order %s, want figure and reference alternating which goes first", got)
	}
	if r.Ratio != 2 || !r.Met || r.Target != "≥ 1.5" || len(r.Ratios) != 5 || r.Ratios[1] != 3 {
		t.Errorf("result %+v", r)
	}
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"bench", "ratio", "target", "met", "figure", "reference", "unit", "reference_is", "rounds", "ratios", "load_avg_start", "load_avg_end", "engine"} {
		if _, ok := line[k]; !ok {
			t.Errorf("the line has no %q: %s", k, out.String())
		}
	}

	out.Reset()
	r, _ = e.compare(context.Background(), Comparison{Bench: "t", Unit: "s", Target: 2, AtMost: true,
		Figure: func(context.Context) (float64, error) { return 3, nil },
		Ref:    func(context.Context) (float64, error) { return 1, nil }})
	if r.Met || r.Target != "≤ 2" || r.Rounds != 3 {
		t.Errorf("a time three times its reference against ≤ 2: %+v", r)
	}
}
