package reportsweb

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type manualData struct {
	Q      reportQuery
	Unit   orgtree.Unit
	Rows   []*reports.Row
	Errors map[string]string
	Values map[string]string
	None   map[string]bool // items marked 无
	Notice string
	Query  template.URL // see reportPageData.Query
}

// reportManualForm shows the manual items due for a community and period.
func (h *handler) reportManualForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	h.renderManual(w, r, rq, q, nil, nil, "")
}

func (h *handler) renderManual(w http.ResponseWriter, r *http.Request, rq *web.Request, q reportQuery, errs, vals map[string]string, notice string) {
	id, _ := web.PathID(r)
	u, err := h.Org.Get(r.Context(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if u.Level != orgtree.LevelCommunity {
		h.kit.ErrorMessage(w, r, rq, http.StatusBadRequest, "请选择社区", "reports", "请选择社区",
			"手工项由社区填报;街道、区县的数值是所辖社区的合计。")
		return
	}
	rep, err := h.Reports.Compute(r.Context(), q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := manualData{Q: q, Unit: u, Errors: errs, Values: vals, Notice: notice, Query: template.URL(q.values().Encode()),
		None: map[string]bool{}}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	for _, row := range rep.Rows {
		if row.Manual && row.Due {
			d.Rows = append(d.Rows, row)
			if _, ok := d.Values[row.Indicator]; !ok && row.Known {
				d.Values[row.Indicator] = reports.FormatValue(row.Value, row.Decimals)
				if row.Note == reports.None && row.Value == 0 {
					d.Values[row.Indicator] = ""
					d.None[row.Indicator] = true
				}
			}
		}
	}
	status := http.StatusOK
	if len(errs) > 0 || notice != "" {
		status = http.StatusUnprocessableEntity
	}
	h.tmpl.Render(w, r, status, "reports_manual", web.NewPage(rq, u.Name+" 手工填报", "reports", d))
}

// reportManualSave stores the manual values typed, item by item; errors
// are shown at their field, and a value someone else changed meanwhile is
// not overwritten.
func (h *handler) reportManualSave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q, ok := h.reportQueryPost(w, r, rq)
	if !ok {
		return
	}
	id, _ := web.PathID(r)
	rep, err := h.Reports.Compute(ctx, q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	errs, vals := map[string]string{}, map[string]string{}
	var conflict string
	for _, row := range rep.Rows {
		if !row.Manual || !row.Due {
			continue
		}
		text := strings.TrimSpace(r.PostFormValue("v_" + row.Indicator))
		none := r.PostFormValue("none_"+row.Indicator) != ""
		vals[row.Indicator] = text
		version, _ := strconv.Atoi(r.PostFormValue("ver_" + row.Indicator))
		var value *float64
		note := ""
		if text != "" {
			x, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
			if err != nil {
				errs[row.Indicator] = "请填写数字"
				continue
			}
			value = &x
		}
		if none {
			// 无: nothing of the kind happened; a number beside it is a
			// contradiction unless it is zero.
			if value != nil && *value != 0 {
				errs[row.Indicator] = "已标记「无」,请不要同时填写数值"
				continue
			}
			zero := 0.0
			value, note = &zero, reports.None
		}
		same := (!row.Known && value == nil) || (row.Known && value != nil && *value == row.Value && row.Note == note)
		if same {
			continue
		}
		err := h.Reports.SetManual(ctx, rq.Actor.Name, id, row.Period, row.Indicator, value, note, version)
		var ce *reports.ConflictError
		if fe := fault.FieldsOf(err); fe != nil {
			for _, m := range fe {
				errs[row.Indicator] = m
			}
		} else if errors.As(err, &ce) {
			errs[row.Indicator] = ce.Error()
			conflict = "有的项目已被他人修改,未覆盖;请核对后重新填写。"
		} else if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	if len(errs) > 0 {
		h.renderManual(w, r, rq, q, errs, vals, conflict)
		return
	}
	h.kit.SetFlash(w, "manual_saved")
	http.Redirect(w, r, fmt.Sprintf("/reports/units/%d?%s", id, q.values().Encode()), http.StatusSeeOther)
}
