package database

import "context"

// TextByID runs query — "SELECT id, <text> FROM <table> WHERE " — over the
// distinct non-zero ids and returns id → text: how the capabilities name
// records for a page (units, organisations, tracking numbers) without one
// query each.
func (db *DB) TextByID(ctx context.Context, query string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	seen := map[int64]bool{}
	var in []any
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			in = append(in, id)
		}
	}
	if len(in) == 0 {
		return out, nil
	}
	a := db.Args()
	rows, err := db.QueryContext(ctx, query+a.In("id", in...), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		out[id] = text
	}
	return out, rows.Err()
}
