package volunteersweb

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/volunteers"
	"shequ/internal/web"
)

type activitiesData struct {
	Unit       orgtree.Unit
	Year       int
	Activities []volunteers.ActivityRow
}

func (h *handler) activities(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := activitiesData{Unit: u, Year: h.year(r)}
	var err error
	if d.Activities, err = h.Volunteers.Activities(r.Context(), staff(rq), u.ID, d.Year); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "activities", web.NewPage(rq, u.Name+" 志愿服务活动", "volunteers", d))
}

type activityFormData struct {
	Unit   orgtree.Unit
	Teams  []volunteers.Team
	Form   url.Values
	Errors map[string]string
}

func (h *handler) activityForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderActivityForm(w, r, rq, http.StatusOK, url.Values{"day": {h.Volunteers.NextDay()}, "from": {"08:30"},
		"to": {"11:30"}, "slots": {"10"}}, nil)
}

func (h *handler) renderActivityForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f url.Values, fe map[string]string) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := activityFormData{Unit: u, Form: f, Errors: fe}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	var err error
	if d.Teams, err = h.Volunteers.Teams(r.Context(), u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "activity_form", web.NewPage(rq, "新建志愿服务活动", "volunteers", d))
}

func shiftOf(r *http.Request) volunteers.ShiftInput {
	slots, _ := strconv.Atoi(r.PostFormValue("slots"))
	return volunteers.ShiftInput{Day: r.PostFormValue("day"), From: r.PostFormValue("from"), To: r.PostFormValue("to"), Slots: slots}
}

func (h *handler) createActivity(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	team, _ := strconv.ParseInt(r.PostFormValue("team"), 10, 64)
	a, err := h.Volunteers.CreateActivity(r.Context(), staff(rq), volunteers.ActivityInput{CommunityID: u.ID,
		Title: r.PostFormValue("title"), Content: r.PostFormValue("content"), Place: r.PostFormValue("place"),
		Kind: r.PostFormValue("kind"), TeamID: team, Skill: r.PostFormValue("skill"), Shift: shiftOf(r)})
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderActivityForm(w, r, rq, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "volunteer_activity_saved")
	http.Redirect(w, r, "/volunteer-activities/"+itoa(a.ID), http.StatusSeeOther)
}

type shiftView struct {
	volunteers.Shift
	URL string
	QR  template.HTML
}

type activityData struct {
	A      volunteers.Activity
	Shifts []shiftView
	Form   url.Values
	Errors map[string]string
}

func (h *handler) activity(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderActivity(w, r, rq, http.StatusOK, url.Values{"day": {h.Volunteers.NextDay()}, "from": {"08:30"}, "to": {"11:30"},
		"slots": {"10"}}, nil)
}

func (h *handler) renderActivity(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f url.Values, fe map[string]string) {
	a, err := h.Volunteers.Activity(r.Context(), staff(rq), pathID(r, "act"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := activityData{A: a, Form: f, Errors: fe}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	for _, sh := range a.Shifts {
		u := h.baseURL(r) + ScanPath(sh)
		d.Shifts = append(d.Shifts, shiftView{Shift: sh, URL: u, QR: qrSVG(u)})
	}
	h.tmpl.Render(w, r, status, "activity", web.NewPage(rq, a.Title, "volunteers", d))
}

// ScanPath is the path a shift's QR encodes: the shift and its secret.
func ScanPath(sh volunteers.Shift) string {
	return "/v/scan/" + itoa(sh.ID) + "?k=" + sh.Secret
}

func (h *handler) addShift(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Volunteers.AddShift(r.Context(), staff(rq), pathID(r, "act"), shiftOf(r))
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderActivity(w, r, rq, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "volunteer_shift_saved")
	http.Redirect(w, r, "/volunteer-activities/"+r.PathValue("act"), http.StatusSeeOther)
}

type needsData struct {
	Unit   orgtree.Unit
	Needs  []volunteers.Need
	Day    string
	Errors map[string]string
}

func (h *handler) needs(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderNeeds(w, r, rq, http.StatusOK, nil)
}

func (h *handler) renderNeeds(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, fe map[string]string) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := needsData{Unit: u, Day: h.Volunteers.NextDay(), Errors: fe}
	var err error
	if d.Needs, err = h.Volunteers.Needs(r.Context(), staff(rq), u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "needs", web.NewPage(rq, u.Name+" 需求与志愿者匹配", "volunteers", d))
}

func (h *handler) assign(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	ev, _ := strconv.ParseInt(r.PostFormValue("event"), 10, 64)
	vol, _ := strconv.ParseInt(r.PostFormValue("volunteer"), 10, 64)
	sh := shiftOf(r)
	sh.Slots = 1
	a, err := h.Volunteers.Assign(r.Context(), staff(rq), volunteers.Assignment{CommunityID: u.ID, EventID: ev, VolunteerID: vol, Shift: sh})
	if fe := fault.FieldsOf(err); fe != nil || fault.KindOf(err) == fault.Refused {
		if fe == nil {
			fe = fault.Fields{"volunteer": fault.Message(err)}
		}
		h.renderNeeds(w, r, rq, http.StatusUnprocessableEntity, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "event", ev
	h.kit.SetFlash(w, "volunteer_assigned")
	http.Redirect(w, r, "/volunteer-activities/"+itoa(a.ID), http.StatusSeeOther)
}
