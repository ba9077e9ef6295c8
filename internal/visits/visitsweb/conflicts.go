package visitsweb

import (
	"net/http"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/visits"
	"shequ/internal/web"
)

// The conflicts of visits made offline: a worker sees their own, a
// supervisor (community head, with visits.supervise) those of the
// households in their part of the tree; either decides, and the
// supervisor reviews the overrides.

type conflictsData struct {
	List       visits.ConflictList
	Supervisor bool
	Message    string
}

func decider(rq *web.Request) visits.Decider {
	sc := rq.Viewer.Scope(visits.PermSupervise)
	return visits.Decider{Visitor: visits.Visitor{UserID: rq.User.ID, Name: rq.Actor.Name, Scope: rq.Write()},
		Supervises: func(p access.Place) bool { return sc.Contains(p) }}
}

func (h *handler) conflicts(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderConflicts(w, r, rq, http.StatusOK, "")
}

func (h *handler) renderConflicts(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, msg string) {
	q := visits.ConflictQuery{Scope: rq.Read(), AuthorID: rq.User.ID}
	supervisor := rq.Viewer.Can(visits.PermSupervise)
	if supervisor {
		q = visits.ConflictQuery{Scope: rq.Viewer.Scope(visits.PermSupervise)}
	}
	l, err := h.Visits.Conflicts(r.Context(), q)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(l.Open) + len(l.ToReview) + len(l.Decided)
	h.tmpl.Render(w, r, status, "conflicts", web.NewPage(rq, "走访冲突", "visits",
		conflictsData{List: l, Supervisor: supervisor, Message: msg}))
}

// decide keeps the register's value or applies the visit's; review marks
// an override as looked at.
func (h *handler) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "conflict")
	var err error
	if r.PostFormValue("decision") == "review" {
		err = h.Visits.Review(r.Context(), decider(rq), id)
	} else {
		_, err = h.Visits.Decide(r.Context(), decider(rq), id, r.PostFormValue("decision"))
	}
	switch {
	case fault.Is(err, fault.Conflict), fault.Is(err, fault.Invalid), fault.Is(err, fault.Forbidden):
		h.renderConflicts(w, r, rq, web.Status(err), fault.Message(err))
		return
	case err != nil:
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "visit_conflict", id
	h.kit.SetFlash(w, "visit_conflict_decided")
	http.Redirect(w, r, "/visits/conflicts", http.StatusSeeOther)
}
