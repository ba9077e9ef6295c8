package workaccess

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/fault"
)

// Complete is a community marking accepted work done (已完成) at the
// version it read. Work resting on a catalogue item then counts in the
// 费随事转 ledger for the month it was marked done, unless the community
// recorded that month's work on the item by hand (see workDone).
func (s *Service) Complete(ctx context.Context, v *access.Viewer, id int64, version int) (*Demand, error) {
	d, err := s.demand(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.CanAt(PermAnswer, access.Place{Community: d.CommunityID}) {
		return nil, errNoDemand
	}
	switch d.Status {
	case Done:
		return nil, fault.New(fault.Conflict, "这项工作已标记完成,请刷新后查看")
	case Open:
		return nil, fault.New(fault.Illegal, "请先接收这项工作,再标记完成")
	case DemandRefused:
		return nil, fault.New(fault.Illegal, "已拒绝的工作不能标记完成")
	}
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE demands SET status = 'done', done_on = $1, done_by = $2, version = version + 1
		WHERE id = $3 AND version = $4 AND status = 'accepted'`, dateOf(now), v.Name, id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fault.New(fault.Conflict, "这项工作在您打开后已被他人改动,请刷新后查看")
	}
	return s.demand(ctx, id)
}
