package visitsweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/visits"
	"shequ/internal/web"
)

// 办百家事 in one step: the need a visit found becomes an event (报事件) on
// the visit form or on the visit's page, and 代办申请 opens the hall's
// intake with the member as applicant.

// needForm is the need's fields as typed.
type needForm struct {
	Category, Urgency, Description string
	Categories                     []events.Category
	Urgencies                      []web.Option
	Errors                         map[string]string
}

func needFormOf(r *http.Request) needForm {
	return needForm{Category: strings.TrimSpace(r.PostFormValue("need_category")), Urgency: r.PostFormValue("need_urgency"),
		Description: r.PostFormValue("need_description")}
}

// need is the need typed, nil when the worker reports none.
func (f needForm) need() *visits.Need {
	if f.Category == "" && strings.TrimSpace(f.Description) == "" {
		return nil
	}
	return &visits.Need{Category: f.Category, Urgency: f.Urgency, Description: f.Description}
}

// fill adds the choices to the form.
func (h *handler) fillNeed(r *http.Request, f *needForm) error {
	var err error
	f.Categories, err = h.Visits.NeedCategories(r.Context())
	f.Urgencies = []web.Option{{Value: events.UrgencyNormal, Label: events.UrgencyNames[events.UrgencyNormal]},
		{Value: events.UrgencyUrgent, Label: events.UrgencyNames[events.UrgencyUrgent]},
		{Value: events.UrgencyCritical, Label: events.UrgencyNames[events.UrgencyCritical]}}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	return err
}

// mayIntake says whether the viewer may take applications for the
// household's members (代办).
func mayIntake(rq *web.Request, hh register.Household) bool {
	return rq.Viewer.CanAt(services.PermIntake, hh.Place())
}

type visitData struct {
	Visit     visits.Visit
	Household register.Household
	Members   []register.Person
	MayIntake bool
	MayReport bool
	Need      needForm
}

func (h *handler) visit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderVisit(w, r, rq, http.StatusOK, pathID(r, "visit"), needForm{})
}

func (h *handler) renderVisit(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, id int64, nf needForm) {
	ctx := r.Context()
	v, err := h.Visits.Visit(ctx, rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	hh, err := h.Register.Household(ctx, rq.Read(), v.HouseholdID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := visitData{Visit: v, Household: hh, MayIntake: mayIntake(rq, hh), Need: nf,
		MayReport: v.EventID == 0 && rq.Viewer.CanAt(events.PermReport, hh.Place())}
	if d.MayIntake {
		ms, err := h.Register.Members(ctx, rq.Read(), hh)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		for _, p := range ms {
			if p.Status == "active" {
				d.Members = append(d.Members, p)
			}
		}
	}
	if err := h.fillNeed(r, &d.Need); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "visit", web.NewPage(rq, "走访记录 "+hh.Number+" "+v.VisitedOn, "visits", d))
}

// reportNeed is 报事件 after the visit was recorded.
func (h *handler) reportNeed(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "visit")
	nf := needFormOf(r)
	n := nf.need()
	if n == nil {
		n = &visits.Need{}
	}
	e, err := h.Visits.ReportNeed(r.Context(), rq.Viewer, id, *n)
	if fe := fault.FieldsOf(err); fe != nil {
		nf.Errors = fe
		h.renderVisit(w, r, rq, http.StatusUnprocessableEntity, id, nf)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "event", e.ID
	h.kit.SetFlash(w, "visit_event_reported")
	http.Redirect(w, r, "/visits/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
