package reportsweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/reports"
	"shequ/internal/web"
)

// Report templates administered in the browser: a new template from its
// header fields, its 大类 and 小类 added, renamed, moved and deleted, items
// deleted from the template's page, and the department's own blank form
// (空白报表) uploaded for exports to fill in. Every change names the version
// of the template it was made on; a change someone else made meanwhile is
// shown, not overwritten.

// templateOf reads the template of the path's {tid} (an id or a code); ok
// is false when the page was answered.
func (h *handler) templateOf(w http.ResponseWriter, r *http.Request, rq *web.Request) (*reports.Template, bool) {
	t, err := h.Reports.Template(r.Context(), r.PathValue("tid"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return nil, false
	}
	return t, true
}

type templatePageData struct {
	Manage   bool
	T        *reports.Template
	Burden   reports.Burden
	Defs     map[string]string
	Names    map[string]string
	Depts    map[string]string
	Open     map[int64]bool // 大类 shown unfolded
	Uncelled []*reports.Item
	MaxMB    int
	// What a change sent back: a conflict for the whole page (Notice), a
	// refusal or field errors at the section, item or form they concern.
	Notice  string
	Refusal string
	Form    string // "add", "rename" or "upload": the form the errors belong to
	At      int64  // the section (or item) concerned; for "add", the parent (0: a new 大类)
	Errors  map[string]string
	Name    string // the name sent back
	Anchor  string // the id of the field with the error
}

// reportTemplate shows a template's structure, each item's definition,
// department, frequency and cell, and its burden; to administrators, the
// forms that change it.
func (h *handler) reportTemplate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	d := templatePageData{}
	if id, ok := web.QueryID(r, "open"); ok {
		d.Open = map[int64]bool{id: true}
	}
	h.renderTemplatePage(w, r, rq, t, d, http.StatusOK)
}

func (h *handler) renderTemplatePage(w http.ResponseWriter, r *http.Request, rq *web.Request, t *reports.Template, d templatePageData, status int) {
	ctx := r.Context()
	d.T, d.Defs, d.Names, d.Depts = t, map[string]string{}, map[string]string{}, map[string]string{}
	d.Manage, d.MaxMB = rq.Viewer.Can(reports.PermManage), reports.MaxFormBytes>>20
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	var err error
	if d.Burden, err = h.Reports.TemplateBurden(ctx, t); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, ind := range inds {
		d.Defs[ind.Code], d.Names[ind.Code] = ind.Definition(reg), ind.Name
	}
	depts, err := h.Reports.Departments(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, dp := range depts {
		d.Depts[dp.Code] = dp.Name
	}
	for _, it := range t.Items() {
		if it.Cell == "" {
			d.Uncelled = append(d.Uncelled, it)
		}
	}
	switch d.Form {
	case "add":
		d.Anchor = fmt.Sprintf("f-add-%d", d.At)
	case "rename":
		d.Anchor = fmt.Sprintf("f-name-%d", d.At)
	case "upload":
		d.Anchor = "f-file"
	}
	// Unfold the 大类 the page is about; a small template entirely.
	if d.Open == nil {
		d.Open = map[int64]bool{}
	}
	if d.At != 0 {
		d.Open[categoryOf(t, d.At)] = true
	}
	for id := range d.Open {
		d.Open[categoryOf(t, id)] = true
	}
	if _, _, n := t.Counts(); n <= 5 {
		for _, c := range t.Sections {
			d.Open[c.ID] = true
		}
	}
	h.tmpl.Render(w, r, status, "reports_template", web.NewPage(rq, t.Name, "reports", d))
}

// categoryOf is the 大类 holding a section or item (itself for a 大类), 0
// when there is none.
func categoryOf(t *reports.Template, id int64) int64 {
	for _, c := range t.Sections {
		if c.ID == id {
			return c.ID
		}
		for _, sub := range c.Subs {
			if sub.ID == id {
				return c.ID
			}
			for _, it := range sub.Items {
				if it.ID == id {
					return c.ID
				}
			}
		}
	}
	return 0
}

// templateChanged answers a change of template t: on success a flash and
// the template's page, unfolded at section show; else the page again, as
// it now stands, with the conflict, refusal or field errors where they
// belong (back says which form sent what).
func (h *handler) templateChanged(w http.ResponseWriter, r *http.Request, rq *web.Request, t *reports.Template, err error,
	back templatePageData, flash string, show int64) {
	var ce *reports.ConflictError
	var re *reports.RefusedError
	fe := fault.FieldsOf(err)
	status := 0
	switch {
	case err == nil:
		rq.Audit.Detail = "report template " + t.Code
		h.kit.SetFlash(w, flash)
		to := "/reports/templates/" + strconv.FormatInt(t.ID, 10)
		if show != 0 {
			to += fmt.Sprintf("?open=%d#s-%d", show, show)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	case fe != nil:
		back.Errors, status = fe, http.StatusUnprocessableEntity
	case errors.As(err, &ce):
		back.Notice, status = ce.Error(), http.StatusConflict
	case errors.As(err, &re):
		back.Refusal, status = re.Reason, http.StatusConflict
	default:
		h.kit.Fail(w, r, rq, err)
		return
	}
	// The page as it now stands, with its current version, so that the
	// administrator sees what changed and can do it again.
	cur, err := h.Reports.Template(r.Context(), strconv.FormatInt(t.ID, 10))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.renderTemplatePage(w, r, rq, cur, back, status)
}
