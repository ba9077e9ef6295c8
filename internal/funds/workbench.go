package funds

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/money"
	"shequ/internal/workbench"
)

// Workbench puts the idle funds (闲置资金: money left and not spent by the
// fund's rule) on the boards of the staff who spend them. The items are
// the whole list, shown on the board itself.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]workbench.Section, error) {
	scope := v.Scope(PermManage)
	if scope.Empty() || scope.Whole() {
		return nil, nil
	}
	idle, err := s.Idle(ctx, scope.Communities())
	if err != nil || len(idle) == 0 {
		return nil, err
	}
	sec := workbench.Section{Kind: "funds.idle", Title: "社区经费闲置待使用", Count: len(idle)}
	for _, f := range idle { // a community's few funds: all of them, as the tile counts
		sec.Items = append(sec.Items, workbench.Item{Kind: sec.Kind, Title: f.Name,
			Detail: "余额 " + money.Yuan(f.BalanceFen) + " 元,自 " + f.IdleSince + " 起未支出", Action: "待安排使用",
			Link: "/funds/" + strconv.FormatInt(f.ID, 10)})
	}
	return []workbench.Section{sec}, nil
}
