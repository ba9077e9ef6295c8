package events

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Action is one step someone takes on an event.
type Action struct {
	Name       string // ActAccept, ActDispatch …
	Version    int    // the event's version the actor saw; 0 skips the check (API clients that do not track it)
	Note       string // for staff; required to refuse, send back, return, rework, transfer
	PublicNote string // the answer shown to the reporter

	Route      string  // accept: community (社区自办) or street (上报街道)
	Department string  // dispatch: the department's code
	Category   string  // recategorise: the new 小类
	Urgency    string  // recategorise: the new urgency ("" keeps it)
	OrgID      int64   // reroute: the new unit in the same community; transfer: a unit in another community
	Address    string  // reroute: the new address ("" keeps it)
	MergeInto  string  // merge: the tracking number (or id) of the event kept
	Rating     int     // rate: 1–5
	Comment    string  // rate: the reporter's words
	Grade      string  // supervise: normal, yellow, red
	Photos     []Photo // prepared with PreparePhoto

	actorName string // who the step names instead of the viewer (the public rating page: 群众)
}

// Limits of an action's texts.
const (
	MaxNote       = 1000
	MaxPublicNote = 500
)

// Act takes an action on an event for v: it checks that the event's status
// allows the action (IllegalError otherwise), that v may take it in some
// capacity (ErrForbidden), that the event has not changed since v read it
// (ConflictError) and the action's own fields (fault.Fields); then it
// records the step with its photos, moves the clock, and enqueues the
// notifications, all in one transaction.
func (s *Store) Act(ctx context.Context, v *access.Viewer, id int64, a Action) (*Event, error) {
	d, ok := machine[a.Name]
	if !ok {
		return nil, fault.Fields{"action": "未知的办理操作"}
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if len(a.Photos) > MaxPhotos {
		return nil, fault.Fields{"photos": "照片最多6张"}
	}
	// Warm the caches the transaction reads (the event's place, the
	// departments), so that it needs no second connection.
	if pre, err := s.load(ctx, s.db, id); err == nil {
		if _, err := s.placeOf(ctx, pre.CommunityID); err != nil {
			return nil, err
		}
	}
	if _, err := s.Departments(ctx); err != nil {
		return nil, err
	}
	var out *Event
	err = s.tx(ctx, func(tx *sql.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanSee(v, e) {
			return ErrNotFound
		}
		if a.Version != 0 && a.Version != e.Version {
			since, err := s.steps(ctx, tx, e, a.Version)
			if err != nil {
				return err
			}
			return &ConflictError{Since: since, Zone: s.Zone}
		}
		if !d.allowedFrom(e.Status) {
			return &IllegalError{Action: a.Name, Status: e.Status}
		}
		ok, unit, err := s.may(ctx, v, a.Name, e)
		if err != nil {
			return err
		}
		if !ok {
			return ErrForbidden
		}
		now := s.now()
		prev := *e
		st := &Step{Action: a.Name, FromStatus: e.Status, ActorUserID: v.UserID, ActorName: s.actorName(ctx, v), ActorUnit: unit,
			Level: e.Level, Note: strings.TrimSpace(a.Note), PublicNote: strings.TrimSpace(a.PublicNote), CreatedAt: now}
		if a.actorName != "" {
			st.ActorName, st.ActorUnit = a.actorName, ""
		}
		fe := fault.Fields{}
		if d.needNote && st.Note == "" {
			fe["note"] = "请填写" + ActionNames[a.Name] + "的理由"
		}
		if utf8.RuneCountInString(st.Note) > MaxNote {
			fe["note"] = "说明不能超过1000个字"
		}
		if utf8.RuneCountInString(st.PublicNote) > MaxPublicNote {
			fe["public_note"] = "答复不能超过500个字"
		}
		after, err := s.apply(ctx, tx, v, cat, cal, e, st, &a, fe, now)
		if err != nil {
			return err
		}
		if len(fe) > 0 {
			return fe
		}
		e.Status = target(a.Name, &prev, &a)
		st.ToStatus = e.Status
		st.Level = e.Level

		// The clock: a step done late is marked; a new timed step starts
		// its own deadline.
		oldStep, newStep := stepOf(prev.Status), stepOf(e.Status)
		restart := oldStep != newStep || a.Name == ActRework || a.Name == ActApproveReturn
		if oldStep != "" && restart {
			st.Late = overdue(prev.DueAt, now)
		}
		switch {
		case a.Name == ActRefuseReturn && !e.HandleDueAt.IsZero():
			// The department resumes its handling under its original deadline.
			e.DueStep, e.StepStartedAt, e.DueAt, e.Supervision = StepHandle, e.DispatchedAt, e.HandleDueAt, ""
			e.TimerAt = nextTimer(cat, cal, e)
			st.DueAt = e.DueAt
		case restart:
			startClock(cat, cal, e, now)
			st.DueAt = e.DueAt
			if newStep == StepHandle {
				e.HandleDueAt = e.DueAt
			}
		case a.Name == ActRecategorise && e.DueStep != "":
			// New limits, counted from when the step started.
			e.DueAt = cat.Limit(e.Category, e.DueStep, e.Urgency).From(cal, e.StepStartedAt)
			if e.DueStep == StepHandle {
				e.HandleDueAt = e.DueAt
			}
			e.TimerAt = nextTimer(cat, cal, e)
			st.DueAt = e.DueAt
		}
		if a.Name == ActFeedback {
			late := st.Late
			onTime := !late && (prev.OnTime == nil || *prev.OnTime)
			e.OnTime = &onTime
			start := e.DispatchedAt
			if prev.Status == StatusCommunity || start.IsZero() {
				start = e.AcceptedAt
			}
			if start.IsZero() {
				start = e.CreatedAt
			}
			m := int(cal.WorkingTimeBetween(start, now) / time.Minute)
			e.HandlingMinutes = &m
		}
		e.Version++
		e.UpdatedAt = now
		if err := s.updateEvent(ctx, tx, e, prev.Version); err != nil {
			return err
		}
		if err := s.insertStep(ctx, tx, e, st, a.Photos); err != nil {
			return err
		}
		if restart || Final(e.Status) {
			if _, err := tx.ExecContext(ctx, `UPDATE event_supervisions SET resolved_at = $1
				WHERE community_id = $2 AND event_id = $3 AND resolved_at = ''`, fmtT(now), e.CommunityID, e.ID); err != nil {
				return err
			}
		}
		if after != nil {
			if err := after(); err != nil {
				return err
			}
		}
		if err := s.notifyStep(ctx, tx, e, st, prev.Status); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.forgetPublic(out.TrackingNo)
	return out, nil
}

// apply checks and makes the changes particular to an action (other than
// the status and the clock), adding bad fields to fe. It may return work
// to do once the event row is updated.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, v *access.Viewer, cat *Catalogue, cal *workdays.Calendar,
	e *Event, st *Step, a *Action, fe fault.Fields, now time.Time) (func() error, error) {
	switch a.Name {
	case ActAccept:
		switch a.Route {
		case LevelCommunity:
		case LevelStreet:
			e.Level = LevelStreet
		default:
			fe["route"] = "请选择社区自办或上报街道"
		}
		e.AcceptedAt = now
		st.Data = jsonData(map[string]string{"route": a.Route})
	case ActEscalate:
		e.Level = LevelStreet
	case ActSendBack:
		e.Level = LevelCommunity
	case ActEscalateDistrict:
		e.Level = LevelDistrict
	case ActDispatch:
		names, err := s.Departments(ctx)
		if err != nil {
			return nil, err
		}
		if a.Department == "" {
			a.Department = cat.Effective(e.Category).Department
			if a.Department == "" {
				fe["department"] = "请选择派遣的部门"
			}
		} else if names[a.Department] == "" {
			fe["department"] = "部门不存在"
		}
		e.Department, e.DispatchedBy, e.DispatchedAt, e.AssigneeUserID = a.Department, e.Level, now, 0
		st.Department = a.Department
	case ActTake:
		e.AssigneeUserID = v.UserID
		st.Department = e.Department
	case ActRequestReturn:
		st.Department = e.Department
	case ActFeedback:
		st.Department = e.Department
		e.FeedbackAt = now
	case ActApproveReturn:
		st.Department = e.Department
		e.Department, e.AssigneeUserID = "", 0
	case ActRework:
		e.ReworkCount++
		st.Department = e.Department
	case ActClose:
		e.ClosedAt = now
	case ActRate:
		if e.Rating != 0 {
			return nil, &IllegalError{Action: ActRate, Status: e.Status}
		}
		return nil, s.rate(e, a.Rating, a.Comment, fe, now)
	case ActRecategorise:
		c, ok := cat.Get(a.Category)
		if a.Urgency == "" {
			a.Urgency = e.Urgency
		}
		switch {
		case !ok || !c.Active || c.Parent == "":
			fe["category"] = "请选择有效的小类"
		case UrgencyNames[a.Urgency] == "":
			fe["urgency"] = "紧急程度无效"
		case a.Category == e.Category && a.Urgency == e.Urgency:
			fe["category"] = "类别和紧急程度都没有变化"
		}
		st.Data = jsonData(map[string]string{"from_category": e.Category, "to_category": a.Category,
			"from_urgency": e.Urgency, "to_urgency": a.Urgency})
		e.Category, e.Urgency = a.Category, a.Urgency
		if ok && c.Kind == KindDispute {
			return func() error { return createMediation(ctx, tx, e, now) }, nil
		}
	case ActReroute:
		p, _, err := s.resolvePlace(ctx, tx, a.OrgID)
		switch {
		case errors.Is(err, ErrNotFound):
			fe["org"] = "所选地点不存在"
		case err != nil:
			return nil, err
		case p.Community != e.CommunityID:
			fe["org"] = "新地点在另一个社区,请用转办"
		case !v.CanAt(PermRead, p) && !v.CanAt(PermDispatch, p):
			fe["org"] = "新地点不在您负责的范围内"
		case p == e.Place() && strings.TrimSpace(a.Address) == "":
			fe["org"] = "地点没有变化"
		}
		st.Data = jsonData(map[string]any{"from_org": e.OrgID, "to_org": p.Org, "from_grid": e.GridID, "to_grid": p.Grid,
			"from_address": e.Address, "to_address": strings.TrimSpace(a.Address)})
		if len(fe) == 0 {
			e.GridID, e.OrgID = p.Grid, p.Org
			if addr := strings.TrimSpace(a.Address); addr != "" {
				e.Address = addr
			}
		}
	case ActMerge:
		kept, err := s.findForMerge(ctx, tx, v, e, a.MergeInto)
		if err != nil {
			return nil, err
		}
		if kept == nil {
			fe["merge_into"] = "请填写保留的事件受理号(同一社区、尚未办结)"
			return nil, nil
		}
		e.MergedInto = kept.ID
		st.Data = jsonData(map[string]any{"merged_into": kept.ID, "tracking_no": kept.TrackingNo})
		return func() error {
			return s.insertStep(ctx, tx, kept, &Step{Action: ActComment, FromStatus: kept.Status, ToStatus: kept.Status,
				ActorUserID: v.UserID, ActorName: st.ActorName, ActorUnit: st.ActorUnit, Level: kept.Level,
				Note: "合并了重复上报的事件 " + e.TrackingNo, CreatedAt: now}, nil)
		}, nil
	case ActTransfer:
		return s.transfer(ctx, tx, v, cat, cal, e, st, a, fe, now)
	case ActSupervise:
		if GradeNames[a.Grade] == "" {
			fe["grade"] = "请选择督办级别"
			return nil, nil
		}
		if stepOf(e.Status) == "" {
			fe["grade"] = "该事件当前没有计时环节"
			return nil, nil
		}
		st.Data = jsonData(map[string]string{"grade": a.Grade})
		if gradeRank(a.Grade) > gradeRank(e.Supervision) {
			e.Supervision = a.Grade
			e.TimerAt = nextTimer(cat, cal, e)
		}
		return func() error {
			return s.supervise(ctx, tx, e, a.Grade, v, st.Note, now)
		}, nil
	}
	return nil, nil
}

func (s *Store) rate(e *Event, rating int, comment string, fe fault.Fields, now time.Time) error {
	if rating < 1 || rating > 5 {
		fe["rating"] = "请选择1到5星"
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 300 {
		fe["comment"] = "评价内容不能超过300个字"
	}
	e.Rating, e.RatingComment, e.RatedAt = rating, comment, now
	return nil
}

// findForMerge finds the event a duplicate is merged into: by tracking
// number or id, open, in the same community, visible to v, not e itself.
func (s *Store) findForMerge(ctx context.Context, tx *sql.Tx, v *access.Viewer, e *Event, ref string) (*Event, error) {
	ref = strings.TrimSpace(ref)
	var kept *Event
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		kept, err = s.load(ctx, tx, id)
	} else if no := NormalizeTracking(ref); no != "" {
		kept, err = scanEvent(tx.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events e WHERE e.tracking_no = $1`, no))
		if errors.Is(err, sql.ErrNoRows) {
			err = ErrNotFound
		}
	} else {
		return nil, nil
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if kept.ID == e.ID || kept.CommunityID != e.CommunityID || Final(kept.Status) || !CanSee(v, kept) {
		return nil, nil
	}
	return kept, nil
}

// transfer hands an event to another community (转办): a new event there,
// reported afresh with a note of where it came from; this one ends.
func (s *Store) transfer(ctx context.Context, tx *sql.Tx, v *access.Viewer, cat *Catalogue, cal *workdays.Calendar,
	e *Event, st *Step, a *Action, fe fault.Fields, now time.Time) (func() error, error) {
	p, _, err := s.resolvePlace(ctx, tx, a.OrgID)
	switch {
	case errors.Is(err, ErrNotFound):
		fe["org"] = "请选择接收的社区、网格或楼栋"
		return nil, nil
	case err != nil:
		return nil, err
	case p.Community == e.CommunityID:
		fe["org"] = "同一社区内请用改地点"
		return nil, nil
	case !v.CanAt(PermReport, p):
		fe["org"] = "接收地点不在您可以上报的范围内"
		return nil, nil
	}
	n := *e
	n.CommunityID, n.GridID, n.OrgID, n.ID = p.Community, p.Grid, p.Org, database.NewID()
	n.Status, n.Level, n.Department, n.DispatchedBy, n.AssigneeUserID, n.MergedInto = StatusReported, LevelCommunity, "", "", 0, 0
	n.AcceptedAt, n.DispatchedAt, n.FeedbackAt, n.ClosedAt, n.HandleDueAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	n.OnTime, n.HandlingMinutes, n.ReworkCount, n.Rating, n.RatingComment, n.RatedAt = nil, nil, 0, 0, "", time.Time{}
	n.Version, n.CreatedAt, n.UpdatedAt, n.Open311Token = 1, now, now, ""
	n.TrackingNo = newTracking(now)
	startClock(cat, cal, &n, now)
	st.Data = jsonData(map[string]any{"to_event": n.ID, "to_tracking_no": n.TrackingNo, "to_community": p.Community})
	return func() error {
		if err := s.insertEvent(ctx, tx, &n); err != nil {
			return err
		}
		if err := s.insertStep(ctx, tx, &n, &Step{Action: ActReport, ToStatus: StatusReported, ActorUserID: v.UserID,
			ActorName: st.ActorName, ActorUnit: st.ActorUnit, Level: LevelCommunity, DueAt: n.DueAt,
			Note: "由事件 " + e.TrackingNo + " 转办:" + st.Note, CreatedAt: now}, nil); err != nil {
			return err
		}
		// The reporter's photos go with it.
		rows, err := tx.QueryContext(ctx, `SELECT name, content_type, data, width, height FROM event_attachments
			WHERE community_id = $1 AND event_id = $2 AND public = 1`, e.CommunityID, e.ID)
		if err != nil {
			return err
		}
		var photos []Photo
		for rows.Next() {
			var ph Photo
			if err := rows.Scan(&ph.Name, &ph.ContentType, &ph.Data, &ph.Width, &ph.Height); err != nil {
				rows.Close()
				return err
			}
			photos = append(photos, ph)
		}
		rows.Close()
		if len(photos) > 0 {
			if err := s.insertStep(ctx, tx, &n, &Step{Action: ActComment, FromStatus: StatusReported, ToStatus: StatusReported,
				ActorUserID: v.UserID, ActorName: st.ActorName, ActorUnit: st.ActorUnit, Note: "原事件照片", CreatedAt: now}, photos); err != nil {
				return err
			}
		}
		return s.notifyStep(ctx, tx, &n, &Step{Action: ActReport, ToStatus: StatusReported}, "")
	}, nil
}

func (s *Store) updateEvent(ctx context.Context, q database.Querier, e *Event, prevVersion int) error {
	var onTime, minutes any
	if e.OnTime != nil {
		onTime = b2i(*e.OnTime)
	}
	if e.HandlingMinutes != nil {
		minutes = *e.HandlingMinutes
	}
	var rating any
	if e.Rating != 0 {
		rating = e.Rating
	}
	res, err := q.ExecContext(ctx, `UPDATE events SET grid_id = $1, org_id = $2, category = $3, urgency = $4, address = $5,
		status = $6, level = $7, department = $8, dispatched_by = $9, assignee_user_id = $10, merged_into = $11,
		due_step = $12, step_started_at = $13, due_at = $14, supervision = $15, timer_at = $16, handle_due_at = $17,
		accepted_at = $18, dispatched_at = $19, feedback_at = $20, closed_at = $21, on_time = $22, handling_minutes = $23,
		rework_count = $24, rating = $25, rating_comment = $26, rated_at = $27, version = $28, updated_at = $29
		WHERE community_id = $30 AND id = $31 AND version = $32`,
		nullInt(e.GridID), e.OrgID, e.Category, e.Urgency, e.Address, e.Status, e.Level, nullStr(e.Department),
		e.DispatchedBy, nullInt(e.AssigneeUserID), nullInt(e.MergedInto), e.DueStep, fmtT(e.StepStartedAt),
		fmtT(e.DueAt), e.Supervision, fmtT(e.TimerAt), fmtT(e.HandleDueAt), fmtT(e.AcceptedAt), fmtT(e.DispatchedAt),
		fmtT(e.FeedbackAt), fmtT(e.ClosedAt), onTime, minutes, e.ReworkCount, rating, e.RatingComment, fmtT(e.RatedAt),
		e.Version, fmtT(e.UpdatedAt), e.CommunityID, e.ID, prevVersion)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &ConflictError{}
	}
	return nil
}
