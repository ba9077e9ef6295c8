// Package bench measures the figures the issues name — demo load time, person
// search and detail latency, server start-up time and memory — on a real
// database, and prints each as one JSON object per line.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"time"
)

// Result is one measured figure.
type Result struct {
	Bench string  `json:"bench"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// N is how many operations the figure summarises, where that applies.
	N      int    `json:"n,omitempty"`
	Engine string `json:"engine,omitempty"`
	Note   string `json:"note,omitempty"`
}

// emitter writes results as JSON lines.
type emitter struct {
	w      io.Writer
	engine string
}

func (e emitter) emit(r Result) {
	r.Engine = e.engine
	e.emitJSON(r)
}

func (e emitter) emitJSON(v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(e.w, string(b))
}

// latencies summarises durations as percentiles in milliseconds.
type latencies []time.Duration

func (l latencies) pct(p float64) float64 {
	if len(l) == 0 {
		return 0
	}
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

func timeIt(ctx context.Context, n int, fn func(i int) error) (latencies, error) {
	out := make(latencies, 0, n)
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		start := time.Now()
		if err := fn(i); err != nil {
			return out, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5eed)) }
