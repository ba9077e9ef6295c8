package volunteers

import (
	"context"

	"shequ/internal/database"
)

// DoneByMonth counts the volunteer activities held in the months from..to
// (YYYY-MM) by month and community, of the communities named: a shift of
// an activity not cancelled, with at least one volunteer checked in, on
// its day — the same shifts the report entity 志愿服务活动 counts. Service
// and training alike: organising either is the community staff's work,
// which the burden dashboard (社区负担) and the 费随事转 ledger count as the
// work done of the catalogue's volunteer item (workaccess.DoneCounter).
// The volunteers' hours are not the staff's work and are not counted.
func (s *Service) DoneByMonth(ctx context.Context, communities []int64, from, to string) (map[string]map[int64]int, error) {
	if len(communities) == 0 {
		return map[string]map[int64]int{}, nil
	}
	a := s.db.Args(from+"-01", to+"-31")
	return s.db.CountByMonthAndID(ctx, `SELECT SUBSTR(sh.served_on, 1, 7), sh.community_id, COUNT(*) FROM volunteer_shifts sh
		JOIN volunteer_activities a ON a.community_id = sh.community_id AND a.id = sh.activity_id
		WHERE sh.served_on >= $1 AND sh.served_on <= $2 AND `+a.In("sh.community_id", database.AnyOf(communities)...)+`
		AND a.status = 'open' AND EXISTS (SELECT 1 FROM volunteer_signups u WHERE u.community_id = sh.community_id
			AND u.shift_id = sh.id AND u.checked_in_at <> '')
		GROUP BY SUBSTR(sh.served_on, 1, 7), sh.community_id`, a.Values()...)
}
