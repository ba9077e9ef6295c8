package notify

import (
	"context"
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

	Interval    time.Duration    // how often to look for due messages (1 s)
	Batch       int              // messages taken per pass (100)
	Workers     int              // messages sent at once (4)
	MaxAttempts int              // attempts before a message is marked failed (10)
	Lease       time.Duration    // how long a taken message is held before it is due again (2 min)
	SendTimeout time.Duration    // per attempt (30 s)
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

// Wake asks for a pass now, for callers that have just committed messages.
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
	for {
		for {
			n, err := d.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.Log.Warn("notify: pass failed", "err", err)
			}
			if err != nil || n < d.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
		}
	}
}

type due struct {
	m      Message
	nextAt string
}

// RunOnce takes the messages due now, sends them and records the outcome;
// it returns how many it took.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.init()
	now := d.Now()
	rows, err := d.DB.QueryContext(ctx, `SELECT community_id, id, idem_key, channel, recipient, COALESCE(user_id, 0), body, ref,
		attempts, next_at, created_at FROM notify_outbox WHERE status = 'pending' AND next_at <= $1
		ORDER BY next_at LIMIT $2`, database.FormatTime(now), d.Batch)
	if err != nil {
		return 0, err
	}
	var list []due
	for rows.Next() {
		var x due
		var created string
		if err := rows.Scan(&x.m.Community, &x.m.ID, &x.m.Key, &x.m.Channel, &x.m.To, &x.m.UserID, &x.m.Body, &x.m.Ref,
			&x.m.Attempts, &x.nextAt, &created); err != nil {
			rows.Close()
			return 0, err
		}
		x.m.CreatedAt = database.ParseTime(created)
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	jobs := make(chan due)
	var wg sync.WaitGroup
	for range min(d.Workers, max(1, len(list))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range jobs {
				d.deliver(ctx, x, now)
			}
		}()
	}
	for _, x := range list {
		if ctx.Err() != nil {
			break
		}
		jobs <- x
	}
	close(jobs)
	wg.Wait()
	return len(list), ctx.Err()
}

// deliver takes one message by moving its next_at to the end of a lease —
// a compare-and-set, so two dispatchers sharing a database never both take
// it — sends it and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, x due, now time.Time) {
	m := x.m
	lease := database.FormatTime(now.Add(d.Lease))
	res, err := d.DB.ExecContext(ctx, `UPDATE notify_outbox SET next_at = $1, attempts = attempts + 1
		WHERE community_id = $2 AND id = $3 AND status = 'pending' AND next_at = $4`, lease, m.Community, m.ID, x.nextAt)
	if err != nil {
		d.Log.Warn("notify: take failed", "id", m.ID, "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return // another dispatcher took it
	}
	m.Attempts++
	sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	err = d.Sender.Send(sctx, m)
	cancel()
	// The outcome is recorded even when ctx ended during the send, so a
	// message that went out is not sent again after a clean shutdown.
	rctx := context.WithoutCancel(ctx)
	if err == nil {
		_, err = d.DB.ExecContext(rctx, `UPDATE notify_outbox SET status = 'sent', sent_at = $1, last_error = ''
			WHERE community_id = $2 AND id = $3`, database.FormatTime(d.Now()), m.Community, m.ID)
		if err != nil {
			d.Log.Warn("notify: recording a sent message failed; it will be sent again", "id", m.ID, "err", err)
		}
		return
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	if IsPermanent(err) || m.Attempts >= d.MaxAttempts {
		d.Log.Warn("notify: message failed", "id", m.ID, "key", m.Key, "ref", m.Ref, "attempts", m.Attempts, "err", msg)
		_, err = d.DB.ExecContext(rctx, `UPDATE notify_outbox SET status = 'failed', last_error = $1
			WHERE community_id = $2 AND id = $3`, msg, m.Community, m.ID)
	} else {
		next := d.Now().Add(d.Backoff(m.Attempts))
		d.Log.Info("notify: will retry", "id", m.ID, "ref", m.Ref, "attempts", m.Attempts, "at", next.Format(time.RFC3339), "err", msg)
		_, err = d.DB.ExecContext(rctx, `UPDATE notify_outbox SET next_at = $1, last_error = $2
			WHERE community_id = $3 AND id = $4`, database.FormatTime(next), msg, m.Community, m.ID)
	}
	if err != nil {
		d.Log.Warn("notify: recording a failure failed", "id", m.ID, "err", err)
	}
}
