package orgweb

import (
	"net/http"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

type unitView struct {
	Children []orgtree.Unit
	Staff    []orgtree.Staff
	History  []orgtree.Change
	CanMerge bool
	Today    string
}

// unit is a unit's management page: what can be done to it, its direct
// staff, the units under it and its history.
func (h *handler) unit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	h.renderUnit(w, r, rq, http.StatusOK, p)
}

func (h *handler) renderUnit(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, p *page) {
	ctx := r.Context()
	v := unitView{CanMerge: p.Unit.Level == orgtree.LevelGrid, Today: today()}
	var err error
	if v.Children, err = h.org.Children(ctx, p.Unit.ID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	orgtree.Sort(v.Children)
	if v.Staff, err = h.org.StaffOf(ctx, p.Unit.ID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if v.History, err = h.org.History(ctx, p.Unit.ID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if rq.Flash == flashMoved && len(v.History) > 0 {
		if say := v.History[0].MoveSummary(); say != "" {
			rq.Flash = say
		}
	}
	p.Form = v
	h.tmpl.Render(w, r, status, "unit", web.NewPage(rq, p.Unit.Name, "orgadmin", p))
}

// endAssignment ends one person's assignment from the unit's page; an
// error shows the page again with the message at the staff list.
func (h *handler) endAssignment(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	staff, ok := web.PathInt(r, "staff")
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	err := h.m.EndAssignment(r.Context(), actor(rq), p.Unit.ID, staff, r.PostFormValue("ended_on"))
	switch fault.KindOf(err) {
	case "":
		h.done(w, r, "org-unassigned", p.Unit.ID)
	case fault.Invalid, fault.Conflict, fault.Refused:
		p.Alert = fault.Message(err)
		if fe := fault.FieldsOf(err); fe != nil {
			p.Alert = fe.Error()
		}
		h.renderUnit(w, r, rq, web.Status(err), p)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}
