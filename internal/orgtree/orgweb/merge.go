package orgweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// mergeForm offers the other grids of the community to merge a grid into.
func (h *handler) mergeForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	if !h.gridOptions(w, r, rq, p) {
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "merge", web.NewPage(rq, "合并网格", "orgadmin", p))
}

func (h *handler) gridOptions(w http.ResponseWriter, r *http.Request, rq *web.Request, p *page) bool {
	if p.Unit.Level != orgtree.LevelGrid || p.Unit.CommunityID == 0 {
		return true
	}
	grids, err := h.org.Descendants(r.Context(), p.Unit.CommunityID, orgtree.LevelGrid)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return false
	}
	orgtree.Sort(grids)
	for _, g := range grids {
		if g.ID != p.Unit.ID {
			p.Options = append(p.Options, web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
		}
	}
	return true
}

func (h *handler) merge(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = values(r, "into")
	into, _ := strconv.ParseInt(p.Values["into"], 10, 64)
	err := h.m.MergeGrids(r.Context(), actor(rq), p.Unit.ID, web.FormVersion(r), into)
	if err == nil {
		h.done(w, r, "org-merged", into)
		return
	}
	if !h.gridOptions(w, r, rq, p) {
		return
	}
	h.answer(w, r, rq, p, "merge", "合并网格", []string{"into"}, err)
}

func fieldError(field, msg string) error { return fault.Fields{field: msg} }
