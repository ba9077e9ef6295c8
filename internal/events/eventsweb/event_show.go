package eventsweb

import (
	"encoding/json"
	"net/http"
	"slices"

	"shequ/internal/events"
	"shequ/internal/web"
)

// The event's page: what happened, every step newest first, the actions
// the viewer may take now and, for a dispute, its mediation record.

type eventStepView struct {
	events.Step
	Label   string
	Dept    string
	Details []string
}

type eventData struct {
	E          *events.Event
	Base       string
	Category   string
	Community  string
	Grid       string
	Place      string
	Dept       string
	Reporter   string
	Phone      string
	Overdue    bool
	Steps      []eventStepView
	Actions    []string
	Mediation  *events.Mediation
	CanMediate bool
	Supervised []eventSupervisionView

	// Choices for the action forms.
	DefaultRoute string // accept: street when the category is handled above the community
	DefaultDept  string // dispatch: the category's department
	Departments  []web.Option
	Categories   []optGroup
	Units        []web.Option // for 改地点: the grids and buildings of the event's community
	Transfer     []optGroup
	Grades       []web.Option
	Sides        []web.Option
	Outcomes     []web.Option
	Disputes     []string

	Failed string // the action that was refused, whose form shows Error and Errors
	Error  string
	Errors map[string]string
}

type eventSupervisionView struct {
	Grade, Step, Target, At string
}

// loadEvent reads the event the path names, or answers the error page.
func (h *handler) loadEvent(w http.ResponseWriter, r *http.Request, rq *web.Request) (*events.Event, bool) {
	id, _ := web.PathID(r)
	e, err := h.Events.Get(r.Context(), rq.Viewer, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return nil, false
	}
	return e, true
}

func (h *handler) eventPage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	h.renderEvent(w, r, rq, http.StatusOK, e, eventData{})
}

func (h *handler) renderEvent(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, e *events.Event, d eventData) {
	ctx := r.Context()
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	depts, err := h.Events.Departments(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.E, d.Base, d.Category, d.Dept = e, eventBase(rq.Viewer, e), cat.Name(e.Category), depts[e.Department]
	eff := cat.Effective(e.Category)
	d.DefaultRoute, d.DefaultDept = eff.Level, eff.Department
	d.Overdue = e.Overdue(h.Events.Now())
	if u, err := h.Org.Get(ctx, e.CommunityID); err == nil {
		d.Community = u.Name
	}
	if u, err := h.Org.Get(ctx, e.GridID); err == nil && e.GridID != 0 {
		d.Grid = u.Name
	}
	if u, err := h.Org.Get(ctx, e.OrgID); err == nil && e.OrgID != e.GridID && e.OrgID != e.CommunityID {
		d.Place = u.Name
	}
	d.Reporter, d.Phone = events.Reporter(rq.Viewer, e)
	steps, err := h.Events.Steps(ctx, e)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for i := len(steps) - 1; i >= 0; i-- { // newest first
		st := steps[i]
		sv := eventStepView{Step: st, Label: events.ActionNames[st.Action], Dept: depts[st.Department]}
		sv.Details = stepDetails(cat, st)
		d.Steps = append(d.Steps, sv)
	}
	d.Actions = h.Events.Allowed(ctx, rq.Viewer, e)
	if len(d.Actions) > 0 {
		d.Departments = departmentOptions(depts)
		if d.Categories, err = h.categoryGroups(ctx, false, false); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.Grades = options([]string{events.GradeNormal, events.GradeYellow, events.GradeRed}, events.GradeNames)
		if slices.Contains(d.Actions, events.ActReroute) {
			if d.Units, err = h.communityUnits(ctx, e.CommunityID); err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
		}
		if slices.Contains(d.Actions, events.ActTransfer) {
			if d.Transfer, err = h.reportPlaces(ctx, rq.Viewer.Scope(events.PermReport)); err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
		}
	}
	if d.Mediation, err = h.Events.Mediation(ctx, rq.Viewer, e); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Mediation != nil {
		d.CanMediate = events.CanMediate(rq.Viewer, e)
		d.Sides = options([]string{"applicant", "respondent", "third"}, events.SideNames)
		d.Outcomes = options([]string{"", "success", "partial", "failed", "withdrawn", "referred"}, events.OutcomeNames)
		d.Disputes = events.DisputeTypes
		// Room for one more party and mediator on the form.
		d.Mediation.Parties = append(d.Mediation.Parties, events.Party{})
		d.Mediation.Mediators = append(d.Mediation.Mediators, events.Mediator{})
	}
	title := e.Title + " · " + e.TrackingNo
	h.tmpl.Render(w, r, status, "event", web.NewPage(rq, title, "events", d))
}

// stepDetails says what a step changed beyond its action and note.
func stepDetails(cat *events.Catalogue, st events.Step) []string {
	if st.Data == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(st.Data), &m); err != nil {
		return nil
	}
	s := func(k string) string { v, _ := m[k].(string); return v }
	switch st.Action {
	case events.ActRecategorise:
		out := []string{"类别:" + cat.Name(s("from_category")) + " → " + cat.Name(s("to_category"))}
		if s("from_urgency") != s("to_urgency") {
			out = append(out, "紧急程度:"+events.UrgencyNames[s("from_urgency")]+" → "+events.UrgencyNames[s("to_urgency")])
		}
		return out
	case events.ActReroute:
		if a := s("to_address"); a != "" {
			return []string{"地址改为:" + a}
		}
	case events.ActMerge:
		return []string{"合并到 " + s("tracking_no")}
	case events.ActTransfer:
		return []string{"转办为 " + s("to_tracking_no")}
	case events.ActAccept:
		if s("route") == events.LevelStreet {
			return []string{"上报街道"}
		}
		return []string{"社区自办"}
	case events.ActSupervise, events.ActTimeout:
		return []string{events.GradeNames[s("grade")]}
	}
	return nil
}
