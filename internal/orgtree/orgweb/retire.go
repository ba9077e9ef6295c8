package orgweb

import (
	"errors"
	"net/http"

	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// retireForm asks for confirmation before a unit is retired.
func (h *handler) retireForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "retire", web.NewPage(rq, "撤销单元", "orgadmin", p))
}

func (h *handler) retire(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	err := h.m.Retire(r.Context(), actor(rq), p.Unit.ID, web.FormVersion(r))
	if err == nil {
		h.done(w, r, "org-retired", p.Unit.ID)
		return
	}
	var occ *orgtree.OccupiedError
	if errors.As(err, &occ) {
		p.Occupied = occ
	}
	h.answer(w, r, rq, p, "retire", "撤销单元", nil, err)
}
