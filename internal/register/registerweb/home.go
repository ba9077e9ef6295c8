package registerweb

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

// The home page and the choice of places: what the register holds where
// the user works.

type homeData struct {
	Unit    *orgtree.Unit  // the user's unit; nil for a viewer of the whole tree
	Places  []orgtree.Unit // every place the user's grants cover, when there are several
	Roots   []orgtree.Unit // the tops of the tree, for a viewer of the whole tree
	Stats   register.Stats
	ShowMap bool
	Menu    []web.NavItem // what the user may do, for a user without the register
	NoGrant bool          // the account has no grant at all
}

// home shows the user's places in the tree and what the register holds there.
func (h *handler) home(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := homeData{Unit: rq.Home, Menu: h.kit.NavFor(rq.Viewer)}
	if !rq.Viewer.Can(access.RegisterRead) {
		d.Unit = nil
		d.NoGrant = len(rq.Viewer.Grants()) == 0
		h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "首页", "home", d))
		return
	}
	switch {
	case rq.Read().Whole():
		d.Unit = nil
		roots, err := h.Org.Roots(r.Context())
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		orgtree.Sort(roots)
		d.Roots = roots
	case rq.Home != nil:
		d.ShowMap = hasMap(*rq.Home)
	default:
		places, err := h.places(r, rq)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Places = places
	}
	st, err := h.Register.Stats(r.Context(), rq.Read())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Stats = st
	h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "首页", "home", d))
}

// hasMap reports whether a unit has grids to draw: grids themselves and
// everything above them.
func hasMap(u orgtree.Unit) bool {
	return u.Level != orgtree.LevelBuilding && u.Level != orgtree.LevelUnit
}

type rootsData struct {
	Purpose string // "org" or "map": where each root links to
	Roots   []orgtree.Unit
}

// places are the units of the user's grants that let them read the register.
func (h *handler) places(r *http.Request, rq *web.Request) ([]orgtree.Unit, error) {
	var out []orgtree.Unit
	for _, id := range rq.Read().Units() {
		u, err := h.Org.Get(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	orgtree.Sort(out)
	return out, nil
}

// orgIndex opens the user's own unit, or lets the user choose among their
// places (the tops of the tree, for a viewer of all of it).
func (h *handler) orgIndex(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	if rq.Home != nil {
		http.Redirect(w, r, "/org/"+strconv.FormatInt(rq.Home.ID, 10), http.StatusSeeOther)
		return
	}
	if !rq.Read().Whole() {
		places, err := h.places(r, rq)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		h.tmpl.Render(w, r, http.StatusOK, "roots", web.NewPage(rq, "组织", "org", rootsData{Purpose: "org", Roots: places}))
		return
	}
	roots, err := h.Org.Roots(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if len(roots) == 1 {
		http.Redirect(w, r, "/org/"+strconv.FormatInt(roots[0].ID, 10), http.StatusSeeOther)
		return
	}
	orgtree.Sort(roots)
	h.tmpl.Render(w, r, http.StatusOK, "roots", web.NewPage(rq, "组织", "org", rootsData{Purpose: "org", Roots: roots}))
}
