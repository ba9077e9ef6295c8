package orgweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/orgtree"
	"shequ/internal/web"
)

var moveFields = []string{"parent_id", "parent_ref"}

// maxParents bounds the choices of a new parent; others are typed in.
const maxParents = 300

// moveForm offers the units a unit may move under: those of a higher level
// near it (below its grandparent), and a field for any other by name, code
// or number.
func (h *handler) moveForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	if !h.parentOptions(w, r, rq, p) {
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "move", web.NewPage(rq, "移动单元", "orgadmin", p))
}

func (h *handler) parentOptions(w http.ResponseWriter, r *http.Request, rq *web.Request, p *page) bool {
	ctx := r.Context()
	if len(p.Path) < 2 {
		return true // a root moves by name only
	}
	base := p.Path[0]
	if len(p.Path) >= 3 {
		base = p.Path[len(p.Path)-3]
	}
	levels, err := h.org.Levels(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return false
	}
	rank := map[string]int{}
	for _, l := range levels {
		rank[l.Kind] = l.Rank
	}
	candidates := []orgtree.Unit{base}
	for _, l := range levels {
		if l.Rank >= rank[p.Unit.Level] || l.Rank <= rank[base.Level] {
			continue
		}
		us, err := h.org.Descendants(ctx, base.ID, l.Kind)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return false
		}
		candidates = append(candidates, us...)
	}
	names := map[int64]string{}
	for _, u := range p.Path {
		names[u.ID] = u.Name
	}
	for _, c := range candidates {
		if c.ID == p.Unit.ParentID || len(p.Options) >= maxParents {
			continue
		}
		label := c.LevelName + " " + c.Name
		if c.ParentID != 0 && c.ID != base.ID {
			if n, ok := names[c.ParentID]; ok {
				label += "(" + n + ")"
			}
		}
		p.Options = append(p.Options, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: label})
	}
	return true
}

func (h *handler) move(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = values(r, "parent_id", "parent_ref")
	parent, _ := strconv.ParseInt(p.Values["parent_id"], 10, 64)
	if ref := strings.TrimSpace(p.Values["parent_ref"]); ref != "" {
		u, err := h.org.Find(ctx, ref)
		if err != nil {
			if !h.parentOptions(w, r, rq, p) {
				return
			}
			h.answer(w, r, rq, p, "move", "移动单元", moveFields, fieldError("parent_ref", err.Error()))
			return
		}
		parent = u.ID
	}
	err := h.m.Move(ctx, actor(rq), p.Unit.ID, web.FormVersion(r), parent)
	if err == nil {
		h.done(w, r, "org-moved", p.Unit.ID)
		return
	}
	if !h.parentOptions(w, r, rq, p) {
		return
	}
	h.answer(w, r, rq, p, "move", "移动单元", moveFields, err)
}
