package services

import (
	"strconv"
	"testing"
	"time"
)

// A flood of addresses and made-up numbers within one minute leaves the
// limiter's maps bounded.
func TestLimiterBounded(t *testing.T) {
	l := NewLimiter(20, 30, 8, 30*time.Minute)
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for i := 0; i < 8; i++ {
		l.Failed("LOCKED")
	}
	if l.Allow("10.0.0.1", "LOCKED") {
		t.Fatal("a number with 8 failures is not locked")
	}
	for i := 0; i < 3*maxLimited; i++ {
		client := "10." + strconv.Itoa(i>>16) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
		l.Allow(client, "N"+strconv.Itoa(i))
		l.Failed("N" + strconv.Itoa(i))
		if len(l.clients) > maxLimited || len(l.failures) > maxLimited {
			t.Fatalf("after %d lookups: %d clients, %d numbers held", i+1, len(l.clients), len(l.failures))
		}
	}
}
