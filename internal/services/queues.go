package services

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
)

// Filter selects applications for a list.
type Filter struct {
	// Queue is a chain level (community, street, district) for that
	// level's queue of cases in progress, "window" for cases waiting for
	// the resident's materials, "done" for finished ones, "" for all.
	Queue string
	// Agent lists the cases a 代办员 (users.id) carries, at every level.
	Agent int64
	// Overdue keeps cases past their stage deadline.
	Overdue bool
	// Open leaves out finished cases.
	Open bool
	// Person or Household keep one resident's or household's cases.
	Person, Household int64
	Community         int64
	Limit, Offset     int
}

// List returns applications in scope, the oldest deadline first for
// queues, the newest first otherwise; more reports whether there are more.
func (s *Service) List(ctx context.Context, scope access.Scope, f Filter) (as []Application, more bool, err error) {
	q := `SELECT ` + appColumns + ` FROM service_applications a WHERE 1 = 1`
	a := s.db.Args()
	arg := a.Arg
	order := ` ORDER BY a.created_at DESC, a.id DESC`
	switch f.Queue {
	case "":
	case QueueWindow:
		q += ` AND a.stage_level = ` + arg(QueueWindow)
		order = ` ORDER BY a.updated_at, a.id`
	case QueueDone:
		q += ` AND a.stage_level = ` + arg(QueueDone)
		order = ` ORDER BY a.finished_on DESC, a.id DESC`
	default:
		q += ` AND a.stage_level = ` + arg(f.Queue) + ` AND a.status = ` + arg(StatusProcessing)
		order = ` ORDER BY a.stage_due, a.id`
	}
	if f.Agent != 0 {
		q += ` AND a.agent_id = ` + arg(f.Agent)
		order = ` ORDER BY CASE WHEN a.stage_level = 'done' THEN 1 ELSE 0 END, a.stage_due, a.id DESC`
	}
	if f.Overdue {
		q += ` AND a.status = ` + arg(StatusProcessing) + ` AND a.stage_due < ` + arg(s.overdueBefore())
	}
	if f.Open {
		q += ` AND a.stage_level <> ` + arg(QueueDone)
	}
	if f.Person != 0 {
		q += ` AND a.person_id = ` + arg(f.Person)
	}
	if f.Household != 0 {
		q += ` AND a.household_id = ` + arg(f.Household)
	}
	if f.Community != 0 {
		q += ` AND a.community_id = ` + arg(f.Community)
	}
	q += scope.Where(a, "a")
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q += order + fmt.Sprintf(" LIMIT %d OFFSET %d", limit+1, max(f.Offset, 0))
	as, err = s.queryApplications(ctx, s.db, q, a.Values()...)
	if err != nil {
		return nil, false, err
	}
	if len(as) > limit {
		return as[:limit], true, nil
	}
	return as, false, nil
}

// QueueCounts counts, for each queue, the cases in scope and how many are
// overdue: the badges of the handling pages.
type QueueCount struct {
	Queue   string
	Total   int
	Overdue int
}

// Queues counts the cases of each queue the scope sees.
func (s *Service) Queues(ctx context.Context, scope access.Scope) ([]QueueCount, error) {
	where, args := scope.And("a", 2)
	rows, err := s.db.QueryContext(ctx, `SELECT a.stage_level, COUNT(*),
		SUM(CASE WHEN a.status = 'processing' AND a.stage_due < $1 THEN 1 ELSE 0 END)
		FROM service_applications a WHERE a.stage_level <> 'done'`+where+` GROUP BY a.stage_level`,
		append([]any{s.overdueBefore()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byQueue := map[string]QueueCount{}
	for rows.Next() {
		var c QueueCount
		if err := rows.Scan(&c.Queue, &c.Total, &c.Overdue); err != nil {
			return nil, err
		}
		byQueue[c.Queue] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []QueueCount
	for _, q := range []string{QueueWindow, LevelCommunity, LevelStreet, LevelDistrict} {
		c := byQueue[q]
		c.Queue = q
		out = append(out, c)
	}
	return out, nil
}

// Today is the service's date (China Standard Time), for pages that mark
// overdue cases.
func (s *Service) Today() string { return s.today() }

// Tomorrow is the working day after today.
func (s *Service) Tomorrow() string { return s.cal.AddWorkdays(s.today(), 1) }

// DaysLeft counts the working days from today to due (negative when past).
func (s *Service) DaysLeft(due string) int {
	today := s.today()
	if due == "" {
		return 0
	}
	if due >= today {
		return s.cal.WorkdaysBetween(today, due)
	}
	return -s.cal.WorkdaysBetween(due, today)
}

// overdueBefore is the SQL form of Overdue over stage_due: a case in
// progress whose stage is due before this date is overdue now.
func (s *Service) overdueBefore() string { return s.cal.c.FirstDueDate(s.now()) }

func dateOf(t time.Time) string { return t.In(cst).Format(database.DateLayout) }

// ByTrackingNo returns the application with a tracking number if it lies
// in scope: the lookup of the hall's search box.
func (s *Service) ByTrackingNo(ctx context.Context, scope access.Scope, no string) (Application, error) {
	if !ValidTrackingNo(no) {
		return Application{}, ErrNotFound
	}
	where, args := scope.And("a", 2)
	as, err := s.queryApplications(ctx, s.db, `SELECT `+appColumns+` FROM service_applications a WHERE a.tracking_no = $1`+where,
		append([]any{no}, args...)...)
	if err != nil {
		return Application{}, err
	}
	if len(as) == 0 {
		return Application{}, ErrNotFound
	}
	return as[0], nil
}
