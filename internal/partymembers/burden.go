package partymembers

import (
	"context"

	"shequ/internal/database"
)

// DoneByMonth counts the community staff's acts of 在职党员双报到 in the
// months from..to (YYYY-MM) by month and community, of the communities
// named: each registration (报到) and each six-monthly re-report recorded,
// by the day reported; each 微心愿 recorded (the day posted, cancelled
// later or not: the staff did record it) and each confirmed fulfilled (the
// day confirmed); each employer's card or yearly evaluation sent (the day
// of its first sending — re-prints are not new work). Each act is one row
// of its own table, so none counts twice. The burden dashboard (社区负担)
// and the 费随事转 ledger count them as the work done of the catalogue's
// party item (workaccess.DoneCounter). The members' own service is not
// the staff's work and is not counted here (it is DY03's service hours).
func (s *Service) DoneByMonth(ctx context.Context, communities []int64, from, to string) (map[string]map[int64]int, error) {
	if len(communities) == 0 {
		return map[string]map[int64]int{}, nil
	}
	a := s.db.Args(from+"-01", to+"-31")
	in := func(col string) string { return a.In(col, database.AnyOf(communities)...) }
	return s.db.CountByMonthAndID(ctx, `SELECT SUBSTR(day, 1, 7), community_id, COUNT(*) FROM (
		SELECT reported_on AS day, community_id FROM party_member_reports
			WHERE reported_on >= $1 AND reported_on <= $2 AND `+in("community_id")+`
		UNION ALL
		SELECT posted_on, community_id FROM party_wishes
			WHERE posted_on >= $1 AND posted_on <= $2 AND `+in("community_id")+`
		UNION ALL
		SELECT confirmed_on, community_id FROM party_wishes
			WHERE status = 'confirmed' AND confirmed_on >= $1 AND confirmed_on <= $2 AND `+in("community_id")+`
		UNION ALL
		SELECT sent_on, community_id FROM party_cards_sent
			WHERE sent_on >= $1 AND sent_on <= $2 AND `+in("community_id")+`
		) acts GROUP BY SUBSTR(day, 1, 7), community_id`, a.Values()...)
}
