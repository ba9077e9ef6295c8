package database

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Ids are made by the application, not by SERIAL columns, so that rows can be
// created on any shard of a distributed PostgreSQL and in bulk without a round
// trip. An id is milliseconds since 2024-01-01 (41 bits), a per-process node
// number (4 bits) and a sequence (8 bits): 53 bits, so it survives a trip
// through JavaScript's float64 numbers. Ids from one process increase.
const (
	idEpochMillis = 1704067200000 // 2024-01-01T00:00:00Z
	idSeqBits     = 8
	idNodeBits    = 4
)

// IDs hands out ids. The zero value is not usable; use NewIDs.
type IDs struct {
	mu    sync.Mutex
	node  int64
	last  int64 // last millisecond used
	seq   int64
	nowFn func() time.Time
}

// NewIDs returns a generator with a random node number.
func NewIDs() *IDs {
	return &IDs{node: rand.Int64N(1 << idNodeBits), nowFn: time.Now}
}

var defaultIDs = NewIDs()

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

// IDAt returns the smallest id a generator makes at t: ids made before t
// are smaller (unless a generator borrowed milliseconds ahead of its clock).
func IDAt(t time.Time) int64 {
	return max(0, t.UnixMilli()-idEpochMillis) << (idSeqBits + idNodeBits)
}
