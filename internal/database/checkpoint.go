package database

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// SQLite copies its write-ahead log back into the database file (a
// checkpoint, with its syncs) inside the commit that makes the log pass
// 1,000 pages. For the group committer that meant every few hundred
// events one commit stalled for a checkpoint's syncs — 5 to 240 ms on
// this project's disk — and with it every request waiting in the group:
// the tail of event creation and of votes. So the committer's own
// connection never checkpoints, and a goroutine beside it checkpoints on
// another connection after groups commit: a PASSIVE checkpoint runs
// beside the writer, so the commits do not wait for it. The other
// connections keep SQLite's automatic checkpoint, so the log stays
// bounded should this goroutine fall behind.

// checkpointGap is the least time between two checkpoints: each syncs the
// file, and a busy committer kicks after every group.
var checkpointGap = 250 * time.Millisecond

// beginner begins the group committer's transactions.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// committerConn is the connection the group committer writes on.
type committerConn struct {
	q       beginner
	release func()
}

// committer holds one connection for the group committer, with the
// automatic checkpoint off; should that fail, the pool as before.
func (db *DB) committer() committerConn {
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err == nil {
		_, err = c.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`)
		if err != nil {
			c.Close()
		}
	}
	if err != nil {
		slog.Warn("group commit: no connection of its own, checkpoints stay in the commits", "err", err)
		return committerConn{q: db.DB, release: func() {}}
	}
	return committerConn{q: c, release: func() {
		// The connection goes back to the pool as the others are.
		c.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 1000`)
		c.Close()
	}}
}

// checkpointer checkpoints after committed groups, at most once per
// checkpointGap, until kick is closed.
func (db *DB) checkpointer(kick <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	var last time.Time
	for range kick {
		if wait := checkpointGap - time.Since(last); wait > 0 {
			time.Sleep(wait)
		}
		last = time.Now()
		if _, err := db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			slog.Debug("checkpoint", "err", err)
			continue
		}
		db.group.checkpoints.Add(1)
	}
}
