// Package testwait lets a test wait for a condition for as long as the test
// may run — until shortly before go test's -timeout ends it — instead of for
// a fixed budget, which a busy machine overruns and a fast one never needs.
// A wait that gives up fails its own test with what it waited for; it never
// panics the whole test binary.
package testwait

import (
	"context"
	"testing"
	"time"
)

// Deadline is t's deadline less a grace period left for the test to report
// what it waited for and to clean up (stop servers, close browsers) before
// go test panics the binary. The grace period is a twentieth of the time
// left, at least a second. ok is false when the test has no deadline
// (go test -timeout 0): then wait for ever.
func Deadline(t *testing.T) (deadline time.Time, ok bool) {
	d, ok := t.Deadline()
	if !ok {
		return time.Time{}, false
	}
	grace := max(time.Until(d)/20, time.Second)
	return d.Add(-grace), true
}

// Context returns a child of parent that ends at Deadline(t), or when t
// ends, whichever comes first. Call it from the test's goroutine, not from
// a cleanup.
func Context(t *testing.T, parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	if d, ok := Deadline(t); ok {
		ctx, cancel = context.WithDeadline(parent, d)
	}
	t.Cleanup(cancel)
	return ctx
}

// Done returns a channel that is closed at Deadline(t), and never without
// a deadline. Unlike Context it registers nothing with t, so a cleanup may
// use it too.
func Done(t *testing.T) <-chan time.Time {
	d, ok := Deadline(t)
	if !ok {
		return nil // a nil channel never delivers
	}
	return time.After(time.Until(d))
}

// Until calls cond, pausing a little longer each time (up to 100 ms), until
// it returns true; when Deadline(t) comes first it fails t, saying what it
// waited for. Call it from the test's goroutine.
func Until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	done := Done(t)
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 100*time.Millisecond) {
		select {
		case <-done:
			t.Fatalf("gave up at the test's deadline waiting for %s", what)
		case <-time.After(pause):
		}
	}
}
