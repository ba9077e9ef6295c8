package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
)

// Filter selects audit entries. Zero fields do not filter.
type Filter struct {
	UserName string
	Action   string
	Entity   string
	EntityID int64
	From, To string // dates, YYYY-MM-DD, inclusive
	Before   int64  // entries with a smaller id: the next page
	Limit    int
}

// Query returns entries newest first, and whether there are more.
func (l *Log) Query(ctx context.Context, f Filter) ([]Entry, bool, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var conds []string
	a := l.db.Args()
	add := func(cond string, v any) { conds = append(conds, cond+a.Arg(v)) }
	if f.UserName != "" {
		add("user_name = ", f.UserName)
	}
	if f.Action != "" {
		add("action = ", f.Action)
	}
	if f.Entity != "" {
		add("entity = ", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ", f.EntityID)
	}
	if f.From != "" {
		add("at >= ", f.From)
	}
	if f.To != "" {
		add("at <= ", database.EndOfDay(f.To))
	}
	if f.Before != 0 {
		add("id < ", f.Before)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, addr, action, entity,
		COALESCE(entity_id, 0), COALESCE(community_id, 0), route, status, COALESCE(rows, -1), detail
		FROM audit_log`+where+fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit+1), a.Values()...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Addr, &e.Action, &e.Entity, &e.EntityID,
			&e.CommunityID, &e.Route, &e.Status, &e.Rows, &e.Detail); err != nil {
			return nil, false, err
		}
		e.At = database.ParseTime(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// Count counts entries of an action since t, for the throttle and tests.
func (l *Log) Count(ctx context.Context, action string, since time.Time) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND at >= $2`,
		action, database.FormatTime(since)).Scan(&n)
	return n, err
}
