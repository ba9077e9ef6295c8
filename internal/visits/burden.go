package visits

import (
	"context"

	"shequ/internal/database"
)

// DoneInMonth counts the visits made in a month (YYYY-MM) in each
// community (nil: all), where someone was met and where no one was: both
// are work done, for the burden dashboard (社区负担) to count beside the
// work asked of the community.
func (s *Service) DoneInMonth(ctx context.Context, communities []int64, month string) (map[int64]int, error) {
	a := s.db.Args(month+"-01", month+"-31")
	where := ""
	if communities != nil {
		where = " AND " + a.In("community_id", database.AnyOf(communities)...)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT community_id, COUNT(*) FROM visits
		WHERE visited_on >= $1 AND visited_on <= $2`+where+` GROUP BY community_id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var c int64
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
