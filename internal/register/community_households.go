package register

import "context"

// ActiveHouseholds counts the active households of every community at or
// below unit, by community id; a community without one is absent. The
// 费随事转 ledger pays per household by these counts.
func (s *Store) ActiveHouseholds(ctx context.Context, unit int64) (map[int64]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.community_id, COUNT(*) FROM households h
		WHERE h.status = 'active' AND h.community_id IN (SELECT c.unit_id FROM org_closure c WHERE c.ancestor_id = $1)
		GROUP BY h.community_id`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
