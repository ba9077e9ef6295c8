// Package audit keeps the append-only audit log (审计日志) that 个人信息保护法
// expects: every view of a person's record, every reveal of a masked number,
// every search and export (with its row count), every change, login and
// failed login — who, when, from where, what. Entries are written by a
// background writer in batches, so that recording a page view does not put
// a write in front of every read on SQLite's single writer; reveals and
// exports are written before the answer goes out.
package audit

import (
	"context"
	"database/sql"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"shequ/internal/database"
)

// Actions.
const (
	Login       = "login"
	LoginFailed = "login_failed"
	LoginLocked = "login_locked" // refused by the throttle before the password was checked
	Logout      = "logout"
	View        = "view"
	Reveal      = "reveal"
	Search      = "search"
	Export      = "export"
	Change      = "change"
	Denied      = "denied"
	TokenUsed   = "token_refused"
)

// ActionNames gives the Chinese name of each action.
var ActionNames = map[string]string{
	Login:       "登录",
	LoginFailed: "登录失败",
	LoginLocked: "登录被限制",
	Logout:      "退出",
	View:        "查看",
	Reveal:      "查看完整号码",
	Search:      "搜索",
	Export:      "导出",
	Change:      "修改",
	Denied:      "越权访问被拒绝",
	TokenUsed:   "无效令牌",
}

// Entry is one line of the audit log.
type Entry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	UserID      int64     `json:"user_id,omitempty"`
	UserName    string    `json:"user_name"`
	Addr        string    `json:"addr"`
	Action      string    `json:"action"`
	Entity      string    `json:"entity,omitempty"`
	EntityID    int64     `json:"entity_id,omitempty"`
	CommunityID int64     `json:"community_id,omitempty"`
	Route       string    `json:"route,omitempty"`
	Status      int       `json:"status,omitempty"`
	Rows        int       `json:"rows"` // -1: not a list
	Detail      string    `json:"detail,omitempty"`
}

// Log writes and reads the audit log.
//
// An entry, once recorded, is not lost: a batch the database refuses is
// tried again, split in halves to set the entries it can write apart from
// any it cannot, and what still fails is kept in memory and tried again,
// later and later, while new entries go on being written. When more than
// maxHeld entries wait, Record blocks until some are written rather than
// drop any. Close writes everything.
type Log struct {
	db     *database.DB
	log    *slog.Logger
	now    func() time.Time
	writer int64 // this Log's part of each entry's key (migration 044)

	retryMin, retryMax time.Duration

	mu       sync.Mutex
	space    *sync.Cond // signalled when entries are written
	queue    []Entry    // recorded, not yet taken by the writer
	busy     int        // taken by the writer, not yet written or held
	held     []Entry    // failed; tried again after retry
	retry    time.Duration
	failures int // failed writes, for the application's log and tests
	closed   bool
	wake     chan struct{}
	done     chan struct{}
}

const (
	// maxHeld bounds the entries waiting in memory.
	maxHeld = 1 << 16
	// maxBatch bounds the entries the writer takes at once.
	maxBatch = 256
	// chunkRows keeps each INSERT under 500 parameters: SQLite prepares
	// long statements in time that grows faster than their length.
	chunkRows = 500 / entryColumns
	// closeRetries bounds how long Close keeps trying when the database
	// refuses every write: about a minute at retryMax.
	closeRetries = 12
)

// New starts a Log on db. Close it to write what is queued.
func New(db *database.DB, log *slog.Logger) *Log {
	if log == nil {
		log = slog.Default()
	}
	var writer int64
	for writer == 0 {
		writer = rand.Int64()
	}
	l := &Log{db: db, log: log, now: time.Now, writer: writer, retryMin: 50 * time.Millisecond, retryMax: 5 * time.Second,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.space = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// Record queues an entry; it is written within a fraction of a second.
func (l *Log) Record(e Entry) {
	l.stamp(&e)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		l.deliver(context.Background(), []Entry{e}, closeRetries)
		return
	}
	for len(l.queue)+l.busy+len(l.held) >= maxHeld && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		l.deliver(context.Background(), []Entry{e}, closeRetries)
		return
	}
	l.queue = append(l.queue, e)
	l.mu.Unlock()
	l.nudge()
}

func (l *Log) nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// RecordNow writes an entry before returning: for reveals and exports, whose
// answer must not go out unrecorded.
func (l *Log) RecordNow(ctx context.Context, e Entry) error {
	l.stamp(&e)
	return l.write(ctx, []Entry{e})
}

func (l *Log) stamp(e *Entry) {
	if e.ID == 0 {
		e.ID = database.NewID()
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	if e.Rows == 0 && e.Action != Search && e.Action != Export {
		e.Rows = -1
	}
	if e.Action == Search || e.Action == Export {
		e.Detail = maskDetail(e.Detail)
	}
}

// Flush waits until every entry recorded so far is written.
func (l *Log) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.queue)+l.busy+len(l.held) > 0 {
		l.space.Wait()
	}
}

// Close writes what is queued and stops the writer. Entries the database
// still refuses after about a minute of trying are reported in the
// application's log (by count: they hold personal data).
func (l *Log) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.space.Broadcast()
	l.mu.Unlock()
	l.nudge()
	<-l.done
}

// run is the writer: it takes what is queued in batches, and tries the
// held entries again when their time has come.
func (l *Log) run() {
	defer close(l.done)
	ctx := context.Background()
	var timer <-chan time.Time
	for {
		l.mu.Lock()
		if len(l.queue) == 0 && (len(l.held) == 0 || timer != nil) && !l.closed {
			l.mu.Unlock()
			select {
			case <-l.wake:
			case <-timer:
				timer = nil
			}
			l.mu.Lock()
		}
		select {
		case <-timer:
			timer = nil
		default:
		}
		var batch []Entry
		switch {
		case len(l.held) > 0 && (timer == nil || l.closed):
			batch, l.held = l.held, nil
		case len(l.queue) > 0:
			n := min(len(l.queue), maxBatch)
			batch = append(batch, l.queue[:n]...)
			l.queue = l.queue[n:]
			if len(l.queue) == 0 {
				l.queue = nil
			}
		case l.closed:
			l.mu.Unlock()
			return
		}
		l.busy += len(batch)
		closed := l.closed
		l.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		tries := 1
		if closed {
			tries = closeRetries
		}
		failed := l.deliver(ctx, batch, tries)
		l.mu.Lock()
		l.busy -= len(batch)
		l.held = append(l.held, failed...)
		if len(failed) == 0 {
			if len(l.held) == 0 {
				l.retry = 0
			}
		} else {
			l.retry = min(max(2*l.retry, l.retryMin), l.retryMax)
		}
		if len(l.held) > 0 && timer == nil {
			timer = time.After(l.retry)
		}
		if closed && len(failed) > 0 {
			// Closing and still refused: give up on these, loudly.
			l.log.Error("audit entries not written", "entries", len(failed), "writer", l.writer)
			l.held = l.held[:len(l.held)-len(failed)]
		}
		l.space.Broadcast()
		l.mu.Unlock()
	}
}

// deliver writes batch, splitting what fails until each entry the database
// accepts is written, and returns the entries it refused tries times.
func (l *Log) deliver(ctx context.Context, batch []Entry, tries int) (failed []Entry) {
	var first error
	failed = l.split(ctx, batch, tries, &first)
	if first != nil {
		// The entries hold personal data (search terms); only their count
		// and the error reach the application's log.
		l.log.Error("audit write failed", "entries", len(batch), "kept to try again", len(failed), "err", first)
	}
	return failed
}

func (l *Log) split(ctx context.Context, batch []Entry, tries int, first *error) []Entry {
	err := l.write(ctx, batch)
	if err == nil {
		return nil
	}
	l.mu.Lock()
	l.failures++
	l.mu.Unlock()
	if *first == nil {
		*first = err
	}
	if len(batch) > 1 {
		h := len(batch) / 2
		return append(l.split(ctx, batch[:h], tries, first), l.split(ctx, batch[h:], tries, first)...)
	}
	wait := l.retryMin
	for try := 1; try < tries; try++ {
		time.Sleep(wait)
		wait = min(2*wait, l.retryMax)
		if err := l.write(ctx, batch); err == nil {
			return nil
		}
	}
	return batch
}

// entryColumns is the number of columns an entry fills.
const entryColumns = 14

// write inserts batch in one transaction, in statements of at most
// chunkRows entries. An entry already written (a retry of a batch whose
// commit was not seen) is left as it is.
//
// It goes through the group commit with every other writer of the server:
// a transaction of its own would contend with the committer for SQLite's
// write lock, and the loser waits out the busy handler's sleeps.
func (l *Log) write(ctx context.Context, batch []Entry) error {
	return l.db.GroupTx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(batch); start += chunkRows {
			if err := l.insert(ctx, tx, batch[start:min(start+chunkRows, len(batch))]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (l *Log) insert(ctx context.Context, q database.Querier, batch []Entry) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (id, writer, at, user_id, user_name, addr, action, entity, entity_id,
		community_id, route, status, rows, detail) VALUES `)
	a := l.db.InOrder()
	for i, e := range batch {
		if i > 0 {
			b.WriteString(", ")
		}
		var rows any
		if e.Rows >= 0 {
			rows = e.Rows
		}
		b.WriteString(a.Row(e.ID, l.writer, database.FormatTime(e.At), nullID(e.UserID), clean(e.UserName, 100),
			clean(e.Addr, 100), e.Action, e.Entity, nullID(e.EntityID), nullID(e.CommunityID), clean(e.Route, 200),
			e.Status, rows, clean(e.Detail, 500)))
	}
	b.WriteString(` ON CONFLICT (id, writer) DO NOTHING`)
	// Each size of statement, 1 to chunkRows entries, stays prepared on its
	// connection (database/stmtcache.go).
	_, err := q.ExecContext(ctx, b.String(), a.Values()...)
	return err
}

// clean makes what users typed storable on both engines: valid UTF-8,
// without NUL characters, at most n characters.
func clean(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
