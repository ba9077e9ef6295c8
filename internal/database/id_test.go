package database

import (
	"testing"
	"time"
)

func TestIDsLayout(t *testing.T) {
	if got := 41 + idNodeBits + idSeqBits; got != 53 {
		t.Fatalf("ids are %d bits; JavaScript keeps 53", got)
	}
	at := time.Date(2093, 1, 1, 0, 0, 0, 0, time.UTC)
	g := NewIDs(unleasedNode - 1)
	g.nowFn = func() time.Time { return at }
	if id := g.Next(); id >= 1<<53 || id < 0 {
		t.Fatalf("id in 2093 = %d, beyond 53 bits", id)
	}
}

func TestIDsBorrowAndNode(t *testing.T) {
	at := time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC)
	g := NewIDs(3)
	g.nowFn = func() time.Time { return at }
	seen := map[int64]bool{}
	var prev int64
	for i := range 3 << idSeqBits {
		id := g.Next()
		if seen[id] || id <= prev {
			t.Fatalf("id %d: %d repeats or does not increase (previous %d)", i, id, prev)
		}
		seen[id], prev = true, id
		if nodeOf(id) != 3 {
			t.Fatalf("id %d made by node %d, want 3", id, nodeOf(id))
		}
	}
	// Three milliseconds' worth in one: two borrowed.
	if want := at.UnixMilli() - idEpochMillis + 2; g.lastMillis() != want {
		t.Fatalf("last millisecond %d, want %d", g.lastMillis(), want)
	}
	if IDAt(at) > prev-(2<<(idSeqBits+idNodeBits)) {
		t.Fatalf("IDAt(%v) = %d is above the ids made at that millisecond", at, IDAt(at))
	}
}

func TestIDsSwitchNodeStartsPastFloor(t *testing.T) {
	at := time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC)
	ms := at.UnixMilli() - idEpochMillis
	g := NewIDs(unleasedNode)
	g.nowFn = func() time.Time { return at }
	g.Next()
	// The node's previous holder borrowed five seconds ahead.
	g.switchNode(7, ms+5000)
	id := g.Next()
	if nodeOf(id) != 7 {
		t.Fatalf("node %d after the switch, want 7", nodeOf(id))
	}
	if got := id >> (idSeqBits + idNodeBits); got <= ms+5000 {
		t.Fatalf("first id after the switch is in millisecond %d, not past the floor %d", got, ms+5000)
	}
	// Same node, same clock: the same id. This is what nodes are for.
	a, b := NewIDs(4), NewIDs(4)
	a.nowFn, b.nowFn = g.nowFn, g.nowFn
	if a.Next() != b.Next() {
		t.Fatal("two generators with one node and one clock made different ids; the layout changed")
	}
}
