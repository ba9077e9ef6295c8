package bench

import (
	"context"
	"testing"
)

// TestReferenceVotes: the reference takes the vote's POST from the load
// client on every connection and answers each with a receipt.
func TestReferenceVotes(t *testing.T) {
	rate, lat, err := referenceVotes(context.Background(), 4, 200, []string{randomToken(), randomToken()})
	if err != nil {
		t.Fatal(err)
	}
	if len(lat) != 200 || rate <= 0 {
		t.Fatalf("%d answers at %.0f/s, want 200", len(lat), rate)
	}
}
