package reportsweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type reportTemplateFormData struct {
	New      bool
	T        reports.Template
	Depts    []web.Option
	Freqs    []web.Option
	Errors   map[string]string
	Summary  []web.ErrItem
	Notice   string // a conflict
	Refusal  string // a deletion refused
	Sample   bool
	Original string // the template's name before the edit, for the heading
}

var frequencyOptions = []web.Option{{Value: "month", Label: "月报"}, {Value: "quarter", Label: "季报"}, {Value: "year", Label: "年报"}}

// reportTemplateForm shows the form of a new template, or of an existing
// one's header fields.
func (h *handler) reportTemplateForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
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

func (h *handler) renderReportTemplateForm(w http.ResponseWriter, r *http.Request, rq *web.Request, d reportTemplateFormData, status int) {
	depts, err := h.Reports.Departments(r.Context())
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, dp := range depts {
		d.Depts = append(d.Depts, web.Option{Value: dp.Code, Label: dp.Name})
	}
	d.Freqs = frequencyOptions
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Summary = web.Summarize(d.Errors, []string{"code", "name", "frequency", "department", "description", "sheet",
		"title_cell", "unit_cell", "period_cell", "work_item_id"})
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
	h.tmpl.Render(w, r, status, "reports_template_form", web.NewPage(rq, title, "reports", d))
}

// reportTemplateSave creates a template or changes its header fields.
func (h *handler) reportTemplateSave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	f := r.PostFormValue
	d := reportTemplateFormData{New: r.PathValue("tid") == ""}
	d.T = reports.Template{Code: strings.TrimSpace(f("code")), Name: strings.TrimSpace(f("name")), Frequency: f("frequency"),
		Department: f("department"), Description: strings.TrimSpace(f("description")), Sheet: f("sheet"),
		TitleCell: f("title_cell"), UnitCell: f("unit_cell"), PeriodCell: f("period_cell"), Version: web.FormVersion(r)}
	if v := strings.TrimSpace(f("work_item_id")); v != "" {
		if d.T.WorkItemID, _ = strconv.ParseInt(v, 10, 64); d.T.WorkItemID <= 0 {
			d.T.WorkItemID = -1 // not a number: refused at the field as no such item
		}
	}
	var err error
	if d.New {
		err = h.Reports.CreateTemplate(ctx, rq.Actor.Name, &d.T)
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
		if saved, err = h.Reports.SaveTemplateHeader(ctx, rq.Actor.Name, &d.T); err == nil {
			d.T = *saved
		}
	}
	var ce *reports.ConflictError
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.renderReportTemplateForm(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	}
	if errors.As(err, &ce) {
		d.Notice = ce.Error()
		h.renderReportTemplateForm(w, r, rq, d, http.StatusConflict)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
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

// reportTemplateDelete removes a template that is not the sample and that
// no community has signed off; a refusal is shown on the template's form.
func (h *handler) reportTemplateDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	err := h.Reports.DeleteTemplate(r.Context(), t.ID, web.FormVersion(r))
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
	default:
		h.kit.Fail(w, r, rq, err)
	}
}
