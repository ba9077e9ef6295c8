package notify

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
)

// Channels a message can go by.
const (
	SMS = "sms"
)

// Statuses of a message in the outbox.
const (
	Pending = "pending"
	Sent    = "sent"
	Failed  = "failed"
)

// Message is one notification.
type Message struct {
	ID        int64  `json:"id"`
	Community int64  `json:"community_id"` // 0: none
	Key       string `json:"key"`          // idempotency key; "" makes one from the id. Keys and refs are logged: ids only, never phone numbers or names
	Channel   string `json:"channel"`      // SMS when empty
	To        string `json:"-"`            // phone number: never logged, never in JSON
	UserID    int64  `json:"user_id,omitempty"`
	Body      string `json:"-"`
	Ref       string `json:"ref,omitempty"` // what it is about: "event:123"

	Status    string    `json:"status,omitempty"`
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxBodyRunes bounds a message; long SMS are split by gateways into parts,
// and a notice that needs more than this belongs on a page, not in an SMS.
const MaxBodyRunes = 500

// Enqueue adds a message to the outbox through q — the caller's transaction,
// so the message is stored with the change it announces. A message whose
// key is already in the outbox (for its community) is not stored again.
func Enqueue(ctx context.Context, q database.Querier, m Message) error {
	if m.Channel == "" {
		m.Channel = SMS
	}
	if m.Channel != SMS {
		return errors.New("notify: unknown channel " + m.Channel)
	}
	m.To = strings.TrimSpace(m.To)
	if m.To == "" {
		return errors.New("notify: no recipient")
	}
	if strings.TrimSpace(m.Body) == "" {
		return errors.New("notify: empty message")
	}
	if utf8.RuneCountInString(m.Body) > MaxBodyRunes {
		return errors.New("notify: message longer than " + strconv.Itoa(MaxBodyRunes) + " characters")
	}
	if m.ID == 0 {
		m.ID = database.NewID()
	}
	if m.Key == "" {
		m.Key = "msg:" + strconv.FormatInt(m.ID, 10)
	}
	now := database.FormatTime(time.Now())
	var user any
	if m.UserID != 0 {
		user = m.UserID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO notify_outbox (community_id, id, idem_key, channel, recipient, user_id, body, ref,
		status, attempts, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9)
		ON CONFLICT (community_id, idem_key) DO NOTHING`,
		m.Community, m.ID, m.Key, m.Channel, m.To, user, m.Body, m.Ref, now)
	return err
}

// Counts returns how many messages are in each status.
func Counts(ctx context.Context, q database.Querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM notify_outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{Pending: 0, Sent: 0, Failed: 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// List returns the messages about a reference ("event:123"), oldest first,
// without recipients and texts.
func List(ctx context.Context, q database.Querier, ref string) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT community_id, id, idem_key, channel, COALESCE(user_id, 0), ref, status, attempts,
		last_error, created_at FROM notify_outbox WHERE ref = $1 ORDER BY created_at, id`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var created string
		if err := rows.Scan(&m.Community, &m.ID, &m.Key, &m.Channel, &m.UserID, &m.Ref, &m.Status, &m.Attempts,
			&m.LastError, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = database.ParseTime(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Requeue puts failed messages back in the queue to be tried at once,
// with their attempts reset; it returns how many.
func Requeue(ctx context.Context, q database.Querier) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE notify_outbox SET status = 'pending', attempts = 0, next_at = $1
		WHERE status = 'failed'`, database.FormatTime(time.Now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Prune deletes messages sent before a time; it returns how many.
func Prune(ctx context.Context, q database.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM notify_outbox WHERE status = 'sent' AND sent_at < $1`, database.FormatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
