package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// RateWithinDays is how long after serving in an activity a volunteer may
// rate it.
const RateWithinDays = 60

// ErrNotRateable answers an activity the resident did not serve in (check
// in), served too long ago, or already rated.
var ErrNotRateable = fault.New(fault.Refused, "这次活动无法评价(已评价、已超过60天或您未签到参加)")

// RateableActivity is an activity a volunteer served in, with their rating
// if they gave one.
type RateableActivity struct {
	CommunityID int64
	ID          int64
	Title       string
	On          string // the last day they served in it
	Score       int    // 0: not rated
}

// volunteerOf is the volunteer a register person is, 0 if none.
func volunteerOf(ctx context.Context, q database.Querier, community, person int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM volunteers WHERE community_id = $1 AND person_id = $2`, community, person).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// AttendedActivities lists the activities a register person served in as
// a volunteer (checked in) in the last RateWithinDays days, the latest
// first, for them to rate.
func (s *Service) AttendedActivities(ctx context.Context, community, person int64) ([]RateableActivity, error) {
	vol, err := volunteerOf(ctx, s.db, community, person)
	if err != nil || vol == 0 {
		return nil, err
	}
	since := s.now().In(workdays.Shanghai).AddDate(0, 0, -RateWithinDays).Format(database.DateLayout)
	rows, err := s.db.QueryContext(ctx, `SELECT a.community_id, a.id, MIN(a.title), MAX(sh.served_on), COALESCE(MAX(r.score), 0)
		FROM volunteer_signups su
		JOIN volunteer_shifts sh ON sh.community_id = su.community_id AND sh.id = su.shift_id
		JOIN volunteer_activities a ON a.community_id = su.community_id AND a.id = su.activity_id
		LEFT JOIN volunteer_activity_ratings r ON r.community_id = a.community_id AND r.activity_id = a.id AND r.volunteer_id = su.volunteer_id
		WHERE su.volunteer_id = $1 AND su.checked_in_at <> '' AND sh.served_on >= $2
		GROUP BY a.community_id, a.id ORDER BY MAX(sh.served_on) DESC, a.id DESC LIMIT 20`, vol, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RateableActivity
	for rows.Next() {
		var a RateableActivity
		if err := rows.Scan(&a.CommunityID, &a.ID, &a.Title, &a.On, &a.Score); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RateActivity records a volunteer's rating of an activity they served in:
// once, within RateWithinDays days of serving. activityCommunity is the
// activity's community; community and person are the resident's.
func (s *Service) RateActivity(ctx context.Context, community, person, activityCommunity, activity int64, score int, comment string) error {
	fe := fault.Fields{}
	if score < 1 || score > 5 {
		fe["score"] = "请选择1到5星"
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 200 {
		fe["comment"] = "评价请不超过200字"
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	since := now.In(workdays.Shanghai).AddDate(0, 0, -RateWithinDays).Format(database.DateLayout)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		vol, err := volunteerOf(ctx, tx, community, person)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_signups su
			JOIN volunteer_shifts sh ON sh.community_id = su.community_id AND sh.id = su.shift_id
			WHERE su.community_id = $1 AND su.activity_id = $2 AND su.volunteer_id = $3 AND su.checked_in_at <> ''
			AND sh.served_on >= $4`, activityCommunity, activity, vol, since).Scan(&n); err != nil {
			return err
		}
		if vol == 0 || n == 0 {
			return ErrNotRateable
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO volunteer_activity_ratings (community_id, id, activity_id, volunteer_id,
			score, comment, rated_at, rated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (community_id, activity_id, volunteer_id) DO NOTHING`,
			activityCommunity, database.NewID(), activity, vol, score, comment, database.FormatTime(now),
			now.In(workdays.Shanghai).Format(database.DateLayout))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return ErrNotRateable
		}
		return nil
	})
}

// ScanRatings calls fn with each rating (its own id) of an activity of a
// community given between from and to (YYYY-MM-DD, inclusive), for the 群众满意度
// figure.
func ScanRatings(ctx context.Context, q database.Querier, community int64, from, to string, fn func(id int64, on string, score int)) error {
	rows, err := q.QueryContext(ctx, `SELECT id, rated_on, score FROM volunteer_activity_ratings
		WHERE community_id = $1 AND rated_on >= $2 AND rated_on <= $3`, community, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var on string
		var score int
		if err := rows.Scan(&id, &on, &score); err != nil {
			return err
		}
		fn(id, on, score)
	}
	return rows.Err()
}
