package orgweb

import (
	"net/http"

	"shequ/internal/orgtree"
	"shequ/internal/web"
)

type rootsForm struct {
	Roots []orgtree.Unit
}

// roots lists the tops of the tree and offers to add one: a deployment
// that starts from nothing begins here.
func (h *handler) roots(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderRoots(w, r, rq, http.StatusOK, &page{Values: map[string]string{"level": orgtree.LevelCity}})
}

func (h *handler) renderRoots(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, p *page) {
	roots, err := h.org.Roots(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if p.Options, err = h.levelOptions(r, 0); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	p.Form = rootsForm{Roots: roots}
	h.tmpl.Render(w, r, status, "roots", web.NewPage(rq, "组织管理", "orgadmin", p))
}

func (h *handler) addRoot(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p := &page{Values: values(r, "level", "name", "code")}
	u := orgtree.Unit{Level: p.Values["level"], Name: p.Values["name"], Code: p.Values["code"]}
	err := h.m.Add(r.Context(), actor(rq), &u)
	if err == nil {
		rq.Audit.Entity, rq.Audit.ID = "unit", u.ID
		h.done(w, r, "org-added", u.ID)
		return
	}
	if fe := fieldsOf(err); fe != nil {
		p.Errors = fe
		p.Summary = web.Summarize(fe, unitFields)
		h.renderRoots(w, r, rq, http.StatusUnprocessableEntity, p)
		return
	}
	h.kit.Fail(w, r, rq, err)
}

// levelOptions are the levels a unit under parent may have (any level
// for a root).
func (h *handler) levelOptions(r *http.Request, parentRank int) ([]web.Option, error) {
	levels, err := h.org.Levels(r.Context())
	if err != nil {
		return nil, err
	}
	var out []web.Option
	for _, l := range levels {
		if l.Rank > parentRank {
			out = append(out, web.Option{Value: l.Kind, Label: l.Name})
		}
	}
	return out, nil
}
