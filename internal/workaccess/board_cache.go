package workaccess

import (
	"context"
	"hash/fnv"
	"strconv"
	"sync"
	"time"
)

// yearCache keeps the year of ledger sums a board reads (readYear) for each
// unit and month while the ledger's generation stands (migration 074: every
// write to work done, demands and funds received advances it, whichever
// process writes). A city's year is hundreds of thousands of recorded rows
// that change a few times a day, while its dashboard is opened far more
// often. What a board reads besides — the catalogue, households, staff and
// the month's own columns — is read fresh each time.
type yearCache struct {
	mu      sync.Mutex
	entries map[yearKey]yearEntry
}

// yearKey names a unit's year by the communities it covers, so a unit
// whose communities moved is read again.
type yearKey struct {
	unit        int64
	month       string
	communities uint64
}

type yearEntry struct {
	generation int64
	year       *yearData
}

// maxYears bounds the cache: a city's streets and communities for the
// months people look at.
const maxYears = 512

// cachedYear is readYear kept while the generation stands.
func (s *Service) cachedYear(ctx context.Context, scope areaScope, ids []int64, m time.Time) (*yearData, error) {
	if scope.unit == 0 {
		return s.readYear(ctx, scope, m)
	}
	var generation int64
	if err := s.db.QueryRowContext(ctx, `SELECT n FROM work_ledger_generation WHERE id = 1`).Scan(&generation); err != nil {
		return nil, err
	}
	h := fnv.New64a()
	for _, id := range ids {
		h.Write(strconv.AppendInt(nil, id, 36))
		h.Write([]byte{','})
	}
	key := yearKey{unit: scope.unit, month: m.Format("2006-01"), communities: h.Sum64()}
	c := &s.years
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.generation == generation {
		return e.year, nil
	}
	// Read after the generation: a write in between leaves a newer year
	// under an older generation, read again next time, never the reverse.
	y, err := s.readYear(ctx, scope, m)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxYears {
		c.entries = map[yearKey]yearEntry{}
	}
	c.entries[key] = yearEntry{generation: generation, year: y}
	c.mu.Unlock()
	return y, nil
}
