package eventsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/web"
)

// The mediation record of a dispute (矛盾纠纷调解): parties, mediators,
// agreement and outcome, and each session held.

func (h *handler) saveMediation(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	m := events.Mediation{DisputeType: r.PostFormValue("dispute_type"), Agreement: r.PostFormValue("agreement"),
		AgreedOn: r.PostFormValue("agreed_on"), Outcome: r.PostFormValue("outcome"), OutcomeNote: r.PostFormValue("outcome_note")}
	m.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	names, sides, phones, ids := r.PostForm["party_name"], r.PostForm["party_side"], r.PostForm["party_phone"], r.PostForm["party_id"]
	for i := range names {
		p := events.Party{Name: names[i]}
		if i < len(sides) {
			p.Side = sides[i]
		}
		if i < len(phones) {
			p.Phone = phones[i]
		}
		if i < len(ids) {
			p.IDNumber = ids[i]
		}
		m.Parties = append(m.Parties, p)
	}
	orgs := r.PostForm["mediator_org"]
	for i, n := range r.PostForm["mediator_name"] {
		md := events.Mediator{Name: n}
		if i < len(orgs) {
			md.Org = orgs[i]
		}
		m.Mediators = append(m.Mediators, md)
	}
	if err := h.Events.SaveMediation(r.Context(), rq.Viewer, e.ID, m); err != nil {
		h.actFailed(w, r, rq, e, "mediation", err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, eventBase(rq.Viewer, e)+"#mediation", http.StatusSeeOther)
}

func (h *handler) addMediationSession(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	ss := events.Session{HeldOn: r.PostFormValue("held_on"), Place: r.PostFormValue("place"),
		Mediators: r.PostFormValue("mediators"), Summary: r.PostFormValue("summary")}
	if err := h.Events.AddSession(r.Context(), rq.Viewer, e.ID, ss); err != nil {
		h.actFailed(w, r, rq, e, "session", err)
		return
	}
	h.kit.SetFlash(w, "added")
	http.Redirect(w, r, eventBase(rq.Viewer, e)+"#mediation", http.StatusSeeOther)
}
