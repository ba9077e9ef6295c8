package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A figure that holds only on one machine is not a figure: each of the
// issues' speed requirements is measured against a reference that runs
// on the same machine in the same run, figure and reference alternating,
// so that whatever else shares the cores weighs on both. What is printed
// and checked is their ratio; the absolute figure is what it was "on this
// machine".

// Comparison is a figure and its reference, measured in alternation.
type Comparison struct {
	Bench     string // the figure's name; the JSON line's "bench"
	Reference string // what the reference is, in words
	Unit      string // the unit of both: "/s", "ms", "s", "MB"
	// Target is the ratio required, read with AtMost: the ratio must be
	// ≤ Target when AtMost (times, memory), ≥ Target otherwise
	// (throughput).
	Target float64
	AtMost bool
	Rounds int // figure and reference alternate this many times; at least 3
	// Figure and Ref each measure once and return the value in Unit.
	Figure func(ctx context.Context) (float64, error)
	Ref    func(ctx context.Context) (float64, error)
	Note   string
}

// RatioResult is the JSON line of a comparison: the ratio first, then
// what it is made of.
type RatioResult struct {
	Bench     string    `json:"bench"`
	Ratio     float64   `json:"ratio"`
	Target    string    `json:"target"`
	Met       bool      `json:"met"`
	Figure    float64   `json:"figure"`
	Reference float64   `json:"reference"`
	Unit      string    `json:"unit"`
	RefName   string    `json:"reference_is"`
	Rounds    int       `json:"rounds"`
	Ratios    []float64 `json:"ratios"` // one per round, in order
	LoadStart float64   `json:"load_avg_start"`
	LoadEnd   float64   `json:"load_avg_end"`
	Engine    string    `json:"engine,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// compare runs c and prints its line. The ratio is the median of the
// rounds' ratios, so one round disturbed by other work does not decide
// it; the figure and reference printed are the medians of their own.
func (e emitter) compare(ctx context.Context, c Comparison) (RatioResult, error) {
	rounds := max(c.Rounds, 3)
	r := RatioResult{Bench: c.Bench, Unit: c.Unit, RefName: c.Reference, Rounds: rounds, Engine: e.engine, Note: c.Note,
		LoadStart: loadAverage()}
	var figs, refs []float64
	for i := 0; i < rounds; i++ {
		// Alternate which goes first, so neither always meets a cache
		// the other has warmed.
		first, second := c.Figure, c.Ref
		if i%2 == 1 {
			first, second = c.Ref, c.Figure
		}
		a, err := first(ctx)
		if err != nil {
			return r, fmt.Errorf("%s round %d: %w", c.Bench, i+1, err)
		}
		b, err := second(ctx)
		if err != nil {
			return r, fmt.Errorf("%s round %d: %w", c.Bench, i+1, err)
		}
		if i%2 == 1 {
			a, b = b, a
		}
		figs, refs = append(figs, a), append(refs, b)
		ratio := 0.0
		if b != 0 {
			ratio = a / b
		}
		r.Ratios = append(r.Ratios, round3(ratio))
	}
	r.LoadEnd = loadAverage()
	r.Ratio = round3(median(r.Ratios))
	r.Figure, r.Reference = round3(median(figs)), round3(median(refs))
	if c.AtMost {
		r.Target = "≤ " + strconv.FormatFloat(c.Target, 'f', -1, 64)
		r.Met = r.Ratio <= c.Target
	} else {
		r.Target = "≥ " + strconv.FormatFloat(c.Target, 'f', -1, 64)
		r.Met = r.Ratio >= c.Target
	}
	e.emitJSON(r)
	return r, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func round3(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 3, 64), 64)
	return v
}

// loadAverage is the one-minute load average, 0 where the system does
// not tell.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// interleaved returns a Comparison's Figure and Ref measured together by
// pass, which alternates the two operation by operation: on cores shared
// with other work, a figure and its reference measured seconds apart meet
// different neighbours, and a p99 is made of those moments. compare calls
// one of the two first in each round; that call runs the pass and the other
// returns the pass's other half.
func interleaved(pass func(ctx context.Context) (figure, ref float64, err error)) (figure, ref func(context.Context) (float64, error)) {
	var held float64
	heldFor := "" // the side whose value the last pass left, "" when none
	side := func(mine string) func(context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			if heldFor == mine {
				heldFor = ""
				return held, nil
			}
			f, r, err := pass(ctx)
			if err != nil {
				return 0, err
			}
			if mine == "figure" {
				held, heldFor = r, "ref"
				return f, nil
			}
			held, heldFor = f, "figure"
			return r, nil
		}
	}
	return side("figure"), side("ref")
}

// pairedP99 runs op(0, i) and op(1, i) for every i < n, the one or the
// other first in turn, and returns the p99 of each in milliseconds. Each
// operation's time is the lesser of two runs in a row: a search slow by its
// own work is slow both times, while a stall of cores shared with other
// work seldom falls on both, and at a load average of 20 on two cores such
// stalls made the p99s of identical searches differ by a third.
func pairedP99(ctx context.Context, n int, op func(side, i int) error) (first, second float64, err error) {
	var lat [2]latencies
	for i := 0; i < n; i++ {
		for k := range 2 {
			side := k ^ i%2
			best := time.Duration(-1)
			for range 2 {
				if ctx.Err() != nil {
					return 0, 0, ctx.Err()
				}
				start := time.Now()
				if err := op(side, i); err != nil {
					return 0, 0, err
				}
				if d := time.Since(start); best < 0 || d < best {
					best = d
				}
			}
			lat[side] = append(lat[side], best)
		}
	}
	return lat[0].pct(0.99), lat[1].pct(0.99), nil
}
