package api

import (
	"net/http"
	"strconv"

	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// unitVisible loads the {id} unit; the route's rule has checked that it
// lies in the caller's scope.
func (h *handler) unitVisible(w http.ResponseWriter, r *http.Request, c *web.Request) (orgtree.Unit, bool) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return orgtree.Unit{}, false
	}
	u, err := h.Org.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return u, false
	}
	return u, true
}

func (h *handler) orgLevels(w http.ResponseWriter, r *http.Request, c *web.Request) {
	ls, err := h.Org.Levels(r.Context())
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"levels": ls})
}

// orgUnits lists the caller's top units: the roots, or the units of their
// grants.
func (h *handler) orgUnits(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if !c.Read().Whole() {
		var us []orgtree.Unit
		for _, id := range c.Read().Units() {
			u, err := h.Org.Get(r.Context(), id)
			if err != nil {
				h.fail(w, r, 0, err)
				return
			}
			us = append(us, u)
		}
		writeJSON(w, http.StatusOK, map[string]any{"units": nonNil(us)})
		return
	}
	us, err := h.Org.Roots(r.Context())
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": nonNil(us)})
}

func (h *handler) orgUnit(w http.ResponseWriter, r *http.Request, c *web.Request) {
	u, ok := h.unitVisible(w, r, c)
	if !ok {
		return
	}
	path, err := h.Org.Ancestors(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	counts, err := h.Org.CountDescendants(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": u, "path": path, "descendants": counts})
}

func (h *handler) orgChildren(w http.ResponseWriter, r *http.Request, c *web.Request) {
	u, ok := h.unitVisible(w, r, c)
	if !ok {
		return
	}
	us, err := h.Org.Children(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": nonNil(us)})
}

// orgSubtree lists the units below one, optionally of one level, a page at a time.
func (h *handler) orgSubtree(w http.ResponseWriter, r *http.Request, c *web.Request) {
	u, ok := h.unitVisible(w, r, c)
	if !ok {
		return
	}
	level := r.URL.Query().Get("level")
	if level != "" {
		valid := false
		ls, _ := h.Org.Levels(r.Context())
		for _, l := range ls {
			valid = valid || l.Kind == level
		}
		if !valid {
			h.fail(w, r, http.StatusBadRequest, fieldError("level", "未知层级 "+strconv.Quote(level)))
			return
		}
	}
	us, err := h.Org.Descendants(r.Context(), u.ID, level)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"root": u.ID, "count": len(us), "units": nonNil(us)})
}

func (h *handler) orgStaff(w http.ResponseWriter, r *http.Request, c *web.Request) {
	u, ok := h.unitVisible(w, r, c)
	if !ok {
		return
	}
	st, err := h.Org.StaffWithin(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff": nonNil(st)})
}

func (h *handler) stats(w http.ResponseWriter, r *http.Request, c *web.Request) {
	scope, status, err := h.within(r.Context(), c, r.URL.Query().Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	st, err := h.Register.Stats(r.Context(), scope)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
