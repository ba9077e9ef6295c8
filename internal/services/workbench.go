package services

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workbench"
)

// queueTitles name the hall's queues on the workbench, as the hall's own
// pages do.
var queueTitles = map[string]string{
	QueueWindow:    "窗口待补齐材料",
	LevelCommunity: "社区审核",
	LevelStreet:    "街道审核",
	LevelDistrict:  "区县审批",
}

// Workbench is the service hall's part of a viewer's workbench: the
// queue of each level the viewer handles, and the window's queue for
// those who take cases in. Counts and rows are those of the hall's queue
// pages (/services/queue?level=…), in the scope those pages use; a stage's
// deadline is its date, overdue the day after.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, _ time.Time) ([]workbench.Section, error) {
	var queues []string
	if v.Can(PermIntake) {
		queues = append(queues, QueueWindow)
	}
	for _, l := range []string{LevelCommunity, LevelStreet, LevelDistrict} {
		if v.Can(HandlePerm(l)) {
			queues = append(queues, l)
		}
	}
	if len(queues) == 0 {
		return nil, nil
	}
	scope := v.Scope(PermRead)
	counts, err := s.Queues(ctx, scope)
	if err != nil {
		return nil, err
	}
	byQueue := map[string]QueueCount{}
	for _, c := range counts {
		byQueue[c.Queue] = c
	}
	var out []workbench.Section
	for _, q := range queues {
		c := byQueue[q]
		if c.Total == 0 {
			continue
		}
		as, _, err := s.List(ctx, scope, Filter{Queue: q, Limit: workbench.SectionItems})
		if err != nil {
			return nil, err
		}
		sec := workbench.Section{Kind: "services." + q, Title: queueTitles[q], Count: c.Total, Overdue: c.Overdue,
			Link: "/services/queue?level=" + q}
		anchor := "#h-handle"
		if q == QueueWindow {
			anchor = "#h-window"
		}
		for _, a := range as {
			it := workbench.Item{Title: a.ItemName + " · " + a.Applicant, Detail: a.TrackingNo, Action: StatusNames[a.Status],
				Overdue: s.Overdue(a), Link: "/services/applications/" + strconv.FormatInt(a.ID, 10) + anchor}
			if a.Status == StatusProcessing && a.StageDue != "" {
				it.Action = a.CurrentStage().Name
				it.DueText = a.StageDue
				it.Due = s.cal.c.DueBy(a.StageDue)
			}
			sec.Items = append(sec.Items, it)
		}
		out = append(out, sec)
	}
	return out, nil
}

// Compare gives the applications of the communities a street's or
// district's reviewer oversees: cases in progress and how many are past
// their stage deadline, and of the cases finished in the last 90 days how
// many were finished in time.
func (s *Service) Compare(ctx context.Context, v *access.Viewer, _ time.Time) (*workbench.Comparison, error) {
	if !v.Can(HandlePerm(LevelStreet)) && !v.Can(HandlePerm(LevelDistrict)) {
		return nil, nil
	}
	scope := v.Scope(PermRead)
	ids := workbench.Overseen(scope)
	if ids == nil {
		return nil, nil
	}
	since := s.now().AddDate(0, 0, -90).In(cst).Format(database.DateLayout)
	a := s.db.Args()
	processing, done := a.Arg(StatusProcessing), a.Arg(QueueDone)
	late, from := a.Arg(s.overdueBefore()), a.Arg(since)
	q := `SELECT a.community_id,
		COALESCE(SUM(CASE WHEN a.stage_level <> ` + done + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status = ` + processing + ` AND a.stage_due < ` + late + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.stage_level = ` + done + ` AND a.finished_on >= ` + from + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.stage_level = ` + done + ` AND a.finished_on >= ` + from + ` AND a.on_time = 1 THEN 1 ELSE 0 END), 0)
		FROM service_applications a WHERE ` + a.In("a.community_id", database.AnyOf(ids)...) + scope.Where(a, "a") +
		` GROUP BY a.community_id`
	rows, err := s.db.QueryContext(ctx, q, a.Values()...)
	if err != nil {
		return nil, err
	}
	figs, err := workbench.FiguresOf(rows, ids)
	if err != nil {
		return nil, err
	}
	return &workbench.Comparison{Kind: "services", Title: "办件", Period: "近90天办结的办件按期办结率",
		Rows: figs}, nil
}
