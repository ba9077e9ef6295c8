package register

import "context"

// ActiveHouseholds counts the active households of every community at or
// below unit, by community id; a community without one is absent. The
// 费随事转 ledger pays per household by these counts. They are read from
// community_households, which triggers keep as households are written
// (migration 065), not counted row by row: a city has millions.
func (s *Store) ActiveHouseholds(ctx context.Context, unit int64) (map[int64]int, error) {
	return s.db.CountByID(ctx, `SELECT h.community_id, h.active FROM community_households h
		WHERE h.active > 0 AND h.community_id IN (SELECT c.unit_id FROM org_closure c WHERE c.ancestor_id = $1)`, unit)
}
