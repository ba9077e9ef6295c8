package reports

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/indicators"
	"shequ/internal/workbench"
	"shequ/internal/workdays"
)

// Workbench is the reports' part of a viewer's workbench: for each
// community the viewer confirms reports for, each template's last ended
// period not yet confirmed — the period the report page opens on. The
// items are the whole list (there is no page listing them elsewhere); a
// viewer who may confirm for the whole tree (an administrator) is not
// given every community's.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	if !v.Can(PermSignoff) {
		return nil, nil
	}
	sc := v.Scope(PermSignoff)
	if sc.Whole() {
		return nil, nil
	}
	communities := sc.Communities()
	if len(communities) == 0 {
		return nil, nil
	}
	ts, err := s.Templates(ctx)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	names, err := s.org.Names(ctx, communities)
	if err != nil {
		return nil, err
	}
	sec := workbench.Section{Kind: "reports", Title: "报表待确认"}
	for _, c := range communities {
		for _, t := range ts {
			p := indicators.Current(t.Frequency, now.In(workdays.Shanghai)).Previous()
			so, err := s.currentSignOff(ctx, t.ID, c, p)
			if err != nil {
				return nil, err
			}
			if so != nil {
				continue
			}
			q := url.Values{"t": {t.Code}, "period": {p.String()}}
			sec.Items = append(sec.Items, workbench.Item{Title: t.Name + " " + p.Label(), Detail: names[c],
				Action: "核对并确认", Link: "/reports/units/" + strconv.FormatInt(c, 10) + "?" + q.Encode() + "#h-status"})
		}
	}
	sec.Count = len(sec.Items)
	return []workbench.Section{sec}, nil
}
