package visits

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// RateWithinDays is how long after a visit its household may rate it: a
// rating given months later says little of the visit.
const RateWithinDays = 60

// ErrNotRateable answers a visit not of the resident's household, not met,
// too old, or already rated: the resident is told no more than that.
var ErrNotRateable = fault.New(fault.Refused, "这次走访无法评价(已评价、已超过60天或不是您家的走访)")

// RateableVisit is a visit the resident's household had, with its rating
// if one was given.
type RateableVisit struct {
	ID     int64
	On     string // the day visited
	Worker string // who visited
	Score  int    // 0: not rated
}

// HouseholdVisits lists the visits a household met in the last
// RateWithinDays days, the latest first, for its members to rate.
func (s *Service) HouseholdVisits(ctx context.Context, community, household int64) ([]RateableVisit, error) {
	if household == 0 {
		return nil, nil
	}
	since := s.now().In(workdays.Shanghai).AddDate(0, 0, -RateWithinDays).Format(database.DateLayout)
	rows, err := s.db.QueryContext(ctx, `SELECT v.id, v.visited_on, v.author, COALESCE(r.score, 0) FROM visits v
		LEFT JOIN visit_ratings r ON r.community_id = v.community_id AND r.visit_id = v.id
		WHERE v.community_id = $1 AND v.household_id = $2 AND v.outcome = 'met' AND v.visited_on >= $3
		ORDER BY v.visited_on DESC, v.id DESC LIMIT 20`, community, household, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RateableVisit
	for rows.Next() {
		var v RateableVisit
		if err := rows.Scan(&v.ID, &v.On, &v.Worker, &v.Score); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// checkScore reads a rating's stars and remark; the field names are the
// rating form's.
func checkScore(score int, comment string) (string, error) {
	fe := fault.Fields{}
	if score < 1 || score > 5 {
		fe["score"] = "请选择1到5星"
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 200 {
		fe["comment"] = "评价请不超过200字"
	}
	return comment, fe.Err()
}

// RateVisit records a household member's rating of a visit the household
// met: once per visit (the first member to rate speaks for the household),
// within RateWithinDays days.
func (s *Service) RateVisit(ctx context.Context, community, household, person, visit int64, score int, comment string) error {
	comment, err := checkScore(score, comment)
	if err != nil {
		return err
	}
	now := s.now()
	since := now.In(workdays.Shanghai).AddDate(0, 0, -RateWithinDays).Format(database.DateLayout)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM visits v WHERE v.community_id = $1 AND v.id = $2
			AND v.household_id = $3 AND v.outcome = 'met' AND v.visited_on >= $4
			AND NOT EXISTS (SELECT 1 FROM visit_ratings r WHERE r.community_id = v.community_id AND r.visit_id = v.id)`,
			community, visit, household, since).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 || household == 0 {
			return ErrNotRateable
		}
		// Two members rating at once: the key keeps the first.
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_ratings (community_id, visit_id, household_id, person_id, score,
			comment, rated_at, rated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (community_id, visit_id) DO NOTHING`,
			community, visit, household, person, score, comment, database.FormatTime(now),
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

// ScanRatings calls fn with each rating of a visit given in a community
// between from and to (YYYY-MM-DD, inclusive), for the 群众满意度 figure.
func ScanRatings(ctx context.Context, q database.Querier, community int64, from, to string, fn func(id int64, on string, score int)) error {
	rows, err := q.QueryContext(ctx, `SELECT visit_id, rated_on, score FROM visit_ratings
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
