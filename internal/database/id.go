package database

import (
	"sync"
	"time"
)

// Ids are made by the application, not by SERIAL columns, so that rows can be
// created on any shard of a distributed PostgreSQL and in bulk without a round
// trip. An id is 53 bits, so that it survives a trip through JavaScript's
// float64 numbers:
//
//	41 bits  milliseconds since 2024-01-01 (until 2093)
//	 5 bits  node: a number no other process writing the same database holds
//	 7 bits  sequence within the millisecond
//
// The node is leased from the database when it opens (lease.go) or
// configured (UseNode), so two processes — the server and `shequ import`, or
// two servers on two machines — never make the same id. Five bits are 31
// leasable nodes, far more processes than ever write one register at once;
// the two bits taken from the old eight-bit sequence leave 128 ids a
// millisecond, and a process that needs more borrows the next millisecond
// (bulk loads never wait), so an import of 100,000 rows a second runs at most
// a few seconds ahead of the clock. The lease records the highest millisecond
// a node has used, so whoever takes the node next starts past it.
//
// The 12 low bits together are as wide as before (4 node + 8 sequence), so
// ids made before and after the change order by time alike.
const (
	idEpochMillis = 1704067200000 // 2024-01-01T00:00:00Z
	idSeqBits     = 7
	idNodeBits    = 5

	// unleasedNode is never leased. A process that has opened no database
	// (a test building rows in memory) makes its ids with it; such ids can
	// only collide with another such process's, never with a writer's.
	unleasedNode = 1<<idNodeBits - 1
)

// IDs hands out ids for one node. The zero value is not usable; use NewIDs.
type IDs struct {
	mu    sync.Mutex
	node  int64
	last  int64 // last millisecond used
	seq   int64
	nowFn func() time.Time
}

// NewIDs returns a generator for the given node.
func NewIDs(node int) *IDs {
	return &IDs{node: int64(node), nowFn: time.Now}
}

// defaultIDs is the process-wide generator behind NewID. It starts on
// unleasedNode; opening a database sets the node it leased (lease.go).
var defaultIDs = NewIDs(unleasedNode)

// NewID returns a fresh id from the process-wide generator.
func NewID() int64 { return defaultIDs.Next() }

// Next returns the next id. When one millisecond's sequence is used up it
// borrows the next millisecond, so bulk loads never wait.
func (g *IDs) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.nowFn().UnixMilli() - idEpochMillis
	if ms <= g.last {
		g.seq++
		if g.seq >= 1<<idSeqBits {
			g.last++
			g.seq = 0
		}
	} else {
		g.last = ms
		g.seq = 0
	}
	return g.last<<(idSeqBits+idNodeBits) | g.node<<idSeqBits | g.seq
}

// switchNode makes g hand out ids of node from now on, none in a millisecond
// before floor (the last one the node's previous holder used).
func (g *IDs) switchNode(node int, floor int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.node = int64(node)
	if floor >= g.last {
		g.last, g.seq = floor+1, 0
	}
}

// lastMillis is the last millisecond g used, for the lease's record.
func (g *IDs) lastMillis() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// nodeOf returns the node an id was made by.
func nodeOf(id int64) int { return int(id >> idSeqBits & (1<<idNodeBits - 1)) }

// IDAt returns the smallest id a generator makes at t: ids made before t
// are smaller (unless a generator borrowed milliseconds ahead of its clock).
func IDAt(t time.Time) int64 {
	return max(0, t.UnixMilli()-idEpochMillis) << (idSeqBits + idNodeBits)
}
