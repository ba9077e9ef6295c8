package database

import (
	"context"
	"database/sql/driver"
	"errors"
)

// Every statement a SQLite connection runs is prepared once on it and
// kept: the pure-Go SQLite parses the text of each query it is handed
// directly (database/sql's ExecContext and QueryContext on a pool or a
// transaction), and parsing was a seventh of event creation's CPU — the
// outbox's INSERT, the savepoints of a group commit, the audit writer's,
// every package's plain queries. Wrapping the driver's connection keeps
// the saving behind this seam, for every package, with no change to how
// they write SQL. PostgreSQL needs nothing of the kind: pgx keeps a cache
// of prepared statements per connection already.

// maxCachedStmts bounds the statements kept per connection (each holds a
// few kilobytes of SQLite's memory); the least recently used goes first.
const maxCachedStmts = 128

// maxCachedQuery leaves out long texts: the multi-row INSERTs of bulk
// loads, each of a different length, would only push the hot ones out.
const maxCachedQuery = 4 << 10

// cachingConnector opens the driver's connections wrapped in stmtConn.
type cachingConnector struct{ inner driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newStmtConn(conn)
}

func (c cachingConnector) Driver() driver.Driver { return c.inner.Driver() }

// inner is what stmtConn needs of the driver's connection; modernc's
// provides all of it.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

type cachedStmt struct {
	st   driver.Stmt
	used uint64 // the connection's clock when it was last used
	busy bool   // its rows are open: a second use needs a statement of its own
}

// stmtConn is a connection with its statements kept. database/sql uses a
// connection from one goroutine at a time, so it needs no lock; rows of a
// statement may still be open when the same text runs again (a query in a
// loop over another's rows), and then that run gets a statement of its own.
type stmtConn struct {
	innerConn
	stmts map[string]*cachedStmt
	clock uint64
}

func newStmtConn(c driver.Conn) (driver.Conn, error) {
	ic, ok := c.(innerConn)
	if !ok {
		c.Close()
		return nil, errors.New("database: the SQLite driver's connection lacks the context methods")
	}
	return &stmtConn{innerConn: ic, stmts: map[string]*cachedStmt{}}, nil
}

// take returns the kept statement for query, preparing it on first use;
// nil when query is not to be kept or is in use.
func (c *stmtConn) take(ctx context.Context, query string) (*cachedStmt, error) {
	if len(query) > maxCachedQuery {
		return nil, nil
	}
	c.clock++
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		cs.used = c.clock
		return cs, nil
	}
	st, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxCachedStmts && !c.evict() {
		st.Close()
		return nil, nil
	}
	cs := &cachedStmt{st: st, used: c.clock}
	c.stmts[query] = cs
	return cs, nil
}

// evict closes the least recently used statement not in use.
func (c *stmtConn) evict() bool {
	var oldest string
	var at uint64
	found := false
	for q, cs := range c.stmts {
		if !cs.busy && (!found || cs.used < at) {
			oldest, at, found = q, cs.used, true
		}
	}
	if found {
		c.stmts[oldest].st.Close()
		delete(c.stmts, oldest)
	}
	return found
}

func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	return cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *stmtConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &keptRows{Rows: rows, cs: cs}, nil
}

// Close finalizes the kept statements before the connection: SQLite does
// not close a connection with statements still open.
func (c *stmtConn) Close() error {
	for q, cs := range c.stmts {
		cs.st.Close()
		delete(c.stmts, q)
	}
	return c.innerConn.Close()
}

// The driver's optional interfaces database/sql looks for on a connection.

func (c *stmtConn) ResetSession(ctx context.Context) error {
	if r, ok := c.innerConn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *stmtConn) IsValid() bool {
	if v, ok := c.innerConn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *stmtConn) Ping(ctx context.Context) error {
	if p, ok := c.innerConn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// keptRows frees its statement for the next run when closed.
type keptRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}
