package proposals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"shequ/internal/notify"
)

// A resident who proposed a matter is told by SMS, through the outbox and
// in the transaction of the change, when the committee approves or rejects
// it (with the reason) and when it records the decision. The text names
// the community and the matter's title, which the proposer wrote, and
// nothing of anyone else. Committee matters have no one to tell.

// notice is the SMS of an event in a matter's life; kind keys it in the
// outbox so a retried step is not announced twice.
func (s *Service) notice(ctx context.Context, tx *sql.Tx, m Matter, kind, body string) error {
	if m.ProposerKind != "resident" {
		return nil
	}
	var phone, community string
	err := tx.QueryRowContext(ctx, `SELECT p.phone, COALESCE(u.name, '') FROM proposals m
		JOIN persons p ON p.community_id = m.community_id AND p.id = m.proposer_person_id
		LEFT JOIN org_units u ON u.id = m.community_id
		WHERE m.community_id = $1 AND m.id = $2`, m.CommunityID, m.ID).Scan(&phone, &community)
	if errors.Is(err, sql.ErrNoRows) || err == nil && phone == "" {
		return nil // the person left the register or has no phone
	}
	if err != nil {
		return err
	}
	ref := fmt.Sprintf("proposal:%d", m.ID)
	return notify.Enqueue(ctx, tx, notify.Message{Community: m.CommunityID, Key: ref + ":" + kind, To: phone, Ref: ref,
		Body: fmt.Sprintf("【%s】您提出的议题“%s”%s", community, shortTitle(m.Title), body)})
}

func shortTitle(t string) string {
	if utf8.RuneCountInString(t) > 20 {
		return string([]rune(t)[:19]) + "…"
	}
	return t
}

// stepAndTell takes a step and enqueues the proposer's notice with it.
func (s *Service) stepAndTell(ctx context.Context, m Matter, version int, to, staff, kind, body, set string, args ...any) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.step(ctx, tx, m, version, to, staff, set, args...); err != nil {
			return err
		}
		return s.notice(ctx, tx, m, kind, body)
	})
}
