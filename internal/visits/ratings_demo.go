package visits

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// demoScore is a rating as residents give them: mostly 4 and 5, a few
// middling, now and then a poor one.
func demoScore(rng *rand.Rand) int {
	switch r := rng.IntN(100); {
	case r < 55:
		return 5
	case r < 85:
		return 4
	case r < 94:
		return 3
	case r < 98:
		return 2
	}
	return 1
}

var demoVisitComments = []string{"", "", "", "网格员很耐心,问得仔细", "帮我们反映的问题已经解决了", "来得及时,谢谢",
	"希望下次提前打个电话", "走访时间太短了"}

// LoadRatingsDemo has a community's households rate about one in eight of
// the visits they met over the last year, a few days after each, by one of
// their members. It does nothing when the community already has some.
func LoadRatingsDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM visit_ratings WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed^0x5a715, seed))
	since := now.In(workdays.Shanghai).AddDate(-1, 0, 0).Format(database.DateLayout)
	type visit struct {
		id, household, person int64
		on                    string
	}
	// The household's first member speaks for it: one grouped read of the
	// members, joined here, as the join in SQL had SQLite's planner walk
	// the community's persons once for every visit.
	first := map[int64]int64{}
	rows, err := db.QueryContext(ctx, `SELECT household_id, MIN(id) FROM persons
		WHERE community_id = $1 AND household_id IS NOT NULL GROUP BY household_id`, community)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var h, p int64
		if err := rows.Scan(&h, &p); err != nil {
			rows.Close()
			return 0, err
		}
		first[h] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var vs []visit
	rows, err = db.QueryContext(ctx, `SELECT v.id, v.household_id, v.visited_on FROM visits v
		WHERE v.community_id = $1 AND v.outcome = 'met' AND v.visited_on >= $2 ORDER BY v.id`, community, since)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var v visit
		if err := rows.Scan(&v.id, &v.household, &v.on); err != nil {
			rows.Close()
			return 0, err
		}
		if v.person = first[v.household]; v.person != 0 {
			vs = append(vs, v)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		for _, v := range vs {
			if rng.IntN(8) != 0 {
				continue
			}
			day, _ := time.ParseInLocation(database.DateLayout, v.on, workdays.Shanghai)
			at := day.AddDate(0, 0, rng.IntN(5)).Add(time.Duration(9*60+rng.IntN(11*60)) * time.Minute)
			if at.After(now) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_ratings (community_id, visit_id, household_id, person_id, score,
				comment, rated_at, rated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, community, v.id, v.household, v.person,
				demoScore(rng), demoVisitComments[rng.IntN(len(demoVisitComments))], database.FormatTime(at),
				at.In(workdays.Shanghai).Format(database.DateLayout)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
