package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/register"
	"shequ/internal/reports"
)

// Report templates administered in the browser: a new template from its
// header fields, its 大类 and 小类 added, renamed, moved and deleted, items
// deleted from the template's page, and the department's own blank form
// (空白报表) uploaded for exports to fill in. Every change names the version
// of the template it was made on; a change someone else made meanwhile is
// shown, not overwritten.

func init() {
	for k, v := range map[string]string{
		"report_template_created": "已新建报表模板;请添加大类、小类和项",
		"report_template_saved":   "已保存报表模板",
		"report_template_deleted": "已删除报表模板",
		"section_added":           "已添加",
		"section_saved":           "已改名",
		"section_moved":           "已调整顺序",
		"section_deleted":         "已删除",
		"item_deleted":            "已删除报表项",
		"form_uploaded":           "已上传空白报表;导出的 Excel 将按此表填写",
		"form_deleted":            "已删除空白报表;导出的 Excel 恢复为系统生成的格式",
	} {
		flashes[k] = v
	}
}

func (h *handler) reportTemplateRoutes(rt *Routes, manage access.Rule) {
	h.kit.Handle(rt, "GET /reports/templates/new", manage, h.reportTemplateForm)
	h.kit.Handle(rt, "POST /reports/templates/new", manage, h.reportTemplateSave)
	h.kit.Handle(rt, "GET /reports/templates/{tid}/edit", manage, h.reportTemplateForm)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/edit", manage, h.reportTemplateSave)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/delete", manage, h.reportTemplateDelete)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/sections", manage, h.sectionAdd)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/edit", manage, h.sectionRename)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/move", manage, h.sectionMove)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/delete", manage, h.sectionDelete)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/items/{iid}/delete", manage, h.itemDelete)
	h.kit.Handle(rt, "GET /reports/templates/{tid}/form", manage, h.blankFormDownload)
	// The body may be well over the form's limit, so that a file too big is
	// told at its field rather than by a bare error page.
	h.kit.HandleWithBody(rt, "POST /reports/templates/{tid}/form", manage, 4*reports.MaxFormBytes, h.blankFormUpload)
	h.kit.Handle(rt, "POST /reports/templates/{tid}/form/delete", manage, h.blankFormDelete)
}

// templateOf reads the template of the path's {tid} (an id or a code); ok
// is false when the page was answered.
func (h *handler) templateOf(w http.ResponseWriter, r *http.Request, rq *Request) (*reports.Template, bool) {
	t, err := h.Reports.Template(r.Context(), r.PathValue("tid"))
	if errors.Is(err, reports.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
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
func (h *handler) reportTemplate(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	d := templatePageData{}
	if id, ok := QueryID(r, "open"); ok {
		d.Open = map[int64]bool{id: true}
	}
	h.renderTemplatePage(w, r, rq, t, d, http.StatusOK)
}

func (h *handler) renderTemplatePage(w http.ResponseWriter, r *http.Request, rq *Request, t *reports.Template, d templatePageData, status int) {
	ctx := r.Context()
	d.T, d.Defs, d.Names, d.Depts = t, map[string]string{}, map[string]string{}, map[string]string{}
	d.Manage, d.MaxMB = rq.Viewer.Can(permReportsManage), reports.MaxFormBytes>>20
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	var err error
	if d.Burden, err = h.Reports.TemplateBurden(ctx, t); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, ind := range inds {
		d.Defs[ind.Code], d.Names[ind.Code] = ind.Definition(reg), ind.Name
	}
	depts, err := h.Reports.Departments(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
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
	h.tmpl.Render(w, r, status, "reports_template", NewPage(rq, t.Name, "reports", d))
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
func (h *handler) templateChanged(w http.ResponseWriter, r *http.Request, rq *Request, t *reports.Template, err error,
	back templatePageData, flash string, show int64) {
	var fe register.FieldErrors
	var ce *reports.ConflictError
	var re *reports.RefusedError
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
	case errors.As(err, &fe):
		back.Errors, status = fe, http.StatusUnprocessableEntity
	case errors.As(err, &ce):
		back.Notice, status = ce.Error(), http.StatusConflict
	case errors.As(err, &re):
		back.Refusal, status = re.Reason, http.StatusConflict
	case errors.Is(err, reports.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	default:
		h.kit.ServerError(w, r, rq, err)
		return
	}
	// The page as it now stands, with its current version, so that the
	// administrator sees what changed and can do it again.
	cur, err := h.Reports.Template(r.Context(), strconv.FormatInt(t.ID, 10))
	if errors.Is(err, reports.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.renderTemplatePage(w, r, rq, cur, back, status)
}

// pathInt reads a numeric path value (0 when it is not one).
func pathInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n
}

// sectionAdd adds a 大类 (no parent) or a 小类 under the 大类 parent.
func (h *handler) sectionAdd(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	parent, _ := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	name := r.PostFormValue("name")
	_, sec, err := h.Reports.AddSection(r.Context(), actorName(rq.User), t.ID, formVersion(r), parent, name)
	show := int64(0)
	if sec != nil {
		show = sec.ID
	}
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "add", At: parent, Name: name}, "section_added", show)
}

// sectionRename changes the name of a 大类 or 小类.
func (h *handler) sectionRename(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	sid, name := pathInt(r, "sid"), r.PostFormValue("name")
	_, err := h.Reports.RenameSection(r.Context(), actorName(rq.User), t.ID, formVersion(r), sid, name)
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "rename", At: sid, Name: name}, "section_saved", sid)
}

// sectionMove moves a 大类 or 小类 up (step -1) or down (step 1).
func (h *handler) sectionMove(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	step := 1
	if r.PostFormValue("step") == "-1" {
		step = -1
	}
	sid := pathInt(r, "sid")
	_, err := h.Reports.MoveSection(r.Context(), actorName(rq.User), t.ID, formVersion(r), sid, step)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: sid}, "section_moved", sid)
}

// sectionDelete removes an empty 大类 or 小类.
func (h *handler) sectionDelete(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	sid := pathInt(r, "sid")
	_, err := h.Reports.DeleteSection(r.Context(), actorName(rq.User), t.ID, formVersion(r), sid)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: sid}, "section_deleted", categoryOf(t, sid))
}

// itemDelete removes an item, from the template's page.
func (h *handler) itemDelete(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	iid := pathInt(r, "iid")
	err := h.Reports.DeleteItem(r.Context(), actorName(rq.User), t.ID, formVersion(r), iid)
	h.templateChanged(w, r, rq, t, err, templatePageData{At: iid}, "item_deleted", categoryOf(t, iid))
}

// blankFormUpload stores the department's blank form of a template.
func (h *handler) blankFormUpload(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	var name string
	var data []byte
	if file, header, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(file); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		name = uploadName(header.Filename)
	}
	err := h.Reports.SaveBlankForm(r.Context(), actorName(rq.User), t.ID, formVersion(r), name, data)
	if err == nil {
		h.Log.Info("report blank form uploaded", "template", t.ID, "bytes", len(data))
	}
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "upload"}, "form_uploaded", 0)
}

// uploadName is the base name of an uploaded file, as the browser named it,
// shortened to 100 characters.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) || name == "." || name == "/" {
		return ""
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	return name
}

// blankFormDelete removes a template's blank form.
func (h *handler) blankFormDelete(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	err := h.Reports.DeleteBlankForm(r.Context(), actorName(rq.User), t.ID, formVersion(r))
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "upload"}, "form_deleted", 0)
}

// blankFormDownload sends the stored blank form as it was uploaded.
func (h *handler) blankFormDownload(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	fi, data, err := h.Reports.BlankForm(r.Context(), t.ID)
	if errors.Is(err, reports.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="form.xlsx"; filename*=UTF-8''`+url.PathEscape(fi.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

type reportTemplateFormData struct {
	New      bool
	T        reports.Template
	Depts    []Option
	Freqs    []Option
	Errors   map[string]string
	Summary  []ErrItem
	Notice   string // a conflict
	Refusal  string // a deletion refused
	Sample   bool
	Original string // the template's name before the edit, for the heading
}

var frequencyOptions = []Option{{"month", "月报"}, {"quarter", "季报"}, {"year", "年报"}}

// templateForm shows the form of a new template, or of an existing one's
// header fields.
func (h *handler) reportTemplateForm(w http.ResponseWriter, r *http.Request, rq *Request) {
	d := reportTemplateFormData{New: r.PathValue("tid") == ""}
	if d.New {
		d.T = reports.Template{Frequency: "month", Sheet: "报表", TitleCell: "A1", UnitCell: "A2", PeriodCell: "D2"}
	} else {
		t, ok := h.templateOf(w, r, rq)
		if !ok {
			return
		}
		d.T = *t
	}
	h.renderReportTemplateForm(w, r, rq, d, http.StatusOK)
}

func (h *handler) renderReportTemplateForm(w http.ResponseWriter, r *http.Request, rq *Request, d reportTemplateFormData, status int) {
	depts, err := h.Reports.Departments(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, dp := range depts {
		d.Depts = append(d.Depts, Option{Value: dp.Code, Label: dp.Name})
	}
	d.Freqs = frequencyOptions
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Summary = Summarize(d.Errors, []string{"code", "name", "frequency", "department", "description", "sheet",
		"title_cell", "unit_cell", "period_cell"})
	if !d.New {
		// What the form cannot change is read from the template as stored.
		if cur, err := h.Reports.Template(r.Context(), strconv.FormatInt(d.T.ID, 10)); err == nil {
			d.Sample, d.Original = cur.Sample, cur.Name
		}
	}
	title := "新建报表模板"
	if !d.New {
		title = "修改报表模板 " + d.Original
	}
	h.tmpl.Render(w, r, status, "reports_template_form", NewPage(rq, title, "reports", d))
}

// templateSave creates a template or changes its header fields.
func (h *handler) reportTemplateSave(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	f := r.PostFormValue
	d := reportTemplateFormData{New: r.PathValue("tid") == ""}
	d.T = reports.Template{Code: strings.TrimSpace(f("code")), Name: strings.TrimSpace(f("name")), Frequency: f("frequency"),
		Department: f("department"), Description: strings.TrimSpace(f("description")), Sheet: f("sheet"),
		TitleCell: f("title_cell"), UnitCell: f("unit_cell"), PeriodCell: f("period_cell"), Version: formVersion(r)}
	var err error
	if d.New {
		err = h.Reports.CreateTemplate(ctx, actorName(rq.User), &d.T)
	} else {
		t, ok := h.templateOf(w, r, rq)
		if !ok {
			return
		}
		d.T.ID = t.ID
		if t.Sample {
			d.T.Code = t.Code // not on the form: the sample keeps its code
		}
		var saved *reports.Template
		if saved, err = h.Reports.SaveTemplateHeader(ctx, actorName(rq.User), &d.T); err == nil {
			d.T = *saved
		}
	}
	var fe register.FieldErrors
	var ce *reports.ConflictError
	switch {
	case errors.As(err, &fe):
		d.Errors = fe
		h.renderReportTemplateForm(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	case errors.As(err, &ce):
		d.Notice = ce.Error()
		h.renderReportTemplateForm(w, r, rq, d, http.StatusConflict)
		return
	case errors.Is(err, reports.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	case err != nil:
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "report template " + d.T.Code
	if d.New {
		h.kit.SetFlash(w, "report_template_created")
	} else {
		h.kit.SetFlash(w, "report_template_saved")
	}
	http.Redirect(w, r, "/reports/templates/"+strconv.FormatInt(d.T.ID, 10), http.StatusSeeOther)
}

// templateDelete removes a template that is not the sample and that no
// community has signed off; a refusal is shown on the template's form.
func (h *handler) reportTemplateDelete(w http.ResponseWriter, r *http.Request, rq *Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	err := h.Reports.DeleteTemplate(r.Context(), t.ID, formVersion(r))
	var ce *reports.ConflictError
	var re *reports.RefusedError
	d := reportTemplateFormData{T: *t}
	switch {
	case err == nil:
		rq.Audit.Detail = "report template " + t.Code
		h.kit.SetFlash(w, "report_template_deleted")
		http.Redirect(w, r, "/reports", http.StatusSeeOther)
	case errors.As(err, &ce):
		d.Notice = ce.Error()
		h.renderReportTemplateForm(w, r, rq, d, http.StatusConflict)
	case errors.As(err, &re):
		d.Refusal = re.Reason
		h.renderReportTemplateForm(w, r, rq, d, http.StatusConflict)
	case errors.Is(err, reports.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
	default:
		h.kit.ServerError(w, r, rq, err)
	}
}
