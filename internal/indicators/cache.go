package indicators

import (
	"container/list"
	"context"
	"sync"
	"time"
	"unsafe"

	"shequ/internal/database"
)

// RowCache keeps the live rows of communities as scans read them, so that
// the next report of the same communities (another page view, another
// unit, a ledger, a sign-off) does not read the tables again. An entry is
// valid while the community's change events are as they were when it was
// read: every write to the register appends one, so the largest id of a
// community's events, and how many there are above a bound, tell whether
// anything changed. Counting only the events above the bound (ids made at
// most recentWindow before the community was first read) keeps the check
// cheap however long the register's history grows, while still seeing a
// transaction that commits after a newer one (ids are made before the
// commit; one made more than recentWindow before its commit would be
// missed). Writes that bypass the register (SQL typed by hand) are not
// seen; the cache holds at most Limit bytes, the least recently used
// entries going first.
type RowCache struct {
	Limit int64

	mu     sync.Mutex
	items  map[cacheKey]*list.Element
	lru    *list.List
	bytes  int64
	hits   int
	miss   int
	bounds map[int64]int64 // community → the id above which events are counted
	now    func() time.Time
}

// recentWindow is how long before a community's first read its events are
// still counted (see RowCache): far longer than any write transaction.
const recentWindow = time.Hour

// recountAbove is how many counted events make the next check take a fresh
// bound (costing one reload of the community; at most once per
// recentWindow), so that the count stays small.
const recountAbove = 4096

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

// watermark identifies the state of a community's change events: the
// largest id, and how many have an id above bound.
type watermark struct{ bound, count, max int64 }

// NewRowCache returns a cache holding at most limit bytes.
func NewRowCache(limit int64) *RowCache {
	return &RowCache{Limit: limit, items: map[cacheKey]*list.Element{}, lru: list.New(),
		bounds: map[int64]int64{}, now: time.Now}
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

// mark reads the watermark of a community's change events.
func (c *RowCache) mark(ctx context.Context, db *database.DB, community int64) (watermark, error) {
	c.mu.Lock()
	bound, ok := c.bounds[community]
	if !ok {
		bound = database.IDAt(c.now().Add(-recentWindow))
		c.bounds[community] = bound
	}
	c.mu.Unlock()
	m := watermark{bound: bound}
	// Two reads of the primary key (community_id, id): the largest id, and
	// the ids above the bound.
	err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM change_events WHERE community_id = $1`,
		community).Scan(&m.max)
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM change_events WHERE community_id = $1 AND id > $2`,
			community, bound).Scan(&m.count)
	}
	if err == nil && m.count > recountAbove && bound < database.IDAt(c.now().Add(-2*recentWindow)) {
		c.mu.Lock()
		delete(c.bounds, community)
		c.mu.Unlock()
	}
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
