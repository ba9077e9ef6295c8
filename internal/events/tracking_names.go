package events

import "context"

// TrackingNos returns id → tracking number (受理号) of the events among
// ids: how the audit page names an event, without its reporter's words.
func (s *Store) TrackingNos(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	a := s.db.Args()
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, tracking_no FROM events WHERE `+a.In("id", in...), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var no string
		if err := rows.Scan(&id, &no); err != nil {
			return nil, err
		}
		out[id] = no
	}
	return out, rows.Err()
}
