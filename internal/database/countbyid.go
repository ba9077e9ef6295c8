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

// CountByMonthAndID runs query — "SELECT <YYYY-MM>, id, <count> FROM …" —
// and returns month → id → count: the work done per month and community
// that the burden dashboard reads from each capability's records.
func (db *DB) CountByMonthAndID(ctx context.Context, query string, args ...any) (map[string]map[int64]int, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[int64]int{}
	for rows.Next() {
		var month string
		var id int64
		var n int
		if err := rows.Scan(&month, &id, &n); err != nil {
			return nil, err
		}
		if out[month] == nil {
			out[month] = map[int64]int{}
		}
		out[month][id] = n
	}
	return out, rows.Err()
}
