package database

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// GroupTx runs fn in a write transaction and returns after it committed.
// On a single-writer engine (SQLite) the transactions waiting together go
// to one committer goroutine that runs them in one transaction, each in
// its own savepoint (so one failing is rolled back alone), and commits
// them at once: a group commit, one sync of the log for many small writes.
// On PostgreSQL, which writes concurrently, each runs in its own.
//
// fn may run beside other callers' functions in the same transaction: it
// must do all its work through tx and keep no state across calls.
func (db *DB) GroupTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !db.d.groupCommits() {
		return db.InTx(ctx, fn)
	}
	g := &db.group
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return db.InTx(ctx, fn)
	}
	g.start.Do(func() {
		g.queue = make(chan *groupReq, 256)
		g.done = make(chan struct{})
		g.kick = make(chan struct{}, 1)
		g.checkpointerDone = make(chan struct{})
		go db.checkpointer(g.kick, g.checkpointerDone)
		go db.commitLoop(g.queue, g.kick, g.done)
	})
	r := &groupReq{fn: fn, done: make(chan error, 1)}
	select {
	case g.queue <- r:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	// fn may already be running: wait for it whatever ctx does, as it
	// writes to its caller's variables.
	return <-r.done
}

type groupCommit struct {
	mu     sync.RWMutex // held for reading while sending, for writing to close
	start  sync.Once
	queue  chan *groupReq
	done   chan struct{}
	closed bool
	// kick tells the checkpointer a group was committed (checkpoint.go).
	kick             chan struct{}
	checkpointerDone chan struct{}
	checkpoints      atomic.Int64 // checkpoints run, for tests
}

type groupReq struct {
	fn   func(tx *sql.Tx) error
	done chan error
}

// maxGroup bounds a group commit.
const maxGroup = 64

// finishGroups commits the transactions waiting for a group commit and
// refuses new ones.
func (db *DB) finishGroups() {
	g := &db.group
	g.mu.Lock()
	g.closed = true
	if g.queue != nil {
		close(g.queue)
		g.queue = nil
	}
	done, stopped := g.done, g.checkpointerDone
	g.mu.Unlock()
	if done != nil {
		<-done // the loop closes kick as it ends
		<-stopped
	}
}

func (db *DB) commitLoop(queue <-chan *groupReq, kick chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer close(kick)
	w := db.committer()
	defer w.release()
	for r := range queue {
		batch := []*groupReq{r}
	more:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-queue:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		db.commitGroup(w.q, batch)
		select {
		case kick <- struct{}{}:
		default: // a checkpoint is already due
		}
	}
}

func (db *DB) commitGroup(w beginner, batch []*groupReq) {
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	results := make([]error, len(batch))
	for i, r := range batch {
		if len(batch) == 1 {
			results[i] = r.fn(tx)
			break
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT item`); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
		results[i] = r.fn(tx)
		if results[i] != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO item`); err != nil {
				tx.Rollback()
				fail(err)
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE item`); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
	}
	if len(batch) == 1 && results[0] != nil {
		tx.Rollback()
		batch[0].done <- results[0]
		return
	}
	if err := tx.Commit(); err != nil {
		fail(err)
		return
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}
