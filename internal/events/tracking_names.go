package events

import "context"

// TrackingNos returns id → tracking number (受理号) of the events among
// ids: how the audit page names an event, without its reporter's words.
func (s *Store) TrackingNos(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, tracking_no FROM events WHERE `, ids)
}
