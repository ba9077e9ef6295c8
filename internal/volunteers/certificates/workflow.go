package certificates

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/verifycode"
)

// conflict is a change made on a version someone else changed meanwhile.
func conflict() error {
	return fault.New(fault.Conflict, "这份证明已被他人更新,请刷新页面后再操作")
}

// change runs fn on a certificate in the staff's scope, inside one
// transaction, after checking its version and that its state is one of
// states; fn's changes are then stamped with the next version.
func (s *Service) change(ctx context.Context, v *access.Viewer, id int64, version int, states []string, wrong string,
	fn func(tx *sql.Tx, c *Certificate) error) (*Certificate, error) {
	c, err := s.Get(ctx, v.Scope(PermIssue), id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(states, c.Status) {
		return nil, fault.New(fault.Illegal, fmt.Sprintf("这份证明%s,%s", StatusNames[c.Status], wrong))
	}
	if c.Version != version {
		return nil, conflict()
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockVolunteer(ctx, tx, c.VolunteerID); err != nil {
			return err
		}
		if err := fn(tx, &c); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE volunteer_certificates SET version = version + 1, updated_at = $1,
			updated_by = $2 WHERE community_id = $3 AND id = $4 AND version = $5`,
			database.FormatTime(s.now()), v.Name, c.CommunityID, c.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.Version = version + 1
	return &c, nil
}

// Publish puts a request on public notice (公示) from today for
// NoticeDays days, copying the service rows it counts. Publishing a
// certificate already in notice again (after the ledger changed) copies
// the rows anew and starts the notice over.
func (s *Service) Publish(ctx context.Context, v *access.Viewer, id int64, version int) (*Certificate, error) {
	return s.change(ctx, v, id, version, []string{StatusRequested, StatusNotice}, "不能公示",
		func(tx *sql.Tx, c *Certificate) error {
			rows, err := serviceRows(ctx, tx, c.VolunteerID, c.From, c.To)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return fault.New(fault.Refused, "该期间已没有志愿服务时长记录(可能已被更正),不能公示,请不予出具")
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM volunteer_certificate_rows WHERE community_id = $1 AND certificate_id = $2`,
				c.CommunityID, c.ID); err != nil {
				return err
			}
			for _, r := range rows {
				if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_certificate_rows (community_id, certificate_id, hours_id,
					served_on, minutes, content, team) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
					c.CommunityID, c.ID, r.HoursID, r.ServedOn, r.Minutes, r.Content, r.Team); err != nil {
					return err
				}
			}
			c.Minutes, c.Records, c.Content = summarise(rows)
			c.Status, c.PublishedOn, c.PublishedBy = StatusNotice, s.today(), v.Name
			c.NoticeUntil = addDays(c.PublishedOn, NoticeDays-1)
			if _, err := tx.ExecContext(ctx, `UPDATE volunteer_certificates SET status = $1, minutes = $2, records = $3,
				content = $4, published_on = $5, notice_until = $6, published_by = $7 WHERE community_id = $8 AND id = $9`,
				c.Status, c.Minutes, c.Records, c.Content, c.PublishedOn, c.NoticeUntil, c.PublishedBy, c.CommunityID,
				c.ID); err != nil {
				return err
			}
			return s.step(ctx, tx, c, "published", fmt.Sprintf("公示期 %s 至 %s,%s小时", c.PublishedOn, c.NoticeUntil,
				c.Hours()), v.Name)
		})
}

// Issue issues a certificate whose notice has ended with no objection
// open: it is numbered (城北志证〔2026〕0001号, per community and year),
// given a verification code, and names the community as issuer and the
// viewer as handler (经办人). Its hours are those published; if the ledger
// changed since, issue is refused until it is published again.
func (s *Service) Issue(ctx context.Context, v *access.Viewer, id int64, version int) (*Certificate, error) {
	key, err := s.codeKey.Get(ctx)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, v, id, version, []string{StatusNotice}, "只有公示期满的证明才能出具",
		func(tx *sql.Tx, c *Certificate) error {
			today := s.today()
			if today <= c.NoticeUntil {
				return fault.New(fault.Refused, fmt.Sprintf("公示期未满:公示期为%s至%s(%d天),%s起方可出具证明",
					chineseDate(c.PublishedOn), chineseDate(c.NoticeUntil), NoticeDays, chineseDate(c.IssuableOn())))
			}
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_certificate_objections
				WHERE community_id = $1 AND certificate_id = $2 AND status = 'open'`, c.CommunityID, c.ID).Scan(&open); err != nil {
				return err
			}
			if open > 0 {
				return fault.New(fault.Refused, fmt.Sprintf("有%d条异议尚未处理:异议处理完毕(不成立)后方可出具证明", open))
			}
			if err := s.unchanged(ctx, tx, c); err != nil {
				return err
			}
			if err := overlapping(ctx, tx, c.VolunteerID, c.ID, c.From, c.To); err != nil {
				return fault.New(fault.Refused, fault.FieldsOf(err)["from"])
			}
			community, err := s.org.Get(ctx, c.CommunityID)
			if err != nil {
				return err
			}
			code, err := verifycode.New(key)
			if err != nil {
				return err
			}
			year, _ := strconv.Atoi(today[:4])
			var seq int
			if err := tx.QueryRowContext(ctx, `INSERT INTO volunteer_certificate_counters (community_id, year, last)
				VALUES ($1, $2, 1) ON CONFLICT (community_id, year) DO UPDATE SET last = volunteer_certificate_counters.last + 1
				RETURNING last`, c.CommunityID, year).Scan(&seq); err != nil {
				return err
			}
			c.Number = fmt.Sprintf("%s志证〔%d〕%04d号", strings.TrimSuffix(community.Name, "社区"), year, seq)
			c.VerifyCode, c.Organ, c.Handler, c.IssuedOn = code, community.Name+"居民委员会", v.Name, today
			c.Status = StatusIssued
			if _, err := tx.ExecContext(ctx, `UPDATE volunteer_certificates SET status = $1, number = $2, verify_code = $3,
				organ = $4, handler = $5, issued_on = $6, issued_at = $7 WHERE community_id = $8 AND id = $9`,
				c.Status, c.Number, c.VerifyCode, c.Organ, c.Handler, c.IssuedOn, database.FormatTime(s.now()),
				c.CommunityID, c.ID); err != nil {
				return err
			}
			return s.step(ctx, tx, c, "issued", c.Number, v.Name)
		})
}

// unchanged refuses to issue a certificate whose rows the ledger no
// longer has as published (a row reversed or added in the period).
func (s *Service) unchanged(ctx context.Context, tx *sql.Tx, c *Certificate) error {
	now, err := serviceRows(ctx, tx, c.VolunteerID, c.From, c.To)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT hours_id, minutes FROM volunteer_certificate_rows
		WHERE community_id = $1 AND certificate_id = $2 ORDER BY hours_id`, c.CommunityID, c.ID)
	if err != nil {
		return err
	}
	published := map[int64]int{}
	for rows.Next() {
		var id int64
		var m int
		if err := rows.Scan(&id, &m); err != nil {
			rows.Close()
			return err
		}
		published[id] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	same := len(now) == len(published)
	minutes := 0
	for _, r := range now {
		minutes += r.Minutes
		if m, ok := published[r.HoursID]; !ok || m != r.Minutes {
			same = false
		}
	}
	if !same {
		return fault.New(fault.Refused, fmt.Sprintf("公示后该期间的服务时长记录有变动(公示%s小时,现为%s小时):请重新公示后再出具",
			c.Hours(), Hours(minutes)))
	}
	return nil
}

// closeReason checks a reason for refusing or revoking.
func closeReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", fault.Fields{"reason": "请填写原因"}
	case len([]rune(reason)) > 200:
		return "", fault.Fields{"reason": "原因请不超过200字"}
	}
	return reason, nil
}

// Refuse closes a request or a notice without a certificate (不予出具):
// its period is free again.
func (s *Service) Refuse(ctx context.Context, v *access.Viewer, id int64, version int, reason string) (*Certificate, error) {
	reason, err := closeReason(reason)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, v, id, version, []string{StatusRequested, StatusNotice}, "不能再作不予出具处理",
		func(tx *sql.Tx, c *Certificate) error {
			return s.close(ctx, tx, c, StatusRefused, reason, "refused", v.Name)
		})
}

// Revoke withdraws an issued certificate (作废); the verify page then says
// so, and its period is free again.
func (s *Service) Revoke(ctx context.Context, v *access.Viewer, id int64, version int, reason string) (*Certificate, error) {
	reason, err := closeReason(reason)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, v, id, version, []string{StatusIssued}, "只有已出具的证明才能作废",
		func(tx *sql.Tx, c *Certificate) error {
			return s.close(ctx, tx, c, StatusRevoked, reason, "revoked", v.Name)
		})
}

func (s *Service) close(ctx context.Context, tx *sql.Tx, c *Certificate, status, reason, action, by string) error {
	c.Status, c.ClosedReason, c.ClosedAt = status, reason, database.FormatTime(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE volunteer_certificates SET status = $1, closed_reason = $2, closed_at = $3
		WHERE community_id = $4 AND id = $5`, c.Status, c.ClosedReason, c.ClosedAt, c.CommunityID, c.ID); err != nil {
		return err
	}
	return s.step(ctx, tx, c, action, reason, by)
}
