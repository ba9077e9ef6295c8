package notify

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"shequ/internal/database"
)

// Sender delivers one message. It returns Permanent(err) when retrying
// cannot help; any other error is retried. Errors must not contain the
// recipient or the text: they are stored and logged.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks an error that retrying will not fix.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { var p permanentError; return errors.As(err, &p) }

// Dispatcher sends the outbox's due messages. Configure its fields before
// Run; zero values take the defaults.
type Dispatcher struct {
	DB     *database.DB
	Sender Sender
	Log    *slog.Logger

	Interval    time.Duration    // how often to look for due messages without being woken (1 s)
	MinGap      time.Duration    // the least time between passes a Wake starts (250 ms)
	Batch       int              // messages taken per pass (100)
	Workers     int              // messages sent at once (4)
	MaxAttempts int              // attempts before a message is marked failed (10)
	Lease       time.Duration    // how long a taken message is held before it is due again (2 min)
	SendTimeout time.Duration    // per attempt (30 s)
	Retention   time.Duration    // sent messages are deleted after this long (30 days)
	Now         func() time.Time // the clock (time.Now)
	Backoff     func(attempts int) time.Duration

	wake chan struct{}
	once sync.Once
}

// NewDispatcher returns a dispatcher with the default settings.
func NewDispatcher(db *database.DB, s Sender, log *slog.Logger) *Dispatcher {
	return &Dispatcher{DB: db, Sender: s, Log: log}
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.wake = make(chan struct{}, 1)
		if d.Interval <= 0 {
			d.Interval = time.Second
		}
		if d.MinGap <= 0 {
			d.MinGap = 250 * time.Millisecond
		}
		if d.Batch <= 0 {
			d.Batch = 100
		}
		if d.Workers <= 0 {
			d.Workers = 4
		}
		if d.MaxAttempts <= 0 {
			d.MaxAttempts = 10
		}
		if d.Lease <= 0 {
			d.Lease = 2 * time.Minute
		}
		if d.SendTimeout <= 0 {
			d.SendTimeout = 30 * time.Second
		}
		if d.Retention <= 0 {
			d.Retention = 30 * 24 * time.Hour
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		if d.Backoff == nil {
			d.Backoff = DefaultBackoff
		}
		if d.Log == nil {
			d.Log = slog.Default()
		}
	})
}

// DefaultBackoff waits 30 s after the first failure, doubling up to an
// hour, with up to a fifth more at random so that a gateway coming back is
// not hit by every message at once.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration(rand.Int64N(int64(d/5)+1))
}

// Wake asks for a pass now, for callers that have just committed messages:
// they go out at once instead of at the next look. Wakes coming faster
// than MinGap are taken together, so that a busy server sends its messages
// in batches rather than a pass for each.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	var pruned time.Time
	for {
		if time.Since(pruned) > time.Hour {
			pruned = time.Now()
			if _, err := Prune(ctx, d.DB, d.Now().Add(-d.Retention)); err != nil && ctx.Err() == nil {
				d.Log.Warn("notify: pruning failed", "err", err)
			}
		}
		for {
			n, err := d.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.Log.Warn("notify: pass failed", "err", err)
			}
			if err != nil || n < d.Batch {
				break
			}
		}
		passed := time.Now()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
			if wait := d.MinGap - time.Since(passed); wait > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		}
	}
}

// RunOnce takes the messages due now, sends them and records the
// outcomes; it returns how many it took. Taking is one UPDATE that moves
// the messages' next_at to the end of a lease — only rows still due are
// taken, so two dispatchers sharing a database never both take one — and
// the outcomes are recorded in one transaction.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.init()
	now := d.Now()
	// Taking is a write: it goes through the group commit with the
	// server's other writers instead of contending for the write lock.
	var list []Message
	err := d.DB.GroupTx(ctx, func(tx *sql.Tx) error {
		list = list[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE notify_outbox SET next_at = $1, attempts = attempts + 1
		WHERE status = 'pending' AND next_at <= $2 AND (community_id, id) IN (
			SELECT community_id, id FROM notify_outbox WHERE status = 'pending' AND next_at <= $2 ORDER BY next_at LIMIT $3)
		RETURNING community_id, id, idem_key, channel, recipient, COALESCE(user_id, 0), body, ref, attempts, created_at`,
			database.FormatTime(now.Add(d.Lease)), database.FormatTime(now), d.Batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			var created string
			if err := rows.Scan(&m.Community, &m.ID, &m.Key, &m.Channel, &m.To, &m.UserID, &m.Body, &m.Ref,
				&m.Attempts, &created); err != nil {
				return err
			}
			m.CreatedAt = database.ParseTime(created)
			list = append(list, m)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, nil
	}
	outcomes := make([]error, len(list))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(d.Workers, len(list)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
				outcomes[i] = d.Sender.Send(sctx, list[i])
				cancel()
			}
		}()
	}
	sent := len(list)
	for i := range list {
		if ctx.Err() != nil {
			sent = i // the rest were taken but not sent: their lease runs out and they come due again
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	// Recorded even when ctx ended during the sends, so that a message
	// that went out is not sent again after a clean shutdown.
	rctx := context.WithoutCancel(ctx)
	if err := d.DB.GroupTx(rctx, func(tx *sql.Tx) error {
		for i, m := range list[:sent] {
			if err := d.record(rctx, tx, m, outcomes[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		d.Log.Warn("notify: recording outcomes failed; the messages will be sent again", "count", sent, "err", err)
	}
	return len(list), ctx.Err()
}

// record writes the outcome of one attempt.
func (d *Dispatcher) record(ctx context.Context, tx *sql.Tx, m Message, err error) error {
	if err == nil {
		_, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET status = 'sent', sent_at = $1, last_error = ''
			WHERE community_id = $2 AND id = $3`, database.FormatTime(d.Now()), m.Community, m.ID)
		return err
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	if IsPermanent(err) || m.Attempts >= d.MaxAttempts {
		d.Log.Warn("notify: message failed", "id", m.ID, "key", m.Key, "ref", m.Ref, "attempts", m.Attempts, "err", msg)
		_, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET status = 'failed', last_error = $1
			WHERE community_id = $2 AND id = $3`, msg, m.Community, m.ID)
		return err
	}
	next := d.Now().Add(d.Backoff(m.Attempts))
	d.Log.Info("notify: will retry", "id", m.ID, "ref", m.Ref, "attempts", m.Attempts, "at", next.Format(time.RFC3339), "err", msg)
	_, err = tx.ExecContext(ctx, `UPDATE notify_outbox SET next_at = $1, last_error = $2
		WHERE community_id = $3 AND id = $4`, database.FormatTime(next), msg, m.Community, m.ID)
	return err
}
