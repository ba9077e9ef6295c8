package proposals

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/workbench"
)

// Workbench puts the moderation queue (议事协商待审核) on the board of the
// staff who moderate: a tile per community counting the residents'
// proposals and arguments awaiting the committee, which opens the queue.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	cs := v.Scope(PermManage).Communities()
	var out []workbench.Section
	for _, c := range cs {
		ms, as, err := s.Queue(ctx, c)
		if err != nil {
			return nil, err
		}
		if len(ms)+len(as) == 0 {
			continue
		}
		id := strconv.FormatInt(c, 10)
		sec := workbench.Section{Kind: "proposals.moderation", Title: "议事协商待审核", Count: len(ms) + len(as),
			Link: "/proposals/queue?c=" + id}
		if len(cs) > 1 { // kinds are unique on the board
			sec.Kind += "." + id
		}
		for _, m := range ms {
			if len(sec.Items) == workbench.SectionItems {
				break
			}
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: m.Title, Detail: m.Proposer, Action: "议题待审核",
				Link: "/proposals/" + id + "/" + strconv.FormatInt(m.ID, 10)})
		}
		for _, a := range as {
			if len(sec.Items) == workbench.SectionItems {
				break
			}
			sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: clip(a.Body, 30), Detail: a.Author,
				Action: "意见待审核", Link: "/proposals/" + id + "/" + strconv.FormatInt(a.ProposalID, 10) + "#argument-" +
					strconv.FormatInt(a.ID, 10)})
		}
		out = append(out, sec)
	}
	return out, nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
