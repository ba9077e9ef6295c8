package database

import "context"

// CountByID runs query — "SELECT id, <count> FROM …" — and returns id →
// count: the grouped counts per community or unit that dashboards read in
// one query for many communities.
func (db *DB) CountByID(ctx context.Context, query string, args ...any) (map[int64]int, error) {
	rows, err := db.QueryContext(ctx, query, args...)
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
