package services

import (
	"context"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// ScanRatings calls fn with each rating an applicant gave a finished
// application of a community between from and to (YYYY-MM-DD in Beijing
// time, inclusive): the application, the day of the rating step and the
// stars. The 群众满意度 figure (internal/satisfaction) puts it beside the
// other parts.
func ScanRatings(ctx context.Context, q database.Querier, community int64, from, to string, fn func(id int64, on string, score int)) error {
	f, _ := time.ParseInLocation(database.DateLayout, from, workdays.Shanghai)
	t, _ := time.ParseInLocation(database.DateLayout, to, workdays.Shanghai)
	rows, err := q.QueryContext(ctx, `SELECT a.id, s.at, a.rating FROM service_steps s
		JOIN service_applications a ON a.community_id = s.community_id AND a.id = s.application_id
		WHERE s.community_id = $1 AND s.action = $2 AND s.at >= $3 AND s.at < $4 AND a.rating IS NOT NULL`,
		community, ActRate, database.FormatTime(f), database.FormatTime(t.AddDate(0, 0, 1)))
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
