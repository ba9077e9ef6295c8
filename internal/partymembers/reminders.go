package partymembers

import (
	"context"
	"database/sql"

	"shequ/internal/database"
	"shequ/internal/notify"
)

// Reminded counts what a reminder pass did.
type Reminded struct {
	Reminders int // members reminded of their due day
	SMS       int // of them, by an SMS in the outbox
	Overdue   int // members past their due day (in every community)
}

// Remind is the daily pass of the re-reports: every active member whose
// due day is RemindBefore days away or already past gets one reminder for
// that due day — a row in party_reminders, and an SMS through the outbox
// when they left a phone. It may run any number of times a day: the row's
// key and the message's idempotency key make a second run send nothing.
// The community's staff see the same members on their workbench and the
// list.
func (s *Service) Remind(ctx context.Context) (Reminded, error) {
	var out Reminded
	today := s.today()
	horizon := addDays(today, RemindBefore)
	type due struct {
		community, id          int64
		name, phone, due, unit string
	}
	rows, err := s.db.QueryContext(ctx, `SELECT m.community_id, m.id, p.name, m.phone, m.next_due_on, o.name
		FROM party_members m JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
		JOIN org_units o ON o.id = m.community_id
		WHERE m.status = 'active' AND m.next_due_on <= $1 AND NOT EXISTS (SELECT 1 FROM party_reminders r
			WHERE r.community_id = m.community_id AND r.member_id = m.id AND r.due_on = m.next_due_on)
		ORDER BY m.community_id, m.id`, horizon)
	if err != nil {
		return out, err
	}
	var todo []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.community, &d.id, &d.name, &d.phone, &d.due, &d.unit); err != nil {
			rows.Close()
			return out, err
		}
		todo = append(todo, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	sentAt := database.FormatTime(s.now())
	for _, d := range todo {
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			sms := d.phone != ""
			res, err := tx.ExecContext(ctx, `INSERT INTO party_reminders (community_id, member_id, due_on, sent_at, sms)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, member_id, due_on) DO NOTHING`,
				d.community, d.id, d.due, sentAt, boolInt(sms))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another pass reminded them meanwhile
			}
			out.Reminders++
			if !sms {
				return nil
			}
			text := "【" + d.unit + "】" + d.name + "同志:您在本社区的在职党员每半年报到"
			if d.due < today {
				text += "已于 " + d.due + " 到期,请尽快到社区报到。"
			} else {
				text += "将于 " + d.due + " 到期,请按时到社区报到。"
			}
			out.SMS++
			return notify.Enqueue(ctx, tx, notify.Message{Community: d.community,
				Key: "party:" + itoa(d.id) + ":due:" + d.due, To: d.phone, Body: text, Ref: "party_member:" + itoa(d.id)})
		})
		if err != nil {
			return out, err
		}
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_members WHERE status = 'active' AND next_due_on < $1`, today).
		Scan(&out.Overdue)
	return out, err
}

// RemindedOn returns the day a member was reminded of their current due
// day, "" if not yet.
func (s *Service) RemindedOn(ctx context.Context, m Member) (string, error) {
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT sent_at FROM party_reminders WHERE community_id = $1 AND member_id = $2
		AND due_on = $3`, m.CommunityID, m.ID, m.NextDueOn).Scan(&at)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return at, err
}
