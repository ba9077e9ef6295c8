package events

import (
	"context"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// ScanRatings calls fn with each rating of a closed event a reporter gave
// in a community between from and to (YYYY-MM-DD in Beijing time,
// inclusive): the event, the day it was rated and the stars. The 群众满意度
// figure (internal/satisfaction) puts it beside the other parts.
func ScanRatings(ctx context.Context, q database.Querier, community int64, from, to string, fn func(id int64, on string, score int)) error {
	lo, hi := ratedBounds(from, to)
	rows, err := q.QueryContext(ctx, `SELECT id, rated_at, rating FROM events
		WHERE community_id = $1 AND rating IS NOT NULL AND rated_at >= $2 AND rated_at < $3`, community, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at string
		var score int
		if err := rows.Scan(&id, &at, &score); err != nil {
			return err
		}
		fn(id, database.ParseTime(at).In(workdays.Shanghai).Format(database.DateLayout), score)
	}
	return rows.Err()
}

// ratedBounds turns days in Beijing time into the stored UTC instants:
// [start of from, start of the day after to).
func ratedBounds(from, to string) (string, string) {
	f, _ := time.ParseInLocation(database.DateLayout, from, workdays.Shanghai)
	t, _ := time.ParseInLocation(database.DateLayout, to, workdays.Shanghai)
	return database.FormatTime(f), database.FormatTime(t.AddDate(0, 0, 1))
}
