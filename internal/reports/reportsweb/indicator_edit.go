package reportsweb

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type indicatorFormData struct {
	New        bool
	I          indicators.Indicator
	MeasureArg string
	Errors     map[string]string
	Conflict   string
	Help       []reports.EntityHelp
	Depts      []reports.Department
	Measures   [][2]string
	Rules      [][2]string
	Preview    string
	PreviewErr string
	Unit       string
	Period     string
}

var measureChoices = [][2]string{{"count", "计数"}, {"distinct", "去重计数"}, {"sum", "求和"}, {"avg", "平均"},
	{"share", "占比"}, {"manual", "手工填报"}}
var ruleChoices = [][2]string{{"end", "期末"}, {"during", "期内"}, {"new", "期内新增"}, {"left", "期内减少"}}

// indicatorForm shows the editor of an indicator.
func (h *handler) indicatorForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := indicatorFormData{New: r.PathValue("code") == "", I: indicators.Indicator{Measure: "count", Rule: "end"}}
	if !d.New {
		ind, err := h.Reports.Indicator(r.Context(), r.PathValue("code"))
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.I = ind
		if e, err := h.entityLabel(r, ind.Entity); err == nil {
			d.I.Entity = e
		}
	}
	h.renderIndicator(w, r, rq, d, http.StatusOK)
}

// entityLabel turns an entity name into its label for the form.
func (h *handler) entityLabel(r *http.Request, name string) (string, error) {
	reg, err := h.Reports.Registry(r.Context())
	if err != nil {
		return name, err
	}
	if e := reg.Entity(name); e != nil {
		return e.Label, nil
	}
	return name, nil
}

func (h *handler) renderIndicator(w http.ResponseWriter, r *http.Request, rq *web.Request, d indicatorFormData, status int) {
	ctx := r.Context()
	var err error
	if d.Help, err = h.Reports.Help(ctx); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Depts, err = h.Reports.Departments(ctx); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Measures, d.Rules = measureChoices, ruleChoices
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	switch d.I.Measure {
	case indicators.Share:
		d.MeasureArg = d.I.Of
	case indicators.Distinct, indicators.Sum, indicators.Avg:
		d.MeasureArg = d.I.Field
		if reg, err := h.Reports.Registry(ctx); err == nil {
			if e := reg.Entity(d.I.Entity); e != nil {
				if f := e.Field(d.I.Field); f != nil {
					d.MeasureArg = f.Label
				}
			}
		}
	}
	title := "新建指标"
	if !d.New {
		title = "修改指标 " + d.I.Code
	}
	h.tmpl.Render(w, r, status, "reports_indicator_form", web.NewPage(rq, title, "reports", d))
}

// indicatorSave creates or changes an indicator, or computes it for a unit
// without saving (试算).
func (h *handler) indicatorSave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	d := indicatorFormData{New: r.PathValue("code") == ""}
	f := r.PostFormValue
	d.I = indicators.Indicator{Code: strings.TrimSpace(f("code")), Name: f("name"), Entity: f("entity"), Filter: f("filter"),
		Measure: f("measure"), Rule: f("rule"), Unit: strings.TrimSpace(f("unit")), Department: f("department"),
		Note: strings.TrimSpace(f("note")), Version: web.FormVersion(r)}
	if !d.New {
		d.I.Code = r.PathValue("code")
	}
	d.I.Decimals = indicators.DefaultDecimals(d.I.Measure)
	if s := strings.TrimSpace(f("decimals")); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			d.I.Decimals = n
		} else {
			d.I.Decimals = -1 // refused at the field by the indicator's check
		}
	}
	arg := strings.TrimSpace(f("arg"))
	switch d.I.Measure {
	case indicators.Share:
		d.I.Of = arg
	default:
		d.I.Field = arg
	}
	d.Unit, d.Period = strings.TrimSpace(f("unit_ref")), strings.TrimSpace(f("period"))
	if f("action") == "preview" {
		h.indicatorPreview(w, r, rq, d)
		return
	}
	err := h.Reports.SaveIndicator(ctx, rq.Actor.Name, &d.I)
	var ce *reports.ConflictError
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.renderIndicator(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	}
	if errors.As(err, &ce) {
		d.Conflict = ce.Error()
		h.renderIndicator(w, r, rq, d, http.StatusConflict)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "indicator " + d.I.Code
	h.kit.SetFlash(w, "indicator_saved")
	http.Redirect(w, r, "/reports/indicators?q="+url.QueryEscape(d.I.Code), http.StatusSeeOther)
}

// indicatorPreview computes the definition on the form for a unit and a
// period, without saving, so that an administrator sees what it gives.
func (h *handler) indicatorPreview(w http.ResponseWriter, r *http.Request, rq *web.Request, d indicatorFormData) {
	ctx := r.Context()
	c, err := h.Reports.ValidateIndicator(ctx, withPreviewCode(d.I))
	if fe := fault.FieldsOf(err); fe != nil {
		delete(fe, "code")
		if len(fe) > 0 {
			d.Errors = fe
			h.renderIndicator(w, r, rq, d, http.StatusUnprocessableEntity)
			return
		}
	} else if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if c == nil || c.Measure == indicators.Manual {
		d.PreviewErr = "手工填报的指标不能试算"
		h.renderIndicator(w, r, rq, d, http.StatusOK)
		return
	}
	unit, err := h.previewUnit(r, d.Unit)
	if err != nil {
		d.PreviewErr = err.Error()
		h.renderIndicator(w, r, rq, d, http.StatusOK)
		return
	}
	p := indicators.Current(indicators.Monthly, time.Now().In(web.China)).Previous()
	if d.Period != "" {
		if p, err = indicators.ParsePeriod(d.Period); err != nil {
			d.PreviewErr = err.Error()
			h.renderIndicator(w, r, rq, d, http.StatusOK)
			return
		}
	}
	v, took, err := h.Reports.Preview(ctx, d.I, unit.ID, p)
	if err != nil {
		d.PreviewErr = err.Error()
	} else {
		d.Preview = fmt.Sprintf("%s %s:%s %s(用时 %d 毫秒)", unit.Name, p.Label(), reports.FormatValue(v, d.I.Decimals), reports.UnitText(d.I.Unit), took.Milliseconds())
	}
	h.renderIndicator(w, r, rq, d, http.StatusOK)
}

// withPreviewCode gives a definition being tried a code when it has none.
func withPreviewCode(ind indicators.Indicator) indicators.Indicator {
	if ind.Code == "" {
		ind.Code = "PREVIEW"
	}
	if strings.TrimSpace(ind.Name) == "" {
		ind.Name = "试算"
	}
	return ind
}

// previewUnit finds the unit a preview computes for: the one named, else
// the first top of the tree.
func (h *handler) previewUnit(r *http.Request, ref string) (orgtree.Unit, error) {
	if ref != "" {
		u, err := h.Org.Find(r.Context(), ref)
		if err != nil {
			return u, fmt.Errorf("找不到组织单元「%s」", ref)
		}
		return u, nil
	}
	roots, err := h.Org.Roots(r.Context())
	if err != nil || len(roots) == 0 {
		return orgtree.Unit{}, errors.New("还没有组织单元")
	}
	return roots[0], nil
}

// indicatorDelete removes an indicator nothing uses.
func (h *handler) indicatorDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Reports.DeleteIndicator(r.Context(), r.PathValue("code"))
	var refused *reports.RefusedError
	switch {
	case errors.As(err, &refused):
		h.kit.SetFlash(w, "indicator_in_use")
	case err != nil:
		h.kit.Fail(w, r, rq, err)
		return
	default:
		h.kit.SetFlash(w, "indicator_deleted")
	}
	http.Redirect(w, r, "/reports/indicators", http.StatusSeeOther)
}
