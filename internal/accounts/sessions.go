package accounts

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// in any case after MaxAge.
const (
	IdleTimeout = 30 * time.Minute
	MaxAge      = 12 * time.Hour
)

// Session is a logged-in browser.
type Session struct {
	Token string // the cookie value; only its hash is stored
	CSRF  string
	User  User
}

// ErrNoSession means the cookie names no live session.
var ErrNoSession = fault.New(fault.Unauthorized, "会话已过期,请重新登录")

// StartSession opens a new session for u; a fresh token at every login
// rotates the session identifier.
func (s *Store) StartSession(ctx context.Context, u User) (Session, error) {
	now := s.now()
	sess := Session{Token: randomToken(32), CSRF: randomToken(24), User: u}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, sha(sess.Token), u.ID, sess.CSRF, database.FormatTime(now),
		database.FormatTime(now.Add(MaxAge)))
	return sess, err
}

// Session finds the live session for a cookie value and marks it seen.
func (s *Store) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	now := s.now()
	var sess Session
	var seen, expires string
	var disabled, must int
	if len(token) > 100 {
		return Session{}, ErrNoSession
	}
	err := s.db.QueryRowContext(ctx, `SELECT s.csrf, s.seen_at, s.expires_at, u.id, u.name, u.display_name,
		COALESCE(u.org_id, 0), u.disabled, u.created_at, u.must_change_password
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, sha(token)).
		Scan(&sess.CSRF, &seen, &expires, &sess.User.ID, &sess.User.Name, &sess.User.DisplayName,
			&sess.User.OrgID, &disabled, &sess.User.CreatedAt, &must)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	if disabled != 0 || now.After(database.ParseTime(expires)) || now.Sub(database.ParseTime(seen)) > IdleTimeout {
		s.EndSession(ctx, token)
		return Session{}, ErrNoSession
	}
	// Writing seen_at on every request would serialise reads behind SQLite's
	// single writer; once a minute is precise enough for an idle timeout.
	if now.Sub(database.ParseTime(seen)) > time.Minute {
		s.db.ExecContext(ctx, `UPDATE sessions SET seen_at = $1 WHERE id_hash = $2`, database.FormatTime(now), sha(token))
	}
	sess.Token = token
	sess.User.MustChangePassword = must != 0
	return sess, nil
}

// EndSession logs a session out.
func (s *Store) EndSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, sha(token))
	return err
}
