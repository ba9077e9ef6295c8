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
	"fmt"
	"log/slog"
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
type Log struct {
	db   *database.DB
	log  *slog.Logger
	now  func() time.Time
	ch   chan Entry
	done chan struct{}

	mu      sync.Mutex
	pending sync.WaitGroup
	closed  bool
}

// New starts a Log on db. Close it to write what is queued.
func New(db *database.DB, log *slog.Logger) *Log {
	if log == nil {
		log = slog.Default()
	}
	l := &Log{db: db, log: log, now: time.Now, ch: make(chan Entry, 4096), done: make(chan struct{})}
	go l.writer()
	return l
}

// Record queues an entry; it is written within a fraction of a second.
func (l *Log) Record(e Entry) {
	l.stamp(&e)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		l.write(context.Background(), []Entry{e})
		return
	}
	l.pending.Add(1)
	l.mu.Unlock()
	l.ch <- e
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
}

// Flush waits until every queued entry is written.
func (l *Log) Flush() { l.pending.Wait() }

// Close writes what is queued and stops the writer.
func (l *Log) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()
	l.pending.Wait()
	close(l.ch)
	<-l.done
}

func (l *Log) writer() {
	defer close(l.done)
	batch := make([]Entry, 0, 256)
	for e := range l.ch {
		batch = append(batch[:0], e)
	more:
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-l.ch:
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		l.write(context.Background(), batch)
		for range batch {
			l.pending.Done()
		}
	}
}

func (l *Log) write(ctx context.Context, batch []Entry) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (id, at, user_id, user_name, addr, action, entity, entity_id, community_id,
		route, status, rows, detail) VALUES `)
	args := make([]any, 0, len(batch)*13)
	for i, e := range batch {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
			n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12, n+13)
		var rows any
		if e.Rows >= 0 {
			rows = e.Rows
		}
		args = append(args, e.ID, database.FormatTime(e.At), nullID(e.UserID), clean(e.UserName, 100), clean(e.Addr, 100),
			e.Action, e.Entity, nullID(e.EntityID), nullID(e.CommunityID), clean(e.Route, 200), e.Status, rows, clean(e.Detail, 500))
	}
	// Batches come in every size from 1 to 256; each size's statement is
	// prepared once.
	_, err := l.db.PreparedExec(ctx, l.db, b.String(), args...)
	if err != nil {
		// The entries hold personal data (search terms); only their count
		// and the error reach the application log.
		l.log.Error("audit write failed", "entries", len(batch), "err", err)
	}
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
