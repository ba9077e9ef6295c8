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
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	inbox, err := s.inboxSection(ctx, v, now)
	if err != nil || !v.Can(PermManage) {
		return inbox, err
	}
	rs, err := s.Requests(ctx, RequestFilter{Status: Pending})
	if err != nil || len(rs) == 0 {
		return inbox, err
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
	return append([]workbench.Section{sec}, inbox...), nil
}

// inboxSection is the community's part: the demands waiting for it to
// accept or refuse, the nearest due first; the work not admitted says so,
// since it is no obligation.
func (s *Service) inboxSection(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	if !v.Can(PermAnswer) {
		return nil, nil
	}
	ds, err := s.Demands(ctx, v, Open)
	if err != nil {
		return nil, err
	}
	var mine []*Demand
	for _, d := range ds {
		if v.CanAt(PermAnswer, access.Place{Community: d.CommunityID}) {
			mine = append(mine, d)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	today := dateOf(now)
	sec := workbench.Section{Kind: "inbox", Title: "社区收件箱", Count: len(mine), Link: "/demands"}
	for _, d := range mine {
		late := d.DueOn < today
		if late {
			sec.Overdue++
		}
		if len(sec.Items) < workbench.SectionItems {
			due, _ := workdays.ParseDate(d.DueOn)
			it := workbench.Item{Title: d.Title, Detail: d.FromName + " · " + d.CommunityName, Action: "接收或拒绝",
				Due: due.AddDate(0, 0, 1), DueText: d.DueOn, Overdue: late, Link: "/demands#d" + strconv.FormatInt(d.ID, 10)}
			if g := d.Grounds(); g != "" {
				it.Badge = g
			}
			sec.Items = append(sec.Items, it)
		}
	}
	return []workbench.Section{sec}, nil
}
