// Package orgweb serves the pages where administrators keep the org tree:
// add a unit, rename it, move it with everything under it, merge two
// grids, retire a unit, upload a grid's boundary, assign staff and end an
// assignment, each with the unit's history. The read-only tree is
// registerweb's (/org); these pages hang under /admin/org and need the
// org.manage permission at the unit.
package orgweb

import (
	"embed"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the tree's pages need.
type Deps struct {
	Manager *orgtree.Manager
}

type handler struct {
	m    *orgtree.Manager
	org  *orgtree.Store
	kit  *web.Kit
	tmpl *web.Templates
}

// maxBoundary bounds an uploaded boundary file: a grid's outline is a few
// kilobytes, a district's detailed one well under a megabyte.
const maxBoundary = 2 << 20

// Routes registers the tree's management pages on rt.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{m: d.Manager, org: d.Manager.Store(), kit: k, tmpl: k.Templates(templateFS, nil)}
	manage := access.Rule{Perm: access.OrgManage}
	unit := access.Rule{Perm: access.OrgManage, Object: "unit"}
	k.AddNav("orgadmin", "组织管理", "/admin/org", access.OrgManage)
	k.AddFlashes(map[string]string{
		"org-added": "已添加单元", "org-moved": flashMoved, "org-merged": "已合并,原网格已撤销",
		"org-retired": "已撤销", "org-assigned": "已任命", "org-unassigned": "已免任", "org-boundary": "边界已保存",
	})
	k.AddLabels(map[string]map[string]string{"orgop": orgtree.ChangeOpNames})

	k.Handle(rt, "GET /admin/org", manage, h.roots)
	k.Handle(rt, "POST /admin/org/new", manage, h.addRoot)
	k.Handle(rt, "GET /admin/org/{id}", unit, h.unit)
	k.Handle(rt, "GET /admin/org/{id}/add", unit, h.addForm)
	k.Handle(rt, "POST /admin/org/{id}/add", unit, h.add)
	k.Handle(rt, "GET /admin/org/{id}/edit", unit, h.editForm)
	k.Handle(rt, "POST /admin/org/{id}/edit", unit, h.edit)
	k.Handle(rt, "GET /admin/org/{id}/move", unit, h.moveForm)
	k.Handle(rt, "POST /admin/org/{id}/move", unit, h.move)
	k.Handle(rt, "GET /admin/org/{id}/merge", unit, h.mergeForm)
	k.Handle(rt, "POST /admin/org/{id}/merge", unit, h.merge)
	k.Handle(rt, "GET /admin/org/{id}/boundary", unit, h.boundaryForm)
	k.HandleWithBody(rt, "POST /admin/org/{id}/boundary", unit, maxBoundary, h.boundary)
	k.Handle(rt, "GET /admin/org/{id}/staff", unit, h.staffForm)
	k.Handle(rt, "POST /admin/org/{id}/staff", unit, h.assign)
	k.Handle(rt, "POST /admin/org/{id}/staff/{staff}/end", unit, h.endAssignment)
	k.Handle(rt, "GET /admin/org/{id}/retire", unit, h.retireForm)
	k.Handle(rt, "POST /admin/org/{id}/retire", unit, h.retire)
}

// flashMoved is the message after a move; the unit's page says instead
// what the move carried along, from the move's record (MoveSummary).
const flashMoved = "已移动"

// page is what every page of the tree shows: the unit, where it sits, and
// the form's state.
type page struct {
	Unit    orgtree.Unit
	Path    []orgtree.Unit // root … unit
	Errors  fault.Fields
	Summary []web.ErrItem
	// Alert is a refusal or a conflict: why nothing was saved.
	Alert    string
	Conflict bool
	Values   map[string]string // what the form was filled in with
	Options  []web.Option
	Occupied *orgtree.OccupiedError
	Form     any // the page's own part
}

func actor(rq *web.Request) orgtree.Actor {
	return orgtree.Actor{UserID: rq.Actor.UserID, Name: rq.Actor.Name, Source: rq.Actor.Source}
}

// load reads the unit the path names, and its path from the root.
func (h *handler) load(w http.ResponseWriter, r *http.Request, rq *web.Request) (*page, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return nil, false
	}
	u, err := h.org.Get(r.Context(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return nil, false
	}
	path, err := h.org.Ancestors(r.Context(), id)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return nil, false
	}
	return &page{Unit: u, Path: path, Values: map[string]string{}}, true
}

// answer shows the form again for an error the user can act on — field
// errors at their fields, a conflict or a refusal above the form, with the
// unit as it now stands — and reports whether it did; any other error is
// the kit's.
func (h *handler) answer(w http.ResponseWriter, r *http.Request, rq *web.Request, p *page, name, title string, fields []string, err error) {
	switch fault.KindOf(err) {
	case fault.Invalid:
		p.Errors = fault.FieldsOf(err)
		p.Summary = web.Summarize(p.Errors, fields)
		if p.Errors == nil {
			p.Alert = fault.Message(err)
		}
	case fault.Conflict, fault.Refused:
		p.Alert = fault.Message(err)
		p.Conflict = fault.Is(err, fault.Conflict)
		if p.Occupied == nil {
			if u, gerr := h.org.Get(r.Context(), p.Unit.ID); gerr == nil {
				p.Unit = u // the version the next try is made on
			}
		}
	default:
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, web.Status(err), name, web.NewPage(rq, title, "orgadmin", p))
}

func (h *handler) done(w http.ResponseWriter, r *http.Request, flash string, unit int64) {
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/admin/org/"+strconv.FormatInt(unit, 10), http.StatusSeeOther)
}

// values reads the named fields of a posted form, trimmed by the manager.
func values(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = r.PostFormValue(n)
	}
	return out
}
