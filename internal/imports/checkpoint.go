package imports

import (
	"context"
	"sync/atomic"

	"shequ/internal/database"
)

// checkpointer copies the write-ahead log into the database file on a
// goroutine of its own while the batches go on. Left to the writer (its
// wal_autocheckpoint, see register.Loader.ForUpdates), the copy and its two
// fsyncs happen inside a batch's commit, and every batch after it waits.
// It checkpoints about as often as the writer would (every ckptFrames
// pages), so that pages written again and again are copied once per
// checkpoint, not once per batch. The writer's own setting stays as it is:
// it finds the log copied and has nothing to do.
type checkpointer struct {
	kick    chan struct{}
	done    chan struct{}
	batches atomic.Int64 // committed
}

const ckptFrames = 12000 // below the writer's 16384

func (r *run) startCheckpointer(ctx context.Context) *checkpointer {
	if r.s.db.Engine != database.SQLite {
		return nil
	}
	c := &checkpointer{kick: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		every, last, prevLog := int64(4), int64(0), 0
		for range c.kick {
			n := c.batches.Load()
			if n-last < every {
				continue
			}
			var busy, log, copied int
			if err := r.s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied); err != nil {
				last = n
				continue
			}
			// What the batches since the last checkpoint wrote: the
			// log's growth, or its length when it restarted meanwhile.
			written := log - prevLog
			if log < prevLog {
				written = log
			}
			prevLog = log
			per := max(int64(written)/(n-last), 1)
			every = min(max(ckptFrames/per, 1), 64)
			last = n
		}
	}()
	return c
}

// committed tells the checkpointer a batch was committed.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	c.batches.Add(1)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// stop waits for a checkpoint under way.
func (c *checkpointer) stop() {
	if c == nil {
		return
	}
	close(c.kick)
	<-c.done
}
