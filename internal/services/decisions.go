package services

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/fault"
)

// The decisions staff take on a case from its page: a level's decision at
// its own stage, and the window's refusal of a case that never got past it.
// Each first checks that the case stands where the form was sent from, so a
// form left open while the case moved on says where the case is now
// instead of acting on a stage nobody looked at.

// Decision is what a level decided on a case at its stage.
type Decision struct {
	Action    string   // approve, return or reject; end or revoke once approved
	Note      string   // the approval's note
	Reason    string   // why it was returned or rejected
	Materials []string // the materials to bring again, by code (return)
	Other     string   // other materials to bring, in words (return)
	EndedOn   string   // the day what the case granted ends (end, revoke)
}

// Decide takes level's decision on case id: approve (pass on or finish),
// return for materials, or reject. A case out of the level's scope is
// ErrNotFound; a case not at that level's stage a StateError.
func (s *Service) Decide(ctx context.Context, v *access.Viewer, level string, id int64, version int, d Decision) (*Application, error) {
	a, err := s.Application(ctx, v.Scope(HandlePerm(level)), id)
	if err != nil {
		return nil, err
	}
	if d.Action == "end" || d.Action == "revoke" {
		return s.EndGrant(ctx, v, level, id, version, d.Action == "revoke", d.EndedOn, d.Reason)
	}
	if a.Status != StatusProcessing || a.CurrentStage().Level != level {
		where := a.StatusName()
		if a.Status == StatusProcessing {
			where = "在" + a.CurrentStage().Name + "环节"
		}
		return nil, &StateError{Msg: "该办件当前" + where + ",不在" + LevelNames[level] + "审核环节,未作处理。"}
	}
	switch d.Action {
	case "approve":
		return s.Approve(ctx, v, id, version, d.Note)
	case "return":
		return s.Return(ctx, v, id, version, d.Reason, d.Materials, d.Other)
	case "reject":
		return s.Reject(ctx, v, id, version, d.Reason)
	}
	return nil, fault.Fields{"action": "请选择审核结果:通过、退回补正或不予批准"}
}

// RefuseAtWindow refuses a case still waiting at the window (不予受理).
// Cases in progress are refused by their stage's handler instead (Decide).
func (s *Service) RefuseAtWindow(ctx context.Context, v *access.Viewer, id int64, version int, reason string) (*Application, error) {
	a, err := s.Application(ctx, v.Scope(PermIntake), id)
	if err != nil {
		return nil, err
	}
	if a.Status != StatusIncomplete && a.Status != StatusReturned {
		return nil, &StateError{Msg: "该办件" + a.StatusName() + ",不在窗口,不能作不予受理处理"}
	}
	return s.Reject(ctx, v, id, version, reason)
}
