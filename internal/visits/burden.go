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
	return s.db.CountByID(ctx, `SELECT community_id, COUNT(*) FROM visits
		WHERE visited_on >= $1 AND visited_on <= $2`+where+` GROUP BY community_id`, a.Values()...)
}

// DoneByMonth counts the visits made in the months from..to (YYYY-MM) by
// month and community, of the communities named: one grouped read through
// the visits' index by community and day. The burden dashboard and the
// 费随事转 ledger count them as the work done of the catalogue's visit
// item (workaccess.VisitsDone).
func (s *Service) DoneByMonth(ctx context.Context, communities []int64, from, to string) (map[string]map[int64]int, error) {
	if len(communities) == 0 {
		return map[string]map[int64]int{}, nil
	}
	a := s.db.Args(from+"-01", to+"-31")
	return s.db.CountByMonthAndID(ctx, `SELECT SUBSTR(visited_on, 1, 7), community_id, COUNT(*) FROM visits
		WHERE visited_on >= $1 AND visited_on <= $2 AND `+a.In("community_id", database.AnyOf(communities)...)+`
		GROUP BY SUBSTR(visited_on, 1, 7), community_id`, a.Values()...)
}
