package volunteers

import "context"

// ActivityNames names activities by id, for the ledger's rows where other
// pages list them (the national export's 活动名称).
func (s *Service) ActivityNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, title FROM volunteer_activities WHERE `, ids)
}
