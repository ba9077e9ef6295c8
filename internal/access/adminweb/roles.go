package adminweb

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

// The role editor: a role's permissions and its field set, as data a
// deployment adjusts without a new release.

func (h *handler) adminRoles(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	roles, err := h.Access.Roles(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	perms, err := h.Access.Permissions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	names := map[string]string{}
	for _, p := range perms {
		names[p.Code] = p.Name
	}
	type roleRow struct {
		access.Role
		PermNames string
	}
	rows := make([]roleRow, len(roles))
	for i, ro := range roles {
		var ns []string
		for _, p := range ro.Permissions {
			ns = append(ns, names[p])
		}
		rows[i] = roleRow{Role: ro, PermNames: strings.Join(ns, "、")}
	}
	h.tmpl.Render(w, r, http.StatusOK, "admin_roles", web.NewPage(rq, "角色", "users", rows))
}

// fieldCell is one field of the field-set table.
type fieldCell struct {
	Entity, Field, Label string
	View                 string
	Edit                 bool
	Sensitive            bool
}

type fieldGroup struct {
	Entity, Label string
	Cells         []fieldCell
}

type roleFormData struct {
	R        access.Role
	New      bool
	Perms    []access.Permission
	Has      map[string]bool
	Places   []web.Option
	Depts    []web.Option
	Groups   []fieldGroup
	Views    []web.Option
	Errors   map[string]string
	Summary  []web.ErrItem
	Conflict bool
}

// entities are the register's entities in the order the form shows them,
// with the tag kinds as the fields of "tag".
func (h *handler) entities(r *http.Request) (map[string][]string, []fieldGroup, error) {
	kinds, err := h.Register.TagKinds(r.Context())
	if err != nil {
		return nil, nil, err
	}
	known := map[string][]string{}
	var groups []fieldGroup
	for _, e := range []string{"person", "household", "house", "organisation", "rental"} {
		known[e] = register.Fields[e]
		g := fieldGroup{Entity: e, Label: register.EntityLabel(e)}
		for _, f := range register.Fields[e] {
			g.Cells = append(g.Cells, fieldCell{Entity: e, Field: f, Label: register.FieldLabel(e, f)})
		}
		groups = append(groups, g)
	}
	tags := fieldGroup{Entity: access.TagEntity, Label: "标签"}
	for _, k := range kinds {
		known[access.TagEntity] = append(known[access.TagEntity], k.Code)
		tags.Cells = append(tags.Cells, fieldCell{Entity: access.TagEntity, Field: k.Code, Label: k.Name, Sensitive: k.Sensitive})
	}
	return known, append(groups, tags), nil
}

func (h *handler) roleForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	code := r.PathValue("code")
	ro, err := h.Access.Role(r.Context(), code)
	d := roleFormData{R: ro}
	if errors.Is(err, access.ErrUnknownRole) {
		if code != "new" {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
		d.New, d.R = true, access.Role{Place: access.PlaceCommunity}
	} else if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.renderRoleForm(w, r, rq, http.StatusOK, d)
}

func (h *handler) renderRoleForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d roleFormData) {
	perms, err := h.Access.Permissions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	depts, err := h.Access.Departments(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	_, groups, err := h.entities(r)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Perms = perms
	d.Has = map[string]bool{}
	for _, p := range d.R.Permissions {
		d.Has[p] = true
	}
	for k, v := range access.PlaceNames {
		d.Places = append(d.Places, web.Option{Value: k, Label: v})
	}
	slices.SortFunc(d.Places, func(a, b web.Option) int { return strings.Compare(a.Value, b.Value) })
	for _, dp := range depts {
		d.Depts = append(d.Depts, web.Option{Value: dp.Code, Label: dp.Name})
	}
	d.Views = []web.Option{{Value: "hidden", Label: "不可见"}, {Value: "masked", Label: "脱敏"}, {Value: "full", Label: "完整"}}
	rules := map[string]access.FieldRule{}
	for _, f := range d.R.Fields {
		rules[f.Entity+"."+f.Field] = f
	}
	for gi := range groups {
		g := &groups[gi]
		wild, hasWild := rules[g.Entity+"."+access.Wildcard]
		for ci := range g.Cells {
			c := &g.Cells[ci]
			fr, ok := rules[c.Entity+"."+c.Field]
			if !ok && hasWild && !c.Sensitive {
				fr, ok = wild, true
			}
			c.View = "hidden"
			if d.R.AllFields {
				c.View, c.Edit = "full", true
			} else if ok {
				c.View, c.Edit = fr.View.String(), fr.Edit
			}
		}
	}
	d.Groups = groups
	d.Summary = web.Summarize(d.Errors, []string{"code", "name", "place", "permissions", "fields"})
	title := "角色:" + d.R.Name
	if d.New {
		title = "新建角色"
	}
	h.tmpl.Render(w, r, status, "admin_role", web.NewPage(rq, title, "users", d))
}

// saveRole stores the role as the form lists it: every field named
// explicitly (the form shows no wildcard), so what the page shows is what
// the role gets.
func (h *handler) saveRole(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	known, groups, err := h.entities(r)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	code := r.PathValue("code")
	ro := access.Role{Code: code, Name: strings.TrimSpace(r.PostFormValue("name")),
		Description: web.Truncate(strings.TrimSpace(r.PostFormValue("description")), 200),
		Place:       r.PostFormValue("place"), Department: r.PostFormValue("department"),
		Permissions: r.PostForm["perm"], AllFields: r.PostFormValue("all_fields") != ""}
	d := roleFormData{R: ro}
	if code == "new" {
		d.New = true
		ro.Code = strings.TrimSpace(r.PostFormValue("code"))
		if _, err := h.Access.Role(r.Context(), ro.Code); err == nil {
			d.Errors = map[string]string{"code": "角色代码已存在"}
			h.renderRoleForm(w, r, rq, http.StatusUnprocessableEntity, d)
			return
		}
	} else if _, err := h.Access.Role(r.Context(), code); err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	} else {
		// A missing or garbled version is never the current one: the save
		// is refused as a conflict rather than applied blindly.
		ro.Version, err = strconv.Atoi(r.PostFormValue("version"))
		if err != nil || ro.Version <= 0 {
			ro.Version = -1
		}
	}
	for _, g := range groups {
		for _, c := range g.Cells {
			view, err := access.ParseView(r.PostFormValue("v." + c.Entity + "." + c.Field))
			if err != nil {
				view = access.Hidden
			}
			edit := r.PostFormValue("e."+c.Entity+"."+c.Field) != ""
			if view != access.Hidden || edit {
				ro.Fields = append(ro.Fields, access.FieldRule{Entity: c.Entity, Field: c.Field, View: view, Edit: edit})
			}
		}
	}
	d.R = ro
	err = h.Access.SaveRole(r.Context(), ro, known)
	switch fe := fault.FieldsOf(err); {
	case errors.Is(err, access.ErrConflict):
		d.Conflict = true
		d.Errors = map[string]string{"name": err.Error()}
		if cur, err := h.Access.Role(r.Context(), code); err == nil {
			d.R = cur
		}
		h.renderRoleForm(w, r, rq, http.StatusConflict, d)
	case fe != nil:
		d.Errors = fe
		h.renderRoleForm(w, r, rq, http.StatusUnprocessableEntity, d)
	case err != nil:
		h.kit.ServerError(w, r, rq, err)
	default:
		rq.Audit.Entity, rq.Audit.Detail = "role", "角色 "+ro.Code
		h.kit.SetFlash(w, "saved")
		http.Redirect(w, r, "/admin/roles", http.StatusSeeOther)
	}
}
