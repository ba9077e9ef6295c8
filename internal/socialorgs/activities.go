package socialorgs

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Activity is an organisation's activity.
type Activity struct {
	ID           int64   `json:"id"`
	OrgID        int64   `json:"org_id"`
	HeldOn       string  `json:"held_on"`
	Title        string  `json:"title"`
	Place        string  `json:"place,omitempty"`
	Participants int     `json:"participants"`
	PersonIDs    []int64 `json:"-"` // the members who took part, when recorded
}

// Record records an activity held: a count of participants, or the
// members who took part (then the count is theirs).
func (s *Service) Record(ctx context.Context, st Staff, org int64, a Activity) (Activity, error) {
	o, err := s.Org(ctx, st, org)
	if err != nil {
		return a, err
	}
	fe := fault.Fields{}
	a.Title, a.Place, a.HeldOn = strings.TrimSpace(a.Title), strings.TrimSpace(a.Place), strings.TrimSpace(a.HeldOn)
	if a.Title == "" || utf8.RuneCountInString(a.Title) > 80 {
		fe.Add("title", "请填写活动名称(80字以内)")
	}
	if utf8.RuneCountInString(a.Place) > 80 {
		fe.Add("place", "活动地点请在80字以内")
	}
	if !date(a.HeldOn) {
		fe.Add("held_on", "请填写活动日期,如 2026-03-01")
	} else if a.HeldOn > s.today() {
		fe.Add("held_on", "只能记录已举行的活动,日期不能晚于今天")
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, id := range a.PersonIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	a.PersonIDs = ids
	if len(ids) > 0 {
		a.Participants = len(ids)
	}
	if a.Participants <= 0 || a.Participants > 100000 {
		fe.Add("participants", "请填写参加人数,或勾选参加的成员")
	}
	if err := fe.Err(); err != nil {
		return a, err
	}
	a.ID, a.OrgID = database.NewID(), org
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range ids {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_org_members WHERE community_id = $1
				AND org_id = $2 AND person_id = $3 AND joined_on <= $4 AND (left_on = '' OR left_on >= $4)`,
				o.CommunityID, org, p, a.HeldOn).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fault.Fields{"members": "参加的成员须是活动当日在册的成员"}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO social_org_activity_members (community_id, activity_id, person_id)
				VALUES ($1, $2, $3)`, o.CommunityID, a.ID, p); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO social_org_activities (community_id, id, org_id, held_on, title, place,
			participants, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			o.CommunityID, a.ID, org, a.HeldOn, a.Title, a.Place, a.Participants, database.FormatTime(s.now()), st.Name)
		return err
	})
	return a, err
}

// Activities are an organisation's activities of a year (0: all), newest
// first.
func (s *Service) Activities(ctx context.Context, st Staff, org int64, year int) ([]Activity, error) {
	o, err := s.Org(ctx, st, org)
	if err != nil {
		return nil, err
	}
	from, to := "0000", "9999"
	if year > 0 {
		from, to = yearDay(year, "-01-01"), yearDay(year, "-12-31")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, org_id, held_on, title, place, participants FROM social_org_activities
		WHERE community_id = $1 AND org_id = $2 AND held_on >= $3 AND held_on <= $4 ORDER BY held_on DESC, id DESC`,
		o.CommunityID, org, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		var a Activity
		if err := rows.Scan(&a.ID, &a.OrgID, &a.HeldOn, &a.Title, &a.Place, &a.Participants); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func yearDay(year int, md string) string {
	b := []byte("0000")
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + year%10)
		year /= 10
	}
	return string(b) + md
}
