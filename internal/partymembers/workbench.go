package partymembers

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/workbench"
)

// Workbench is the party members' part of a community worker's board:
// the members overdue for their six-monthly report and the wishes past
// their deadline, each a link to the list it counts.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	scope := v.Scope(PermManage)
	if scope.Empty() {
		return nil, nil
	}
	var out []workbench.Section
	members, err := s.Members(ctx, scope, Filter{Overdue: true})
	if err != nil {
		return nil, err
	}
	if len(members) > 0 {
		sec := workbench.Section{Kind: "party.overdue", Title: "在职党员逾期未报到", Count: len(members),
			Overdue: len(members), Link: "/party-members?overdue=1"}
		for _, m := range members[:min(len(members), workbench.SectionItems)] {
			due, _ := time.ParseInLocation(dayLayout, m.NextDueOn, now.Location())
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: m.Name, Detail: m.Employer, Action: "待报到",
				Due: due, DueText: m.NextDueOn, Overdue: true, Link: "/party-members/" + strconv.FormatInt(m.ID, 10)})
		}
		out = append(out, sec)
	}
	var wishes []Wish
	for _, c := range scope.Communities() {
		ws, err := s.Wishes(ctx, c, "overdue")
		if err != nil {
			return nil, err
		}
		wishes = append(wishes, ws...)
	}
	if len(wishes) > 0 {
		sec := workbench.Section{Kind: "party.wishes", Title: "逾期未实现的微心愿", Count: len(wishes), Overdue: len(wishes),
			Link: "/party-wishes?state=overdue"}
		for _, w := range wishes[:min(len(wishes), workbench.SectionItems)] {
			due, _ := time.ParseInLocation(dayLayout, w.DeadlineOn, now.Location())
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: w.Title, Detail: w.Person,
				Action: WishStates[w.Status], Due: due, DueText: w.DeadlineOn, Overdue: true,
				Link: "/party-wishes/" + strconv.FormatInt(w.ID, 10)})
		}
		out = append(out, sec)
	}
	return out, nil
}
