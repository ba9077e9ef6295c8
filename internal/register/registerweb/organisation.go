package registerweb

import (
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

type organisationData struct {
	O         register.Organisation
	Grid      string
	Employees []register.Person
	History   []changeView
	CanEdit   bool // may register and end employees
}

// organisation shows a unit or company and the residents working there (以业管人).
func (h *handler) organisation(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	o, err := h.Register.Organisation(ctx, rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := organisationData{O: o, CanEdit: rq.Write().Contains(o.Place())}
	units, err := h.Org.Names(ctx, []int64{o.GridID})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Grid = units[o.GridID]
	if d.Employees, err = h.Register.Employees(ctx, rq.Read(), o.ID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	hist, err := h.Register.History(ctx, rq.Read().Fields(o.Place()), "organisation", o.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.History, err = h.changeViews(ctx, rq, hist); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "organisation", web.NewPage(rq, o.Name, "search", d))
}
