package services

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// An item may grant a status the register keeps as a tag (Item.GrantsTag:
// 低保, 特困, 残疾, 高龄补贴, 优抚 …). The case's final approval gives the
// applicant the tag from the day it is finished, its note and change event
// naming the case; ending the benefit or revoking the approval ends the
// tag. The register is written in the case's own transaction: the case is
// not approved without its tag, nor the tag given without the approval.

// grantSource is the change events' source of what a case wrote in the
// register, so that the person's history names the case.
func grantSource(a *Application) string { return "services:" + a.TrackingNo }

// applyGrant carries a transition's result into the register, inside the
// transition's transaction.
func (s *Service) applyGrant(ctx context.Context, tx *sql.Tx, v *access.Viewer, a *Application, st step) error {
	switch {
	case st.Action == ActApprove && a.Status == StatusApproved && a.GrantsTag != "":
		return s.grantTag(ctx, tx, v, a)
	case (st.Action == ActEnd || st.Action == ActRevoke) && a.TagID != 0:
		return s.endGrantedTag(ctx, tx, v, a)
	}
	return nil
}

// grantTag gives the applicant the item's tag from the finishing day. An
// applicant who already holds it (from a department's list, an earlier
// case, a grid worker) keeps that tag: the case adds none and will end none.
func (s *Service) grantTag(ctx context.Context, tx *sql.Tx, v *access.Viewer, a *Application) error {
	held, err := s.holdsTag(ctx, a.PersonID, a.GrantsTag, a.FinishedOn)
	if err != nil || held != nil {
		return err
	}
	t := &register.Tag{PersonID: a.PersonID, Tag: a.GrantsTag, StartedOn: a.FinishedOn,
		Note: "办件" + a.TrackingNo + "(" + a.ItemName + ")批准"}
	actor := register.Actor{UserID: v.UserID, Name: v.Name, Source: grantSource(a)}
	// The case's own checks decided who may approve it; the tag follows
	// from the approval whatever the approver's field set may edit.
	if err := s.reg.AddTagTx(ctx, tx, actor, access.Everything, t); err != nil {
		return err
	}
	a.TagID = t.ID
	return nil
}

// endGrantedTag ends the tag the case gave on a.TagEndedOn, unless it has
// already been ended on or before that day (by a department's list, say).
func (s *Service) endGrantedTag(ctx context.Context, tx *sql.Tx, v *access.Viewer, a *Application) error {
	p, err := s.reg.Person(ctx, access.Everything, a.PersonID)
	if err != nil {
		return err
	}
	tags, err := s.reg.TagsOf(ctx, access.Everything, p, "")
	if err != nil {
		return err
	}
	for _, t := range tags {
		if t.ID == a.TagID && t.EndedOn != "" && t.EndedOn <= a.TagEndedOn {
			return nil
		}
	}
	actor := register.Actor{UserID: v.UserID, Name: v.Name, Source: grantSource(a)}
	return s.reg.EndTagTx(ctx, tx, actor, access.Everything, a.TagID, a.TagEndedOn)
}

// holdsTag returns the person's tag of the kind in force on day or later,
// nil when there is none.
func (s *Service) holdsTag(ctx context.Context, personID int64, tag, day string) (*register.Tag, error) {
	p, err := s.reg.Person(ctx, access.Everything, personID)
	if err != nil {
		return nil, err
	}
	tags, err := s.reg.TagsOf(ctx, access.Everything, p, "")
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if t.Tag == tag && (t.EndedOn == "" || t.EndedOn >= day) {
			return &t, nil
		}
	}
	return nil, nil
}

// EndGrant ends what an approved case granted, on a day and for a reason:
// the benefit stops (终止待遇) or, with revoke, the approval is withdrawn
// (撤销批准). Either ends the tag the approval gave. Only the level that
// gave the final approval may; the case stays 已办结 in the statistics
// (it was handled; what it granted has ended since), its history and the
// public progress show the step.
func (s *Service) EndGrant(ctx context.Context, v *access.Viewer, level string, id int64, version int,
	revoke bool, endedOn, reason string) (*Application, error) {
	action, verb := ActEnd, "终止待遇"
	if revoke {
		action, verb = ActRevoke, "撤销批准"
	}
	return s.act(ctx, v, id, version, func(a *Application) (string, error) {
		switch {
		case a.Status != StatusApproved:
			return "", &StateError{"该办件" + a.StatusName() + ",不能" + verb}
		case a.GrantsTag == "":
			return "", &StateError{"该事项不登记待遇标签,无需" + verb}
		case a.TagEndedOn != "":
			return "", &StateError{"该办件所批待遇已于 " + a.TagEndedOn + " 终止或撤销"}
		}
		last := a.Chain[len(a.Chain)-1].Level
		if level != last {
			return "", &StateError{"该办件由" + LevelNames[last] + "审批,应由" + LevelNames[last] + verb}
		}
		return HandlePerm(last), nil
	}, func(a *Application, today string) (step, error) {
		fe := fault.Fields{}
		reason = strings.TrimSpace(reason)
		endedOn = strings.TrimSpace(endedOn)
		if reason == "" {
			fe["reason"] = "请填写" + verb + "的原因"
		} else if len([]rune(reason)) > 500 {
			fe["reason"] = "原因请不超过500字"
		}
		if endedOn == "" {
			endedOn = today
		}
		if _, err := time.Parse(database.DateLayout, endedOn); err != nil {
			fe["ended_on"] = "日期格式应为 2026-01-31"
		} else if endedOn < a.FinishedOn {
			fe["ended_on"] = "终止日期不能早于办结日期 " + a.FinishedOn
		}
		if len(fe) > 0 {
			return step{}, fe
		}
		a.TagEndedOn = endedOn
		return step{Action: action, Note: reason}, nil
	})
}
