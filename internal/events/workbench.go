package events

import (
	"context"
	"strconv"

	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workbench"
)

// Workbench is the events' part of a viewer's workbench: the queue (what
// waits for the viewer to accept, dispatch, handle, verify or close) and,
// for those who supervise, the open events under 督办. Counts are those of
// the lists the sections link to (/events, /events/all?open=1&supervised=1);
// deadlines and overdue are the store's, by its own clock, as in those
// lists.
func (s *Store) Workbench(ctx context.Context, v *access.Viewer, _ time.Time) ([]workbench.Section, error) {
	now := s.now()
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	item := func(e *Event) workbench.Item {
		detail := cat.Name(e.Category) + " · " + e.TrackingNo
		return workbench.Item{Title: e.Title, Detail: detail, Action: StatusNames[e.Status], Due: e.DueAt,
			Overdue: e.Overdue(now), Badge: GradeNames[e.Supervision], Link: WorkLink(v, e)}
	}
	var out []workbench.Section
	total, late, err := s.QueueCount(ctx, v, 0)
	if err != nil {
		return nil, err
	}
	if total > 0 {
		queue, err := s.Queue(ctx, v, 0, workbench.SectionItems)
		if err != nil {
			return nil, err
		}
		sec := workbench.Section{Kind: "events", Title: "事件待办", Count: total, Overdue: late, Link: "/events"}
		for _, e := range queue {
			sec.Items = append(sec.Items, item(e))
		}
		out = append(out, sec)
	}
	if v.Can(PermSupervise) {
		// One count with its overdue part, then the first rows: the list at
		// the link counts the same filter.
		b, err := s.filterSQL(ctx, v, Filter{Open: true, Supervised: true}, now)
		if err != nil {
			return nil, err
		}
		// The list does not compare with now: its arguments are those
		// before the count's (PostgreSQL refuses one left unused).
		listArgs := b.Values()
		late := OverdueSQL("e", b.arg(fmtT(now)))
		var total, overdue int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END), 0)
			FROM events e WHERE 1 = 1`+b.sql(), b.Values()...).Scan(&total, &overdue); err != nil {
			return nil, err
		}
		if total > 0 {
			list, err := s.scanList(ctx, `SELECT `+eventCols+` FROM events e WHERE 1 = 1`+b.sql()+
				` ORDER BY CASE WHEN e.due_at = '' THEN 1 ELSE 0 END, e.due_at, e.created_at DESC, e.id LIMIT `+
				strconv.Itoa(workbench.SectionItems), listArgs...)
			if err != nil {
				return nil, err
			}
			sec := workbench.Section{Kind: "supervision", Title: "督办事件", Count: total, Overdue: overdue,
				Link: "/events/all?open=1&supervised=1"}
			for _, e := range list {
				sec.Items = append(sec.Items, item(e))
			}
			out = append(out, sec)
		}
	}
	return out, nil
}

// WorkLink is where a viewer acts on an event: its page for staff who read
// events at its place, the task page for a department; at the actions.
func WorkLink(v *access.Viewer, e *Event) string {
	id := strconv.FormatInt(e.ID, 10)
	if v.Scope(PermRead).Contains(e.Place()) {
		return "/events/" + id + "#act"
	}
	return "/events/tasks/" + id + "#act"
}

// Compare gives the events of the communities a street's or district's
// platform oversees (those who dispatch): open events and how many are
// overdue now, and the 按期处置率 of the events reported in the last 90
// days, as the KPI page counts it.
func (s *Store) Compare(ctx context.Context, v *access.Viewer, _ time.Time) (*workbench.Comparison, error) {
	if !v.Can(PermDispatch) {
		return nil, nil
	}
	ids := workbench.Overseen(v.Scope(PermRead))
	if ids == nil {
		return nil, nil
	}
	now := s.now()
	b, err := s.filterSQL(ctx, v, Filter{}, now)
	if err != nil {
		return nil, err
	}
	b.where = append(b.where, b.In("e.community_id", database.AnyOf(ids)...))
	open := b.List(database.AnyOf(OpenStatuses)...)
	late := OverdueSQL("e", b.arg(fmtT(now)))
	since := b.arg(fmtT(now.AddDate(0, 0, -90)))
	// As the KPI page counts 按期处置率: of the events reported in the
	// period and handled (反馈), those whose every feedback came in time.
	rows, err := s.db.QueryContext(ctx, `SELECT e.community_id,
		COALESCE(SUM(CASE WHEN e.status IN (`+open+`) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.status IN (`+open+`) AND `+late+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.created_at >= `+since+` AND e.feedback_at <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.created_at >= `+since+` AND e.on_time = 1 THEN 1 ELSE 0 END), 0)
		FROM events e WHERE 1 = 1`+b.sql()+` GROUP BY e.community_id`, b.Values()...)
	if err != nil {
		return nil, err
	}
	figs, err := workbench.FiguresOf(rows, ids)
	if err != nil {
		return nil, err
	}
	return &workbench.Comparison{Kind: "events", Title: "事件", Period: "近90天上报、已处置的事件按期处置率",
		Link: "/events/all?open=1&org=", Rows: figs}, nil
}
