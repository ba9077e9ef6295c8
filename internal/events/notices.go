package events

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/notify"
)

// Who is told what. Each step tells the people who must act next (the
// community office, a platform, a department's duty phone, the grid
// worker) and, at the steps a resident cares about, the reporter. Staff
// numbers come from event_contacts (and org_staff for grid workers);
// messages go through the notify outbox in the step's transaction, keyed
// by step and recipient so a retry never sends twice. Texts carry the
// tracking number and category, never the reporter's name or phone.

// Recipients of a notice: a level's office, a department, or the grid.
const (
	targetCommunity = "level:community"
	targetStreet    = "level:street"
	targetDistrict  = "level:district"
	targetGrid      = "grid"
)

func targetDept(code string) string { return "dept:" + code }

type contact struct {
	Ref    string // "c" and the event_contacts id, or "s" and the org_staff id: names the recipient in keys and logs
	Name   string
	Phone  string
	UserID int64
}

// contacts finds who receives notices for a target of e.
func (s *Store) contacts(ctx context.Context, q database.Querier, e *Event, target string) ([]contact, error) {
	p, err := s.placeOf(ctx, e.CommunityID)
	if err != nil {
		return nil, err
	}
	scan := func(query string, args ...any) ([]contact, error) {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []contact
		for rows.Next() {
			var c contact
			if err := rows.Scan(&c.Ref, &c.Name, &c.Phone, &c.UserID); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	switch {
	case target == targetGrid:
		if e.GridID == 0 {
			return s.contacts(ctx, q, e, targetCommunity)
		}
		return scan(`SELECT 's' || CAST(id AS TEXT), name, phone, COALESCE(user_id, 0) FROM org_staff
			WHERE unit_id = $1 AND role = 'grid_worker' AND phone <> '' AND ended_on IS NULL
			UNION ALL SELECT 'c' || CAST(id AS TEXT), name, phone, COALESCE(user_id, 0) FROM event_contacts
			WHERE unit_id = $1 AND department = ''`, e.GridID)
	case strings.HasPrefix(target, "level:"):
		unit := p.Community.ID
		switch target {
		case targetStreet:
			unit = p.Street.ID
		case targetDistrict:
			unit = p.District.ID
		}
		if unit == 0 {
			return nil, nil
		}
		return scan(`SELECT 'c' || CAST(id AS TEXT), name, phone, COALESCE(user_id, 0) FROM event_contacts
			WHERE unit_id = $1 AND department = ''`, unit)
	case strings.HasPrefix(target, "dept:"):
		// The department's contact at the nearest unit up the tree.
		dept := strings.TrimPrefix(target, "dept:")
		for i := len(p.ancestors) - 1; i >= 0; i-- {
			cs, err := scan(`SELECT 'c' || CAST(id AS TEXT), name, phone, COALESCE(user_id, 0) FROM event_contacts
				WHERE unit_id = $1 AND department = $2`,
				p.ancestors[i], dept)
			if err != nil || len(cs) > 0 {
				return cs, err
			}
		}
	}
	return nil, nil
}

// send enqueues one text to every contact of a target.
func (s *Store) send(ctx context.Context, q database.Querier, e *Event, key, target, text string) error {
	cs, err := s.contacts(ctx, q, e, target)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if err := notify.Enqueue(ctx, q, notify.Message{Community: e.CommunityID, Key: key + ":" + target + ":" + c.Ref,
			To: c.Phone, UserID: c.UserID, Body: "【社区事件】" + text, Ref: e.Ref()}); err != nil {
			return err
		}
	}
	return nil
}

// tellReporter texts the reporter, when they left a number.
func (s *Store) tellReporter(ctx context.Context, q database.Querier, e *Event, key, text string) error {
	if e.ReporterPhone == "" || e.Anonymous {
		return nil
	}
	if s.PublicURL != "" {
		text += "查询进度:" + strings.TrimRight(s.PublicURL, "/") + "/public/events/track?no=" + e.TrackingNo
	}
	return notify.Enqueue(ctx, q, notify.Message{Community: e.CommunityID, Key: key + ":reporter", To: e.ReporterPhone,
		Body: "【社区事件】" + text, Ref: e.Ref()})
}

func (s *Store) dueText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ",时限 " + t.In(zoneOr(s.Zone)).Format("01-02 15:04")
}

// notifyStep tells the people concerned about a step just taken.
func (s *Store) notifyStep(ctx context.Context, q database.Querier, e *Event, st *Step, prevStatus string) error {
	cat, err := s.catalogueNow(ctx)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("event:%d:step:%d", e.ID, st.ID)
	what := cat.Name(e.Category) + " " + e.TrackingNo
	office := "level:" + e.Level
	switch st.Action {
	case ActReport:
		if err := s.tellReporter(ctx, q, e, key, "您反映的问题已收到,受理号 "+e.TrackingNo+"。"); err != nil {
			return err
		}
		return s.send(ctx, q, e, key, targetCommunity, "新上报事件待受理:"+what+s.dueText(e.DueAt))
	case ActFile:
		if prevStatus == StatusReported { // taken in at a platform directly
			return s.send(ctx, q, e, key, office, "新事件待派遣:"+what+s.dueText(e.DueAt))
		}
	case ActAccept:
		if err := s.tellReporter(ctx, q, e, key, "您反映的问题(受理号 "+e.TrackingNo+")已受理,正在办理。"); err != nil {
			return err
		}
		if e.Status == StatusEscalated {
			return s.send(ctx, q, e, key, targetStreet, "社区上报事件待立案:"+what+s.dueText(e.DueAt))
		}
	case ActReject:
		reason := st.PublicNote
		if reason == "" {
			reason = "详情可凭受理号查询"
		}
		return s.tellReporter(ctx, q, e, key, "您反映的问题(受理号 "+e.TrackingNo+")未予受理:"+reason+"。")
	case ActEscalate:
		return s.send(ctx, q, e, key, targetStreet, "社区上报事件待立案:"+what+s.dueText(e.DueAt))
	case ActSendBack:
		return s.send(ctx, q, e, key, targetCommunity, "街道退回事件,请社区办理:"+what+s.dueText(e.DueAt))
	case ActEscalateDistrict:
		return s.send(ctx, q, e, key, targetDistrict, "街道上报事件待派遣:"+what+s.dueText(e.DueAt))
	case ActDispatch:
		names, err := s.Departments(ctx)
		if err != nil {
			return err
		}
		if err := s.tellReporter(ctx, q, e, key, "您反映的问题(受理号 "+e.TrackingNo+")已交"+names[e.Department]+"办理。"); err != nil {
			return err
		}
		return s.send(ctx, q, e, key, targetDept(e.Department), "派遣事件待处置:"+what+s.dueText(e.DueAt))
	case ActRequestReturn:
		return s.send(ctx, q, e, key, "level:"+e.DispatchedBy, "部门申请退回事件:"+what)
	case ActRefuseReturn:
		return s.send(ctx, q, e, key, targetDept(e.Department), "退回申请未获同意,请继续处置:"+what+s.dueText(e.DueAt))
	case ActFeedback:
		return s.send(ctx, q, e, key, targetGrid, "事件已处置,请到现场核查:"+what+s.dueText(e.DueAt))
	case ActRework:
		t := targetCommunity
		if e.Department != "" && e.Level != LevelCommunity {
			t = targetDept(e.Department)
		}
		return s.send(ctx, q, e, key, t, "核查未通过,请返工:"+what+s.dueText(e.DueAt))
	case ActVerifyPass:
		return s.send(ctx, q, e, key, office, "事件核查通过,待结案:"+what)
	case ActClose:
		return s.tellReporter(ctx, q, e, key, "您反映的问题(受理号 "+e.TrackingNo+")已办结,欢迎评价。")
	}
	return nil
}

// handlerOf is who must act on e now; supervisorOf who supervises them.
func handlerOf(e *Event) string {
	switch e.Status {
	case StatusReported, StatusCommunity:
		return targetCommunity
	case StatusEscalated, StatusFiled:
		return targetStreet
	case StatusDistrict:
		return targetDistrict
	case StatusReturnRequested:
		return "level:" + e.DispatchedBy
	case StatusDispatched, StatusHandling:
		return targetDept(e.Department)
	case StatusVerifying:
		return targetGrid
	case StatusVerified:
		return "level:" + e.Level
	}
	return ""
}

func supervisorOf(e *Event, target string) string {
	switch {
	case target == targetGrid:
		return targetCommunity
	case target == targetCommunity:
		return targetStreet
	case target == targetStreet, target == targetDistrict:
		return targetDistrict
	case strings.HasPrefix(target, "dept:"):
		if e.DispatchedBy == LevelDistrict {
			return targetDistrict
		}
		return targetStreet
	}
	return ""
}

// TargetName names a notice's target in Chinese: 城北社区, 城市管理, 网格员.
func (s *Store) TargetName(ctx context.Context, e *Event, target string) string {
	p, err := s.placeOf(ctx, e.CommunityID)
	if err != nil {
		return target
	}
	switch {
	case target == targetGrid:
		return "网格员"
	case strings.HasPrefix(target, "level:"):
		return p.UnitName(strings.TrimPrefix(target, "level:"))
	case strings.HasPrefix(target, "dept:"):
		names, _ := s.Departments(ctx)
		if n := names[strings.TrimPrefix(target, "dept:")]; n != "" {
			return n
		}
	}
	return target
}

// supervise issues a 督办 notice of a grade on e's current step: recorded,
// and sent to the handler (普通), and its supervisor (黄牌), and the
// supervisor's supervisor (红牌, the escalation). by is nil for the
// scheduler.
func (s *Store) supervise(ctx context.Context, q database.Querier, e *Event, grade string, by *access.Viewer, note string, now time.Time) error {
	target := handlerOf(e)
	sup := supervisorOf(e, target)
	recipients := []string{target}
	if gradeRank(grade) >= gradeRank(GradeYellow) && sup != "" && sup != target {
		recipients = append(recipients, sup)
	}
	if grade == GradeRed {
		if top := supervisorOf(e, sup); top != "" && top != sup {
			recipients = append(recipients, top)
		}
	}
	id := database.NewID()
	var issuer any
	name := "系统"
	if by != nil {
		issuer, name = nullInt(by.UserID), by.Name
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO event_supervisions (community_id, event_id, id, grade, step, due_at, target,
		supervisor, issuer_user_id, issuer_name, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.CommunityID, e.ID, id, grade, e.DueStep, fmtT(e.DueAt), target, strings.Join(recipients[1:], ","), issuer, name,
		note, fmtT(now)); err != nil {
		return err
	}
	cat, err := s.catalogueNow(ctx)
	if err != nil {
		return err
	}
	state := "即将超期"
	if overdue(e.DueAt, now) {
		state = "已超期"
	}
	text := fmt.Sprintf("%s:%s %s,%s环节%s(时限 %s),请尽快办理。", GradeNames[grade], cat.Name(e.Category), e.TrackingNo,
		StepNames[e.DueStep], state, e.DueAt.In(zoneOr(s.Zone)).Format("01-02 15:04"))
	key := fmt.Sprintf("event:%d:supervision:%d", e.ID, id)
	for _, r := range recipients {
		if err := s.send(ctx, q, e, key, r, text); err != nil {
			return err
		}
	}
	return nil
}
