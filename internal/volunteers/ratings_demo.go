package volunteers

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

var demoActivityComments = []string{"", "", "组织得很好", "分工清楚,下次还来", "物资准备得不够", "时间安排有点紧"}

// LoadRatingsDemo has the volunteers of a community rate about two in five
// of the activities they served in, the day after. It does nothing when
// the community already has some.
func LoadRatingsDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_activity_ratings WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed^0xac71, seed))
	type served struct {
		activity, volunteer int64
		on                  string
	}
	var ss []served
	rows, err := db.QueryContext(ctx, `SELECT su.activity_id, su.volunteer_id, MAX(sh.served_on) FROM volunteer_signups su
		JOIN volunteer_shifts sh ON sh.community_id = su.community_id AND sh.id = su.shift_id
		WHERE su.community_id = $1 AND su.checked_in_at <> ''
		GROUP BY su.activity_id, su.volunteer_id ORDER BY su.activity_id, su.volunteer_id`, community)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var s served
		if err := rows.Scan(&s.activity, &s.volunteer, &s.on); err != nil {
			rows.Close()
			return 0, err
		}
		ss = append(ss, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		for _, s := range ss {
			if rng.IntN(5) >= 2 {
				continue
			}
			day, _ := time.ParseInLocation(database.DateLayout, s.on, workdays.Shanghai)
			at := day.AddDate(0, 0, 1).Add(time.Duration(8*60+rng.IntN(13*60)) * time.Minute)
			if at.After(now) {
				continue
			}
			score := 5
			switch r := rng.IntN(100); {
			case r < 30:
				score = 4
			case r < 38:
				score = 3
			case r < 41:
				score = 2
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_activity_ratings (community_id, id, activity_id, volunteer_id,
				score, comment, rated_at, rated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, community, database.NewID(),
				s.activity, s.volunteer, score, demoActivityComments[rng.IntN(len(demoActivityComments))],
				database.FormatTime(at), at.In(workdays.Shanghai).Format(database.DateLayout)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
