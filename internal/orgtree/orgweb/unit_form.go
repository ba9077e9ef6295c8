package orgweb

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

var unitFields = []string{"level", "name", "code", "sort", "parent_id"}

func today() string { return time.Now().Format(database.DateLayout) }

func fieldsOf(err error) fault.Fields {
	var fe fault.Fields
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// addForm offers to add a unit under the one the path names, at the next
// level down unless another is chosen.
func (h *handler) addForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	if !h.addOptions(w, r, rq, p) {
		return
	}
	if len(p.Options) > 0 {
		p.Values["level"] = p.Options[0].Value
	}
	h.tmpl.Render(w, r, http.StatusOK, "add", web.NewPage(rq, "添加下级单元", "orgadmin", p))
}

func (h *handler) addOptions(w http.ResponseWriter, r *http.Request, rq *web.Request, p *page) bool {
	levels, err := h.org.Levels(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return false
	}
	rank := 0
	for _, l := range levels {
		if l.Kind == p.Unit.Level {
			rank = l.Rank
		}
	}
	if p.Options, err = h.levelOptions(r, rank); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return false
	}
	return true
}

func (h *handler) add(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = values(r, "level", "name", "code")
	u := orgtree.Unit{ParentID: p.Unit.ID, Level: p.Values["level"], Name: p.Values["name"], Code: p.Values["code"]}
	err := h.m.Add(r.Context(), actor(rq), &u)
	if err == nil {
		h.done(w, r, "org-added", u.ID)
		return
	}
	if !h.addOptions(w, r, rq, p) {
		return
	}
	h.answer(w, r, rq, p, "add", "添加下级单元", unitFields, err)
}

// editForm renames a unit and sets its code and order.
func (h *handler) editForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = map[string]string{"name": p.Unit.Name, "code": p.Unit.Code, "sort": strconv.Itoa(p.Unit.Sort)}
	h.tmpl.Render(w, r, http.StatusOK, "edit", web.NewPage(rq, "修改单元", "orgadmin", p))
}

func (h *handler) edit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = values(r, "name", "code", "sort")
	sort, err := strconv.Atoi(p.Values["sort"])
	if p.Values["sort"] == "" {
		sort, err = 0, nil
	}
	if err != nil {
		h.answer(w, r, rq, p, "edit", "修改单元", unitFields, fault.Fields{"sort": "排序应为整数"})
		return
	}
	err = h.m.Edit(r.Context(), actor(rq), p.Unit.ID, web.FormVersion(r), p.Values["name"], p.Values["code"], sort)
	if err == nil {
		h.done(w, r, "saved", p.Unit.ID)
		return
	}
	h.answer(w, r, rq, p, "edit", "修改单元", unitFields, err)
}
