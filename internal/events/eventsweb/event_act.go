package eventsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// eventAct takes one step of the workflow (受理, 派遣, 反馈 …) from the
// event's page.
func (h *handler) eventAct(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	a := events.Action{Name: r.PostFormValue("action"), Note: r.PostFormValue("note"),
		PublicNote: r.PostFormValue("public_note"), Route: r.PostFormValue("route"),
		Department: r.PostFormValue("department"), Category: r.PostFormValue("category"),
		Urgency: r.PostFormValue("urgency"), Address: r.PostFormValue("address"),
		MergeInto: r.PostFormValue("merge_into"), Comment: r.PostFormValue("comment"), Grade: r.PostFormValue("grade")}
	a.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	a.OrgID, _ = strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	a.Rating, _ = strconv.Atoi(r.PostFormValue("rating"))
	photos, perr := photosOf(r, "photos")
	if perr != "" {
		h.renderEvent(w, r, rq, http.StatusUnprocessableEntity, e, eventData{Failed: a.Name, Error: perr,
			Errors: map[string]string{"photos": perr}})
		return
	}
	a.Photos = photos
	out, err := h.Events.Act(r.Context(), rq.Viewer, e.ID, a)
	if err != nil {
		h.actFailed(w, r, rq, e, a.Name, err)
		return
	}
	h.Log.Info("event step", "event", e.ID, "action", a.Name, "user", rq.User.ID)
	rq.Audit.Detail = a.Name
	h.kit.SetFlash(w, "done")
	if !events.CanSee(rq.Viewer, out) { // moved out of the viewer's reach (改地点, 退回)
		http.Redirect(w, r, "/events", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, eventBase(rq.Viewer, out), http.StatusSeeOther)
}

// actFailed shows the event again with why the action was refused, at its
// form: bad fields at the fields (422), a step the status does not allow or
// an event changed meanwhile (409), an action the viewer may not take (403).
// Anything else is the error page of its kind.
func (h *handler) actFailed(w http.ResponseWriter, r *http.Request, rq *web.Request, e *events.Event, action string, err error) {
	d := eventData{Failed: action}
	switch fault.KindOf(err) {
	case fault.Invalid:
		fe := fault.FieldsOf(err)
		d.Errors, d.Error = fe, "未办理:"+fe.Error()
	case fault.Illegal, fault.Conflict, fault.Forbidden:
		d.Error = fault.Message(err)
	default:
		h.kit.Fail(w, r, rq, err)
		return
	}
	fresh, gerr := h.Events.Get(r.Context(), rq.Viewer, e.ID)
	if gerr != nil {
		fresh = e
	}
	h.renderEvent(w, r, rq, web.Status(err), fresh, d)
}
