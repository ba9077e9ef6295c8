package exports

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// Subscriber is a system pulling the change feed: the user its token acts
// for and the one grant the token is limited to (0: all the user's
// grants). A department's system has a token limited to the department's
// grant, and so a cursor of its own.
type Subscriber struct {
	UserID  int64
	GrantID int64
}

// Pull returns what changed in sc since the subscriber last confirmed, at
// most limit changes, and the cursor to confirm once they are processed.
// ack, when given, first confirms a cursor of an earlier answer; what was
// handed out but never confirmed comes again (at least once). A cursor
// beyond what was handed out is refused.
func (s *Service) Pull(ctx context.Context, sub Subscriber, sc access.Scope, ack *int64, limit int) ([]register.Change, int64, error) {
	var acked, sent int64
	err := s.db.QueryRowContext(ctx, `SELECT acked, sent FROM feed_cursors WHERE user_id = $1 AND grant_id = $2`,
		sub.UserID, sub.GrantID).Scan(&acked, &sent)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, err
	}
	if ack != nil {
		if *ack < 0 || *ack > sent {
			return nil, 0, fault.Fields{"ack": "ack 应为之前某次返回的 cursor"}
		}
		acked = max(acked, *ack)
	}
	changes, next, err := s.reg.Feed(ctx, sc, acked, limit)
	if err != nil {
		return nil, 0, err
	}
	sent = max(sent, next)
	_, err = s.db.ExecContext(ctx, `INSERT INTO feed_cursors (user_id, grant_id, acked, sent, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, grant_id) DO UPDATE SET
		acked = CASE WHEN excluded.acked > feed_cursors.acked THEN excluded.acked ELSE feed_cursors.acked END,
		sent = CASE WHEN excluded.sent > feed_cursors.sent THEN excluded.sent ELSE feed_cursors.sent END,
		updated_at = excluded.updated_at`,
		sub.UserID, sub.GrantID, acked, sent, database.FormatTime(s.now()))
	return changes, next, err
}
