package indicators

import (
	"container/list"
	"context"
	"sync"
	"unsafe"

	"shequ/internal/database"
)

// RowCache keeps the live rows of communities as scans read them, so that
// the next report of the same communities (another page view, another
// unit, a ledger, a sign-off) does not read the tables again. An entry is
// valid while the community's change events are as they were when it was
// read: every write to the register appends one, so a count and the
// largest id of a community's events tell whether anything changed. Writes
// that bypass the register (SQL typed by hand) are not seen; the cache
// holds at most Limit bytes, the least recently used entries going first.
type RowCache struct {
	Limit int64

	mu    sync.Mutex
	items map[cacheKey]*list.Element
	lru   *list.List
	bytes int64
	hits  int
	miss  int
}

type cacheKey struct {
	community int64
	what      string // table and the shape of the read (columns, period)
}

type cacheEntry struct {
	key  cacheKey
	mark watermark
	rows any
	size int64
}

// watermark identifies the state of a community's change events.
type watermark struct{ count, max int64 }

// NewRowCache returns a cache holding at most limit bytes.
func NewRowCache(limit int64) *RowCache {
	return &RowCache{Limit: limit, items: map[cacheKey]*list.Element{}, lru: list.New()}
}

// Stats returns the hits and misses so far.
func (c *RowCache) Stats() (hits, misses int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.miss
}

func markOf(ctx context.Context, db *database.DB, community int64) (watermark, error) {
	var m watermark
	err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM change_events WHERE community_id = $1`,
		community).Scan(&m.count, &m.max)
	return m, err
}

func (c *RowCache) get(k cacheKey, m watermark) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok || el.Value.(*cacheEntry).mark != m {
		c.miss++
		return nil, false
	}
	c.hits++
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).rows, true
}

func (c *RowCache) put(k cacheKey, m watermark, rows any, size int64) {
	if c == nil || size > c.Limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.bytes -= el.Value.(*cacheEntry).size
		c.lru.Remove(el)
	}
	c.items[k] = c.lru.PushFront(&cacheEntry{key: k, mark: m, rows: rows, size: size})
	c.bytes += size
	for c.bytes > c.Limit {
		el := c.lru.Back()
		e := el.Value.(*cacheEntry)
		c.lru.Remove(el)
		delete(c.items, e.key)
		c.bytes -= e.size
	}
}

// cachedRows returns the rows of one read of a community's table, from the
// cache when still valid, else from load (whose result it keeps; the rows
// must not be changed afterwards).
func cachedRows[R any](c *RowCache, k cacheKey, m watermark, load func() ([]R, error)) ([]R, error) {
	if v, ok := c.get(k, m); ok {
		return v.([]R), nil
	}
	rows, err := load()
	if err != nil || c == nil {
		return rows, err
	}
	var r R
	kept := append([]R(nil), rows...) // the loader's buffer is reused
	c.put(k, m, kept, int64(len(kept))*int64(unsafe.Sizeof(r)))
	return kept, nil
}
