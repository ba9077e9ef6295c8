package workaccess

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/workbench"
	"shequ/internal/workdays"
)

// Workbench is work access's part of the review group's workbench: the
// 准入 requests waiting for its decision, the longest waiting first, late
// once their review day has passed on the working-day calendar. The count
// is that of /work-requests, which lists the pending requests.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, _ time.Time) ([]workbench.Section, error) {
	if !v.Can(PermManage) {
		return nil, nil
	}
	rs, err := s.Requests(ctx, RequestFilter{Status: Pending})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sec := workbench.Section{Kind: "workaccess", Title: "准入待审查", Count: len(rs), Link: "/work-requests"}
	for _, r := range rs {
		if r.Late {
			sec.Overdue++
		}
		if len(sec.Items) < workbench.SectionItems {
			sec.Items = append(sec.Items, workbench.Item{Title: r.Title, Detail: r.DepartmentName + " · 收到 " + r.ReceivedOn,
				Action: "审查", Due: cal.DueBy(r.ReviewDue), DueText: r.ReviewDue, Overdue: r.Late,
				Link: "/work-requests/" + strconv.FormatInt(r.ID, 10) + "#h-decision"})
		}
	}
	return []workbench.Section{sec}, nil
}
