package datareq

import (
	"context"

	"shequ/internal/database"
)

// Summary is a data request as its department's list shows it.
type Summary struct {
	ID                       int64
	Title, DepartmentName    string
	Period, SubmittedAt      string
	Computed, Typed, Decided int // items computed, typed, and typed ones decided
}

// List is the data requests of departments (nil: all, for the review
// group), the newest first: where a department finds its subscriptions
// again each period.
func (s *Service) List(ctx context.Context, departments []string) ([]Summary, error) {
	if departments != nil && len(departments) == 0 {
		return nil, nil
	}
	a := s.db.Args()
	where := ""
	if departments != nil {
		where = `WHERE ` + a.In("r.department", database.AnyOf(departments)...)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.title, COALESCE(d.name, r.department), r.period, r.submitted_at,
		SUM(i.computed), SUM(1 - i.computed), SUM(CASE WHEN i.computed = 0 AND w.status <> 'pending' THEN 1 ELSE 0 END)
		FROM data_requests r JOIN data_request_items i ON i.request_id = r.id
		LEFT JOIN departments d ON d.code = r.department
		LEFT JOIN work_requests w ON i.computed = 0 AND w.id = COALESCE(i.work_request_id, r.work_request_id)
		`+where+` GROUP BY r.id, r.title, d.name, r.department, r.period, r.submitted_at
		ORDER BY r.submitted_at DESC, r.id DESC`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		if err := rows.Scan(&sm.ID, &sm.Title, &sm.DepartmentName, &sm.Period, &sm.SubmittedAt, &sm.Computed, &sm.Typed,
			&sm.Decided); err != nil {
			return nil, err
		}
		out = append(out, sm)
	}
	return out, rows.Err()
}
