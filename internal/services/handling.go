package services

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/notify"
	"shequ/internal/workdays"
)

// Step actions (service_steps.action).
const (
	ActIntake   = "intake"   // 收件
	ActComplete = "complete" // 材料补齐,受理
	ActApprove  = "approve"  // 审核通过
	ActReturn   = "return"   // 退回补正
	ActResubmit = "resubmit" // 补正后继续办理
	ActReject   = "reject"   // 不予批准/不予受理
	ActRate     = "rate"     // 居民评价
	ActCertify  = "certify"  // 出具证明
	ActEnd      = "end"      // 终止待遇 (the status granted ends)
	ActRevoke   = "revoke"   // 撤销批准
)

// ActionNames gives the Chinese name of each action for staff pages.
var ActionNames = map[string]string{
	ActIntake:   "窗口收件",
	ActComplete: "材料补齐,受理",
	ActApprove:  "审核通过",
	ActReturn:   "退回补正",
	ActResubmit: "补正后继续办理",
	ActReject:   "不予批准",
	ActRate:     "居民评价",
	ActCertify:  "出具证明",
	ActEnd:      "终止待遇",
	ActRevoke:   "撤销批准",
}

// ErrNotAllowed is returned when the caller lacks the permission for the
// stage a case is at (the case itself is visible to them).
var ErrNotAllowed = fault.New(fault.Forbidden, "您没有办理该环节的权限")

// StateError refuses an action the case's state does not allow.
type StateError struct{ Msg string }

func (e *StateError) Error() string { return e.Msg }

// Step is one recorded step of an application, for staff.
type Step struct {
	ID        int64  `json:"id"`
	At        string `json:"at"`
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name"`
	Action    string `json:"action"`
	Note      string `json:"note,omitempty"`
	Materials string `json:"materials,omitempty"`
	Actor     string `json:"actor"`
}

// ActionName is the action in Chinese.
func (s Step) ActionName() string { return ActionNames[s.Action] }

// step is what a transition records.
type step struct {
	Action    string
	Note      string
	Materials string
	silent    bool   // no SMS
	actor     string // who, when not the viewer (the resident rating)
	// from is the stage the step was taken at when the transition moved
	// the case on (an approval passing it to the next level).
	from *int
}

// Steps returns the full history of an application, oldest first.
func (s *Service) Steps(ctx context.Context, a Application) ([]Step, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, stage, stage_name, action, note, materials, actor
		FROM service_steps WHERE community_id = $1 AND application_id = $2 ORDER BY id`, a.CommunityID, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		if err := rows.Scan(&st.ID, &st.At, &st.Stage, &st.StageName, &st.Action, &st.Note, &st.Materials, &st.Actor); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// record appends a step, the public line it makes and the SMS it sends.
func (s *Service) record(ctx context.Context, tx *sql.Tx, v *access.Viewer, a *Application, st step) error {
	stageName := "窗口"
	if a.Status != StatusIncomplete && a.Status != StatusReturned || st.Action == ActReturn {
		stageName = a.CurrentStage().Name
	}
	if st.Action == ActIntake || st.Action == ActComplete || st.Action == ActResubmit {
		stageName = "窗口"
	}
	stage := a.Stage
	if st.from != nil {
		stage = *st.from
		stageName = a.Chain[stage].Name
	}
	now := s.now()
	stepID := database.NewID()
	actorID, actor := v.UserID, v.Name
	if st.actor != "" {
		actorID, actor = 0, st.actor
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO service_steps (community_id, id, application_id, at, stage, stage_name,
		action, note, materials, actor_id, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.CommunityID, stepID, a.ID, database.FormatTime(now), stage, stageName, st.Action, st.Note,
		st.Materials, nullID(actorID), actor); err != nil {
		return err
	}
	if line := publicLine(a, st, stageName); line != "" {
		a.Progress = append(a.Progress, PublicStep{Date: now.In(cst).Format("2006-01-02 15:04"), Stage: stageName, Action: line})
		p, _ := json.Marshal(a.Progress)
		if _, err := tx.ExecContext(ctx, `UPDATE service_applications SET progress = $1 WHERE community_id = $2 AND id = $3`,
			string(p), a.CommunityID, a.ID); err != nil {
			return err
		}
	}
	if !s.quiet && !st.silent && a.Phone != "" {
		if text := s.message(a, st); text != "" {
			if err := notify.Enqueue(ctx, tx, notify.Message{Community: a.CommunityID, To: a.Phone, Body: text,
				Key: fmt.Sprintf("application:%d:%s:%d", a.ID, st.Action, stepID), Ref: NotifyRef(a.ID)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// publicLine is what the public lookup shows of a step: no names, no
// reasons (they may be personal), only what happened.
func publicLine(a *Application, st step, stageName string) string {
	switch st.Action {
	case ActIntake:
		if a.Status == StatusIncomplete {
			return "收件,材料不全,已一次性告知需补齐的材料"
		}
		return "已受理,进入" + a.CurrentStage().Name
	case ActComplete:
		return "材料已补齐,已受理,进入" + a.CurrentStage().Name
	case ActResubmit:
		return "补正材料已收到,继续办理(" + a.CurrentStage().Name + ")"
	case ActApprove:
		if a.Status == StatusApproved {
			return "审核通过,已办结"
		}
		return "通过,转" + a.CurrentStage().Name
	case ActReturn:
		return "退回补正,请按短信或窗口告知补交材料"
	case ActReject:
		return "不予批准,办结(详情请咨询窗口)"
	case ActCertify:
		return "证明已出具,可到窗口领取"
	case ActEnd:
		return "待遇终止"
	case ActRevoke:
		return "批准已撤销(详情请咨询窗口)"
	}
	return ""
}

func (s *Service) message(a *Application, st step) string {
	head := fmt.Sprintf("【社区服务】您申请的%s(受理编号%s)", a.ItemName, a.TrackingNo)
	tail := fmt.Sprintf("查询进度:%s/portal/track?no=%s", s.publicURL, a.TrackingNo)
	switch st.Action {
	case ActIntake:
		if a.Status == StatusIncomplete {
			return head + "材料不全,请补齐:" + st.Materials + "。" + tail
		}
		return fmt.Sprintf("%s已受理,法定办结时限至%s。%s", head, a.DueOn, tail)
	case ActComplete, ActResubmit:
		return head + "材料已齐,正在办理(" + a.CurrentStage().Name + ")。" + tail
	case ActApprove:
		if a.Status == StatusApproved {
			return head + "已办结,审核通过。请留意窗口通知领取结果。" + tail
		}
		return head + "已通过上一环节,转" + a.CurrentStage().Name + "。" + tail
	case ActReturn:
		return head + "需补正材料:" + st.Materials + "。请到窗口补交。" + tail
	case ActReject:
		return head + "未获批准,原因请咨询窗口。" + tail
	case ActCertify:
		return head + "证明已出具,请到窗口领取。"
	case ActEnd:
		return head + "所批待遇已终止,原因请咨询窗口。" + tail
	case ActRevoke:
		return head + "批准已被撤销,原因请咨询窗口。" + tail
	}
	return ""
}

// act runs one transition: load the case, check the caller's permission at
// its place (need says which, given its state), check the version, change
// it, save it with a version guard, and record the step.
func (s *Service) act(ctx context.Context, v *access.Viewer, id int64, version int,
	need func(a *Application) (string, error), change func(a *Application, today string) (step, error)) (*Application, error) {
	var out *Application
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		a, err := s.applicationTx(ctx, tx, access.Everything, id)
		if err != nil {
			return err
		}
		if !v.Scope(PermRead).Contains(a.Place()) && !v.Scope(PermIntake).Contains(a.Place()) {
			return ErrNotFound
		}
		perm, err := need(&a)
		if err != nil {
			return err
		}
		if !v.Scope(perm).Contains(a.Place()) {
			return ErrNotAllowed
		}
		if a.Version != version {
			return &ConflictError{What: "办件", By: a.UpdatedBy, At: a.UpdatedAt}
		}
		st, err := change(&a, s.today())
		if err != nil {
			return err
		}
		// What the case's result changes in the register is saved with it.
		if err := s.applyGrant(ctx, tx, v, &a, st); err != nil {
			return err
		}
		now := database.FormatTime(s.now())
		m, _ := json.Marshal(a.Materials)
		var onTime any
		if a.OnTime != nil {
			onTime = boolInt(*a.OnTime)
		}
		var rating any
		if a.Rating > 0 {
			rating = a.Rating
		}
		res, err := tx.ExecContext(ctx, `UPDATE service_applications SET materials = $1, status = $2, stage = $3,
			stage_level = $4, stage_due = $5, due_on = $6, paused_days = $7, accepted_on = $8, finished_on = $9,
			on_time = $10, rating = $11, rating_note = $12, certificate_id = $13, agent_id = $14, agent = $15,
			version = version + 1, updated_at = $16, updated_by = $17, tag_id = $21, tag_ended_on = $22, stage_late = $23
			WHERE community_id = $18 AND id = $19 AND version = $20`,
			string(m), a.Status, a.Stage, a.StageLevel, a.StageDue, a.DueOn, a.PausedDays, a.AcceptedOn, a.FinishedOn,
			onTime, rating, a.RatingNote, nullID(a.Certificate), nullID(a.AgentID), a.Agent, now, v.Name,
			a.CommunityID, a.ID, version, nullID(a.TagID), a.TagEndedOn, boolInt(a.StageLate))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return &ConflictError{What: "办件", By: "他人", At: now}
		}
		a.Version++
		a.UpdatedAt, a.UpdatedBy = now, v.Name
		if err := s.record(ctx, tx, v, &a, st); err != nil {
			return err
		}
		out = &a
		return nil
	})
	return out, err
}

// Supply records materials handed in later: for an incomplete case, the
// missing ones at intake (when all are there the case is accepted and the
// clock starts); for a returned one, those asked for (the case goes back to
// the stage that returned it, the clock runs on). While anything required is
// still missing nothing is saved and the error lists it.
func (s *Service) Supply(ctx context.Context, v *access.Viewer, id int64, version int, received []string) (*Application, error) {
	return s.act(ctx, v, id, version, func(a *Application) (string, error) {
		if a.Status != StatusIncomplete && a.Status != StatusReturned {
			return "", &StateError{"该办件" + a.StatusName() + ",无需补交材料"}
		}
		return PermIntake, nil
	}, func(a *Application, today string) (step, error) {
		got := map[string]bool{}
		for _, c := range received {
			got[c] = true
		}
		for i := range a.Materials {
			if got[a.Materials[i].Code] {
				a.Materials[i].Status = MaterialReceived
			}
		}
		if missing := a.Missing(); len(missing) > 0 {
			return step{}, fault.Fields{"materials": "仍缺少:" + materialNames(missing)}
		}
		if a.Status == StatusIncomplete {
			s.accept(a, today)
			return step{Action: ActComplete}, nil
		}
		s.resume(a, today)
		return step{Action: ActResubmit}, nil
	})
}

// handling is the permission check of the handlers' actions: the case must
// be in progress, and the caller must handle its stage's level.
func handling(verb string) func(a *Application) (string, error) {
	return func(a *Application) (string, error) {
		if a.Status != StatusProcessing {
			return "", &StateError{"该办件" + a.StatusName() + ",不能" + verb}
		}
		return HandlePerm(a.CurrentStage().Level), nil
	}
}

// Approve passes the current stage: the case moves to the next level's
// queue with that stage's deadline, or is finished after the last.
func (s *Service) Approve(ctx context.Context, v *access.Viewer, id int64, version int, note string) (*Application, error) {
	return s.act(ctx, v, id, version, handling("审核通过"), func(a *Application, today string) (step, error) {
		from := a.Stage
		if len([]rune(note)) > 500 {
			return step{}, fault.Fields{"note": "审核意见请不超过500字"}
		}
		s.pass(a, s.now())
		return step{Action: ActApprove, Note: strings.TrimSpace(note), from: &from}, nil
	})
}

// pass moves a case past its current stage: to the next level's queue with
// that stage's deadline (never after the legal one), or finished after the
// last. Approve and the replay of past states (indicator_source.go) share
// it, as they share accept, finish, pause and resume.
func (s *Service) pass(a *Application, at time.Time) {
	s.markStageLate(a, at)
	today := dateOf(at)
	if a.Stage+1 >= len(a.Chain) {
		s.finish(a, StatusApproved, at)
		return
	}
	a.Stage++
	st := a.CurrentStage()
	a.StageLevel = st.Level
	a.StageDue = s.cal.AddWorkdays(today, st.Days)
	if a.StageDue > a.DueOn {
		a.StageDue = a.DueOn
	}
}

// markStageLate records a stage passed (or returned, or refused) after
// the instant its deadline ends: what the lists showed as 超期 stays late.
func (s *Service) markStageLate(a *Application, at time.Time) {
	if s.OverdueAt(*a, at) {
		a.StageLate = true
	}
}

// finish closes the case at the instant at. It is on time (按期) unless a
// stage was late or it is finished after the instant its legal deadline
// ends (workdays.Late) — the same rule as an event's, whose every step
// must be on time. A case refused at the window while returned for
// materials had its clock paused: late only if it was returned late. A
// case refused before it was accepted had no clock: neither.
func (s *Service) finish(a *Application, status string, at time.Time) {
	s.markStageLate(a, at)
	returned := a.Status == StatusReturned
	a.Status, a.StageLevel, a.FinishedOn = status, QueueDone, dateOf(at)
	a.OnTime = nil
	if a.DueOn != "" {
		late := a.StageLate || workdays.Late(s.cal.c.DueBy(a.DueOn), at, at)
		if returned {
			late = a.StageLate || a.PausedDays == 0
		}
		on := !late
		a.OnTime = &on
	}
	a.StageDue = ""
}

// Return sends the case back to the window for materials (退回补正): the
// reason is required, and the materials asked for — checklist codes and/or
// a free-text request — become the list the resident is told. The legal
// clock pauses with the working days that were left.
func (s *Service) Return(ctx context.Context, v *access.Viewer, id int64, version int, reason string, codes []string, other string) (*Application, error) {
	return s.act(ctx, v, id, version, handling("退回"), func(a *Application, today string) (step, error) {
		fe := fault.Fields{}
		reason = strings.TrimSpace(reason)
		other = strings.TrimSpace(other)
		if reason == "" {
			fe["reason"] = "请填写退回原因"
		} else if len([]rune(reason)) > 500 {
			fe["reason"] = "退回原因请不超过500字"
		}
		if len([]rune(other)) > 100 {
			fe["materials"] = "其他材料请不超过100字"
		}
		ask := map[string]bool{}
		for _, c := range codes {
			ask[c] = true
		}
		var names []string
		for i := range a.Materials {
			if ask[a.Materials[i].Code] {
				a.Materials[i].Status = MaterialMissing
				names = append(names, a.Materials[i].Name)
				delete(ask, a.Materials[i].Code)
			}
		}
		if len(ask) > 0 {
			fe["materials"] = "所选材料不在该事项的材料清单中"
		}
		if other != "" {
			a.Materials = append(a.Materials, CheckedMaterial{
				Material: Material{Code: fmt.Sprintf("extra%d", len(a.Materials)+1), Name: other}, Status: MaterialMissing})
			names = append(names, other)
		}
		if len(names) == 0 {
			fe["materials"] = "请选择或填写需要补正的材料"
		}
		if len(fe) > 0 {
			return step{}, fe
		}
		s.pause(a, s.now())
		return step{Action: ActReturn, Note: reason, Materials: strings.Join(names, "、")}, nil
	})
}

// pause sends a case back to the window: the legal clock stops with the
// working days that were left (at least one, so a case returned on its
// last day still has a day when it comes back). A case returned after its
// legal deadline had none left: it stays late (PausedDays 0).
func (s *Service) pause(a *Application, at time.Time) {
	s.markStageLate(a, at)
	a.PausedDays = 0
	if !workdays.Overdue(s.cal.c.DueBy(a.DueOn), at) {
		a.PausedDays = max(s.cal.WorkdaysBetween(dateOf(at), a.DueOn), 1)
	}
	a.Status, a.StageLevel, a.StageDue = StatusReturned, QueueWindow, ""
}

// resume puts a returned case back in the queue of the stage that returned
// it: the clock runs on with the days that were left.
func (s *Service) resume(a *Application, today string) {
	a.Status = StatusProcessing
	a.StageLevel = a.CurrentStage().Level
	if a.PausedDays > 0 {
		a.DueOn = s.cal.AddWorkdays(today, a.PausedDays)
	} // else returned when already late: the passed deadline stands
	a.StageDue = s.cal.AddWorkdays(today, a.CurrentStage().Days)
	if a.StageDue > a.DueOn {
		a.StageDue = a.DueOn
	}
	a.PausedDays = 0
}

// Reject refuses the case with a reason: by the handler of its stage while
// in progress, or at the window (不予受理) while it waits there.
func (s *Service) Reject(ctx context.Context, v *access.Viewer, id int64, version int, reason string) (*Application, error) {
	return s.act(ctx, v, id, version, func(a *Application) (string, error) {
		switch a.Status {
		case StatusProcessing:
			return HandlePerm(a.CurrentStage().Level), nil
		case StatusIncomplete, StatusReturned:
			return PermIntake, nil
		}
		return "", &StateError{"该办件" + a.StatusName() + ",不能再作不予批准处理"}
	}, func(a *Application, today string) (step, error) {
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return step{}, fault.Fields{"reason": "请填写不予批准的理由"}
		}
		if len([]rune(reason)) > 500 {
			return step{}, fault.Fields{"reason": "理由请不超过500字"}
		}
		s.finish(a, StatusRejected, s.now())
		return step{Action: ActReject, Note: reason}, nil
	})
}

// NotifyRef is the outbox reference of an application's messages.
func NotifyRef(id int64) string { return fmt.Sprintf("application:%d", id) }

// FaultKind makes a step the application's state does not allow a
// fault.Illegal.
func (e *StateError) FaultKind() fault.Kind { return fault.Illegal }
