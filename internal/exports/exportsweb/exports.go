package exportsweb

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/exports"
	"shequ/internal/fault"
	"shequ/internal/sheets"
	"shequ/internal/web"
)

// Exports (按部门导出): a department takes the register back in its own
// layout, with only the fields its role may see.

// exportDepartments are the departments whose templates v may use; nil for
// all (a viewer of the whole tree).
func exportDepartments(v *access.Viewer) []string { return exports.Departments(v) }

func mayUse(v *access.Viewer, t *exports.Template) bool {
	_, ok := exports.ScopeFor(v, t.Department)
	return ok
}

func scopeFor(v *access.Viewer, t *exports.Template) access.Scope {
	sc, _ := exports.ScopeFor(v, t.Department)
	return sc
}

type exportsData struct {
	Templates   []*exports.Template
	Labels      map[string]string
	Departments []web.Option
}

func (h *handler) exportsIndex(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ts, err := h.Exports.Templates(r.Context(), exportDepartments(rq.Viewer))
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := exportsData{Templates: ts, Labels: map[string]string{}}
	for _, f := range exports.Fields {
		d.Labels[f.Key] = f.Label
	}
	kinds, err := h.Register.TagKinds(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, k := range kinds {
		d.Labels["tag:"+k.Code] = k.Name
	}
	h.tmpl.Render(w, r, http.StatusOK, "exports", web.NewPage(rq, "按部门模板导出", "exports", d))
}

// template reads the {template} of the path if v may use it.
func (h *handler) template(r *http.Request, v *access.Viewer) (*exports.Template, error) {
	id, err := strconv.ParseInt(r.PathValue("template"), 10, 64)
	if err != nil || id <= 0 {
		return nil, exports.ErrNotFound
	}
	t, err := h.Exports.Template(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !mayUse(v, t) {
		return nil, exports.ErrNotFound
	}
	return t, nil
}

// downloadExport fills a template for the viewer's scope. The file and its
// row count are in the audit log before it is sent.
func (h *handler) downloadExport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, err := h.template(r, rq.Viewer)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "csv" {
		format = "xlsx"
	}
	f, n, err := h.Exports.Download(r.Context(), h.kit.Audit, audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name,
		Addr: web.ClientAddr(r), Route: "GET /exports/{template}/download", Status: http.StatusOK},
		scopeFor(rq.Viewer, t), t, format)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	defer f.Close()
	h.kit.Log.Info("department export", "user", rq.User.ID, "template", t.ID, "rows", n)
	w.Header().Set("Content-Type", sheets.ContentType(format))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"export.%s\"; filename*=UTF-8''%s",
		format, url.PathEscape(t.Name+"."+format)))
	io.Copy(w, f)
}

type templateFormData struct {
	T           *exports.Template
	Rows        []exports.Column
	Fields      []web.Option
	Tags        []web.Option
	Departments []web.Option
	Errors      map[string]string
	Summary     []web.ErrItem
}

// blankColumns is how many empty column rows the form offers for adding.
const blankColumns = 4

func (h *handler) templateForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t := &exports.Template{}
	if r.PathValue("template") != "" {
		var err error
		if t, err = h.template(r, rq.Viewer); err != nil {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
	} else {
		t.Department = r.URL.Query().Get("department")
		if ds := exportDepartments(rq.Viewer); len(ds) > 0 && t.Department == "" {
			t.Department = ds[0]
		}
	}
	h.renderTemplateForm(w, r, rq, http.StatusOK, t, nil)
}

func (h *handler) renderTemplateForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, t *exports.Template, errs map[string]string) {
	d := templateFormData{T: t, Rows: append(append([]exports.Column{}, t.Columns...), make([]exports.Column, blankColumns)...),
		Errors: errs}
	d.Fields = append(d.Fields, web.Option{Value: "", Label: "(不用此行)"})
	for _, f := range exports.Fields {
		d.Fields = append(d.Fields, web.Option{Value: f.Key, Label: f.Label})
	}
	kinds, err := h.Register.TagKinds(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, k := range kinds {
		d.Tags = append(d.Tags, web.Option{Value: k.Code, Label: k.Name})
	}
	all, err := h.kit.DepartmentOptions(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	ds := exportDepartments(rq.Viewer)
	for _, o := range all {
		if ds == nil || hasString(ds, o.Value) {
			d.Departments = append(d.Departments, o)
		}
	}
	d.Summary = web.Summarize(errs, []string{"name", "department", "tag", "work_item_id", "columns", "version"})
	title := "新建导出模板"
	if t.ID != 0 {
		title = "修改导出模板"
	}
	h.tmpl.Render(w, r, status, "export_template", web.NewPage(rq, title, "exports", d))
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *handler) saveTemplate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t := &exports.Template{}
	if r.PathValue("template") != "" {
		var err error
		if t, err = h.template(r, rq.Viewer); err != nil {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
		t.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	} else {
		t.Department = r.PostFormValue("department")
		if ds := exportDepartments(rq.Viewer); ds != nil && !hasString(ds, t.Department) {
			h.renderTemplateForm(w, r, rq, http.StatusUnprocessableEntity, t, map[string]string{"department": "只能为本部门建模板"})
			return
		}
	}
	t.Name, t.Tag = r.PostFormValue("name"), r.PostFormValue("tag")
	t.WorkItemID = 0
	if v := strings.TrimSpace(r.PostFormValue("work_item_id")); v != "" {
		if t.WorkItemID, _ = strconv.ParseInt(v, 10, 64); t.WorkItemID <= 0 {
			t.WorkItemID = -1 // not a number: refused at the field as no such item
		}
	}
	t.Columns = nil
	for i := 0; i < 200; i++ {
		field, header := r.PostFormValue(fmt.Sprintf("field-%d", i)), strings.TrimSpace(r.PostFormValue(fmt.Sprintf("header-%d", i)))
		if _, ok := r.PostForm[fmt.Sprintf("field-%d", i)]; !ok {
			break
		}
		if field == "" && header == "" {
			continue
		}
		t.Columns = append(t.Columns, exports.Column{Field: field, Header: header})
	}
	err := h.Exports.SaveTemplate(r.Context(), rq.User.Name, t)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderTemplateForm(w, r, rq, http.StatusUnprocessableEntity, t, fe)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "export_template", t.ID
	h.kit.SetFlash(w, "template_saved")
	http.Redirect(w, r, "/exports", http.StatusSeeOther)
}
