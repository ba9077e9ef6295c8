package disclosure

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/workbench"
)

// Workbench puts the overdue publications (督办) on the boards of the
// community's staff and of the street and district that watch them, and
// the residents' unanswered questions on the staff's.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	scope := v.Scope(PermRead)
	if scope.Empty() {
		return nil, nil
	}
	var out []workbench.Section
	// The count and the most urgent rows only: a street's overdue rows
	// can be thousands, the board shows SectionItems.
	count, err := s.CountOverdue(ctx, scope)
	if err != nil {
		return nil, err
	}
	var pubs []Publication
	if count > 0 {
		if pubs, err = s.Publications(ctx, scope, Filter{Overdue: true, Limit: workbench.SectionItems}); err != nil {
			return nil, err
		}
	}
	if len(pubs) > 0 {
		sec := workbench.Section{Kind: "disclosure.overdue", Title: "居务公开逾期未发布(督办)", Count: count,
			Overdue: count, Link: "/disclosures?overdue=1"}
		if units := scope.Units(); len(units) == 1 { // a street's: all its communities' rows
			sec.Link += "&org=" + strconv.FormatInt(units[0], 10)
		}
		for _, p := range pubs {
			due, _ := time.ParseInLocation(dayLayout, p.DueOn, now.Location())
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: p.Item, Detail: p.Name(), Action: "待公开",
				Due: due.AddDate(0, 0, 1), DueText: p.DueOn, Overdue: true, Badge: "督办",
				Link: "/disclosures/" + strconv.FormatInt(p.CommunityID, 10) + "/" + strconv.FormatInt(p.ID, 10)})
		}
		out = append(out, sec)
	}
	manage := v.Scope(PermManage)
	if manage.Empty() {
		return out, nil
	}
	qs, err := s.OpenQuestions(ctx, manage)
	if err != nil {
		return nil, err
	}
	if len(qs) > 0 {
		sec := workbench.Section{Kind: "disclosure.questions", Title: "居务公开居民提问待答复", Count: len(qs),
			Link: "/disclosures?questions=1"}
		for _, q := range qs[:min(len(qs), workbench.SectionItems)] {
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: short(q.Text, 30), Action: "待答复",
				Link: "/disclosures/" + strconv.FormatInt(q.CommunityID, 10) + "/" + strconv.FormatInt(q.PublicationID, 10)})
		}
		out = append(out, sec)
	}
	return out, nil
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
