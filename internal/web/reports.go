package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/services"
)

// Reports (报表): a template computed for a unit and a period, each number
// opening the records behind it (台账), downloads, the community's
// sign-off and the street's view of it, manual entries, and the
// administrators' editors for indicators and rules.

// Permissions of the reports capability.
const (
	permReportsRead    = reports.PermRead
	permReportsSignoff = reports.PermSignoff
	permReportsManual  = reports.PermManual
	permReportsManage  = reports.PermManage
)

func init() {
	for k, v := range map[string]string{
		"report_signed":     "已确认本期报表,确认时的数值已保存",
		"report_revoked":    "已撤销确认",
		"manual_saved":      "已保存填报的数值",
		"sample_installed":  "已安装示例报表模板",
		"sample_exists":     "示例报表模板已存在",
		"indicator_saved":   "已保存指标",
		"indicator_deleted": "已删除指标",
		"indicator_in_use":  "该指标正被报表项、占比指标或校验规则使用,不能删除",
		"rule_saved":        "已保存校验规则",
		"rule_deleted":      "已删除校验规则",
	} {
		flashes[k] = v
	}
	labels["freq"] = indicators.FrequencyNames
	funcs["fmtnum"] = func(v float64) string { return reports.FormatValue(v, "") }
}

func (h *handler) reportRoutes(rt *access.Routes) {
	if h.Reports == nil {
		h.Reports = reports.New(h.DB, h.Audit, events.NewIndicatorSource, services.NewIndicatorSource)
	}
	read := access.Rule{Perm: permReportsRead}
	unit := func(perm, auditAction string) access.Rule {
		return access.Rule{Perm: perm, Object: "unit", Audit: auditAction}
	}
	manage := access.Rule{Perm: permReportsManage}
	h.addNav("reports", "报表", "/reports", permReportsRead)
	h.page(rt, "GET /reports", read, h.reportsIndex)
	h.page(rt, "GET /reports/units/{id}", unit(permReportsRead, ""), h.reportPage)
	h.page(rt, "GET /reports/units/{id}/export", unit(permReportsRead, ""), h.reportExport)
	h.page(rt, "GET /reports/units/{id}/ledger", unit(permReportsRead, audit.View), h.reportLedger)
	h.page(rt, "GET /reports/units/{id}/ledger/export", unit(access.RegisterExport, audit.Export), h.reportLedgerExport)
	h.page(rt, "POST /reports/units/{id}/signoff", unit(permReportsSignoff, ""), h.reportSignoff)
	h.page(rt, "GET /reports/units/{id}/manual", unit(permReportsManual, ""), h.reportManualForm)
	h.page(rt, "POST /reports/units/{id}/manual", unit(permReportsManual, ""), h.reportManualSave)
	h.page(rt, "GET /reports/templates/{tid}", read, h.reportTemplate)
	h.page(rt, "GET /reports/templates/{tid}/items/{iid}/edit", manage, h.itemForm)
	h.page(rt, "POST /reports/templates/{tid}/items/{iid}/edit", manage, h.itemSave)
	h.page(rt, "GET /reports/templates/{tid}/sections/{sid}/new", manage, h.itemForm)
	h.page(rt, "POST /reports/templates/{tid}/sections/{sid}/new", manage, h.itemSave)
	h.reportTemplateRoutes(rt, manage)
	h.page(rt, "POST /reports/sample", manage, h.reportInstallSample)
	h.page(rt, "GET /reports/indicators", manage, h.indicatorList)
	h.page(rt, "GET /reports/indicators/new", manage, h.indicatorForm)
	h.page(rt, "POST /reports/indicators/new", manage, h.indicatorSave)
	h.page(rt, "GET /reports/indicators/{code}/edit", manage, h.indicatorForm)
	h.page(rt, "POST /reports/indicators/{code}/edit", manage, h.indicatorSave)
	h.page(rt, "POST /reports/indicators/{code}/delete", manage, h.indicatorDelete)
	h.page(rt, "GET /reports/rules", manage, h.ruleList)
	h.page(rt, "POST /reports/rules", manage, h.ruleSave)
	h.page(rt, "POST /reports/rules/{rid}/delete", manage, h.ruleDelete)
}

// reportQuery is the template and period a report page is about.
type reportQuery struct {
	Template *reports.Template
	Period   indicators.Period
	Periods  []indicators.Period // recent periods to choose from
}

// query reads ?t= and ?period=: the sample (or the first) template and the
// last complete period of its frequency by default. ok is false when the
// page was answered (no template yet, or a bad value).
func (h *handler) reportQuery(w http.ResponseWriter, r *http.Request, rq *request) (reportQuery, bool) {
	ctx := r.Context()
	var q reportQuery
	code := r.URL.Query().Get("t")
	if code == "" {
		ts, err := h.Reports.Templates(ctx)
		if err != nil {
			h.serverError(w, r, rq, err)
			return q, false
		}
		if len(ts) == 0 {
			http.Redirect(w, r, "/reports", http.StatusSeeOther)
			return q, false
		}
		code = ts[0].Code
		for _, t := range ts {
			if t.Code == reports.SampleCode {
				code = t.Code
			}
		}
	}
	t, err := h.Reports.Template(ctx, code)
	if errors.Is(err, reports.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return q, false
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return q, false
	}
	q.Template = t
	now := indicators.Current(t.Frequency, time.Now().In(china))
	q.Period = now.Previous()
	if p := r.URL.Query().Get("period"); p != "" {
		if q.Period, err = indicators.ParsePeriod(p); err != nil {
			h.errorPage(w, r, rq, http.StatusBadRequest)
			return q, false
		}
	}
	for p, i := now, 0; i < 13; p, i = p.Previous(), i+1 {
		q.Periods = append(q.Periods, p)
	}
	return q, true
}

func (q reportQuery) values() url.Values {
	return url.Values{"t": {q.Template.Code}, "period": {q.Period.String()}}
}

// departmentsFor is the item filter of a viewer at the unit's place (see
// reports.DepartmentsAt).
func departmentsFor(rq *request) []string { return reports.DepartmentsAt(rq.viewer, rq.place) }

type reportsIndexData struct {
	Templates []templateSummary
	Units     []orgtree.Unit
	Manage    bool
	Flash     string
}

type templateSummary struct {
	T      *reports.Template
	Burden reports.Burden
	Cats   int
	Subs   int
}

// reportsIndex lists the templates with their burden and the units the
// viewer may open reports for.
func (h *handler) reportsIndex(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	ts, err := h.Reports.Templates(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d := reportsIndexData{Manage: rq.viewer.Can(permReportsManage)}
	for _, t := range ts {
		full, err := h.Reports.Template(ctx, t.Code)
		if err != nil {
			h.serverError(w, r, rq, err)
			return
		}
		b, err := h.Reports.TemplateBurden(ctx, full)
		if err != nil {
			h.serverError(w, r, rq, err)
			return
		}
		c, s, _ := full.Counts()
		d.Templates = append(d.Templates, templateSummary{T: full, Burden: b, Cats: c, Subs: s})
	}
	scope := rq.viewer.Scope(permReportsRead)
	if scope.Whole() {
		d.Units, err = h.Org.Roots(ctx)
	} else {
		for _, id := range scope.Units() {
			u, err := h.Org.Get(ctx, id)
			if err != nil {
				h.serverError(w, r, rq, err)
				return
			}
			d.Units = append(d.Units, u)
		}
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	sortUnits(d.Units)
	h.render(w, r, http.StatusOK, "reports_index", newPage(rq, "报表", "reports", d))
}

type reportPageData struct {
	Q          reportQuery
	R          *reports.Report
	Statuses   []reports.CommunityStatus
	Signed     int
	Community  bool
	CanSign    bool
	CanManual  bool
	CanLedger  bool
	Restricted bool
	// Query is t=…&period=… for the page's links; a template.URL, which
	// html/template leaves as it is in an href (a plain string would have
	// its = and & escaped, and the links would lose the template and
	// period). url.Values.Encode makes it safe.
	Query  template.URL
	Future bool // the period has not ended
}

// reportPage shows a template computed for a unit: every item with its
// value (a link to its ledger), warnings, burden, downloads, and the
// community's sign-off — or, above the communities, which have signed.
func (h *handler) reportPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := pathID(r)
	d := reportPageData{Q: q, Query: template.URL(q.values().Encode()), CanLedger: rq.viewer.CanAt(access.RegisterRead, rq.place)}
	opt := reports.Options{Departments: departmentsFor(rq)}
	d.Restricted = opt.Departments != nil
	u, err := h.Org.Get(ctx, id)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.Community = u.Level == orgtree.LevelCommunity
	if d.Community || d.Restricted {
		d.R, err = h.Reports.Compute(ctx, q.Template.Code, id, q.Period, opt)
	} else {
		d.R, d.Statuses, err = h.Reports.Overview(ctx, q.Template.Code, id, q.Period)
		for _, st := range d.Statuses {
			if st.SignOff != nil {
				d.Signed++
			}
		}
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.CanSign = d.Community && rq.viewer.CanAt(permReportsSignoff, rq.place)
	d.CanManual = d.Community && rq.viewer.CanAt(permReportsManual, rq.place)
	d.Future = q.Period.End() >= time.Now().In(china).Format("2006-01-02")
	h.render(w, r, http.StatusOK, "reports_report", newPage(rq, d.R.Unit.Name+" "+q.Period.Label()+" 报表", "reports", d))
}

// reportExport downloads the report as xlsx (in the department's blank
// form, else the template's layout), pdf or csv.
func (h *handler) reportExport(w http.ResponseWriter, r *http.Request, rq *request) {
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := pathID(r)
	rep, err := h.Reports.Compute(r.Context(), q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	format := r.URL.Query().Get("format")
	var ctype, ext string
	switch format {
	case "xlsx":
		err = h.Reports.ExportXLSX(r.Context(), rep, &buf) // into the department's blank form, when uploaded
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	case "pdf":
		err = rep.WritePDF(&buf)
		ctype, ext = "application/pdf", "pdf"
	case "csv":
		err = rep.WriteCSV(&buf)
		ctype, ext = "text/csv; charset=utf-8", "csv"
	default:
		h.errorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	name := fmt.Sprintf("%s-%s-%s.%s", q.Template.Code, rep.Unit.Name, q.Period, ext)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="report.`+ext+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(buf.Bytes())
}

type ledgerData struct {
	Q        reportQuery
	Row      *reports.Row
	L        *reports.Ledger
	Page     int
	Pages    int
	Prev     int
	Next     int
	Query    template.URL // see reportPageData.Query
	Item     string
	Unit     orgtree.Unit
	Path     []orgtree.Unit
	CanSave  bool
	Heading  string
	Definite string
	Message  string
}

const ledgerPage = 50

// reportLedger lists the records behind one number (台账), scoped and
// masked as the viewer's register role says, with the number in each
// unit below.
func (h *handler) reportLedger(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := pathID(r)
	code := r.URL.Query().Get("item")
	ind, err := h.Reports.Indicator(ctx, code)
	if errors.Is(err, reports.ErrNotFound) || !h.itemAllowed(rq, q.Template, code) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	d := ledgerData{Q: q, Page: pg, Item: code, CanSave: rq.viewer.CanAt(access.RegisterExport, rq.place)}
	v := q.values()
	v.Set("item", code)
	d.Query = template.URL(v.Encode())
	if d.Path, err = h.Org.Ancestors(ctx, id); err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.Unit = d.Path[len(d.Path)-1]
	p := q.Period.Of(itemFrequency(q.Template, code))
	l, err := h.Reports.Ledger(ctx, rq.read(), code, id, p, (pg-1)*ledgerPage, ledgerPage)
	if errors.Is(err, reports.ErrNoLedger) {
		d.Heading, d.Message = ind.Name, "该项为手工填报,由社区填写,没有台账。"
		h.render(w, r, http.StatusOK, "reports_ledger", newPage(rq, ind.Name+" 台账", "reports", d))
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.L, d.Heading = l, ind.Name
	d.Pages = l.Pages()
	if pg > 1 {
		d.Prev = pg - 1
	}
	if pg < d.Pages {
		d.Next = pg + 1
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.Definite = ind.Definition(reg)
	rq.audit.rows = len(l.Rows)
	rq.audit.detail = "report ledger " + code
	h.render(w, r, http.StatusOK, "reports_ledger", newPage(rq, ind.Name+" 台账", "reports", d))
}

// itemFrequency is how often an item of the template is due (the template's
// frequency for an indicator it does not hold).
func itemFrequency(t *reports.Template, code string) string {
	for _, it := range t.Items() {
		if it.Indicator == code {
			return it.Frequency
		}
	}
	return t.Frequency
}

// itemAllowed says whether a viewer restricted to some departments may see
// an item.
func (h *handler) itemAllowed(rq *request, t *reports.Template, code string) bool {
	depts := departmentsFor(rq)
	if depts == nil {
		return true
	}
	for _, it := range t.Items() {
		if it.Indicator != code {
			continue
		}
		dept := it.Department
		for _, d := range depts {
			if d == dept {
				return true
			}
		}
	}
	return false
}

// ledgerLimit bounds one ledger download: a community's largest list fits.
const ledgerLimit = 50000

// reportLedgerExport downloads a ledger as xlsx or csv; the export and its
// row count are in the audit log before the file goes out.
func (h *handler) reportLedgerExport(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := pathID(r)
	code := r.URL.Query().Get("item")
	if !rq.viewer.CanAt(permReportsRead, rq.place) || !h.itemAllowed(rq, q.Template, code) {
		h.errorPage(w, r, rq, http.StatusForbidden)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "xlsx" && format != "csv" {
		h.errorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	p := q.Period.Of(itemFrequency(q.Template, code))
	l, err := h.Reports.Ledger(ctx, rq.viewer.Scope(access.RegisterExport), code, id, p, 0, 1)
	if errors.Is(err, reports.ErrNotFound) || errors.Is(err, reports.ErrNoLedger) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if l.Total > ledgerLimit {
		h.render(w, r, http.StatusUnprocessableEntity, "error", newPage(rq, "台账过大", "reports", errorData{Status: 422,
			Heading: "台账过大", Message: fmt.Sprintf("该台账有 %d 条记录,超过一次导出的上限 %d 条。请在下级单位分别导出。", l.Total, ledgerLimit)}))
		return
	}
	var buf bytes.Buffer
	var n int
	if format == "xlsx" {
		n, err = l.WriteXLSX(ctx, &buf)
	} else {
		n, err = l.WriteCSV(ctx, &buf)
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if err := h.Audit.RecordNow(ctx, audit.Entry{UserID: rq.user.ID, UserName: rq.user.Name, Addr: clientAddr(r),
		Action: audit.Export, Entity: "unit", EntityID: id, CommunityID: rq.place.Community,
		Route: "GET /reports/units/{id}/ledger/export", Status: http.StatusOK, Rows: n,
		Detail: "report ledger " + code + " " + p.String()}); err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := fmt.Sprintf("台账-%s-%s-%s.%s", l.Indicator.Name, l.Unit.Name, p, format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="ledger.`+format+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// reportSignoff confirms (or withdraws the confirmation of) a community's
// report for a period.
func (h *handler) reportSignoff(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	id, _ := pathID(r)
	t, err := h.Reports.Template(ctx, r.PostFormValue("t"))
	if errors.Is(err, reports.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	p, err := indicators.ParsePeriod(r.PostFormValue("period"))
	if err != nil {
		h.errorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	back := fmt.Sprintf("/reports/units/%d?%s", id, url.Values{"t": {t.Code}, "period": {p.String()}}.Encode())
	switch r.PostFormValue("action") {
	case "revoke":
		err = h.Reports.Revoke(ctx, actorName(rq.user), t.ID, id, p)
		if errors.Is(err, reports.ErrNotFound) {
			err = nil
		}
		if err == nil {
			h.setFlash(w, "report_revoked")
		}
	default:
		_, err = h.Reports.Sign(ctx, actorName(rq.user), rq.user.ID, t.Code, id, p, r.PostFormValue("note"))
		if errors.Is(err, reports.ErrNotCommunity) {
			h.errorPage(w, r, rq, http.StatusBadRequest)
			return
		}
		if err == nil {
			h.setFlash(w, "report_signed")
		}
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type manualData struct {
	Q      reportQuery
	Unit   orgtree.Unit
	Rows   []*reports.Row
	Errors map[string]string
	Values map[string]string
	Notice string
	Query  template.URL // see reportPageData.Query
}

// reportManualForm shows the manual items due for a community and period.
func (h *handler) reportManualForm(w http.ResponseWriter, r *http.Request, rq *request) {
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	h.renderManual(w, r, rq, q, nil, nil, "")
}

func (h *handler) renderManual(w http.ResponseWriter, r *http.Request, rq *request, q reportQuery, errs, vals map[string]string, notice string) {
	id, _ := pathID(r)
	u, err := h.Org.Get(r.Context(), id)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if u.Level != orgtree.LevelCommunity {
		h.render(w, r, http.StatusBadRequest, "error", newPage(rq, "请选择社区", "reports", errorData{Status: 400,
			Heading: "请选择社区", Message: "手工项由社区填报;街道、区县的数值是所辖社区的合计。"}))
		return
	}
	rep, err := h.Reports.Compute(r.Context(), q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d := manualData{Q: q, Unit: u, Errors: errs, Values: vals, Notice: notice, Query: template.URL(q.values().Encode())}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	for _, row := range rep.Rows {
		if row.Manual && row.Due {
			d.Rows = append(d.Rows, row)
			if _, ok := d.Values[row.Indicator]; !ok && row.Known {
				d.Values[row.Indicator] = reports.FormatValue(row.Value, "")
			}
		}
	}
	status := http.StatusOK
	if len(errs) > 0 || notice != "" {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "reports_manual", newPage(rq, u.Name+" 手工填报", "reports", d))
}

// reportManualSave stores the manual values typed, item by item; errors
// are shown at their field, and a value someone else changed meanwhile is
// not overwritten.
func (h *handler) reportManualSave(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q, ok := h.reportQueryPost(w, r, rq)
	if !ok {
		return
	}
	id, _ := pathID(r)
	rep, err := h.Reports.Compute(ctx, q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	errs, vals := map[string]string{}, map[string]string{}
	var conflict string
	for _, row := range rep.Rows {
		if !row.Manual || !row.Due {
			continue
		}
		text := strings.TrimSpace(r.PostFormValue("v_" + row.Indicator))
		vals[row.Indicator] = text
		version, _ := strconv.Atoi(r.PostFormValue("ver_" + row.Indicator))
		var value *float64
		if text != "" {
			x, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
			if err != nil {
				errs[row.Indicator] = "请填写数字"
				continue
			}
			value = &x
		}
		same := (!row.Known && value == nil) || (row.Known && value != nil && *value == row.Value)
		if same {
			continue
		}
		err := h.Reports.SetManual(ctx, actorName(rq.user), id, row.Period, row.Indicator, value, "", version)
		var fe register.FieldErrors
		var ce *reports.ConflictError
		switch {
		case errors.As(err, &fe):
			for _, m := range fe {
				errs[row.Indicator] = m
			}
		case errors.As(err, &ce):
			errs[row.Indicator] = ce.Error()
			conflict = "有的项目已被他人修改,未覆盖;请核对后重新填写。"
		case err != nil:
			h.serverError(w, r, rq, err)
			return
		}
	}
	if len(errs) > 0 {
		h.renderManual(w, r, rq, q, errs, vals, conflict)
		return
	}
	h.setFlash(w, "manual_saved")
	http.Redirect(w, r, fmt.Sprintf("/reports/units/%d?%s", id, q.values().Encode()), http.StatusSeeOther)
}

// reportQueryPost reads t and period from a posted form.
func (h *handler) reportQueryPost(w http.ResponseWriter, r *http.Request, rq *request) (reportQuery, bool) {
	r.URL.RawQuery = url.Values{"t": {r.PostFormValue("t")}, "period": {r.PostFormValue("period")}}.Encode()
	return h.reportQuery(w, r, rq)
}

// reportInstallSample installs the sample template.
func (h *handler) reportInstallSample(w http.ResponseWriter, r *http.Request, rq *request) {
	ok, err := h.Reports.InstallSample(r.Context())
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if ok {
		h.setFlash(w, "sample_installed")
	} else {
		h.setFlash(w, "sample_exists")
	}
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
}

type indicatorListData struct {
	Q     string
	Items []indicatorItem
	Total int
}

type indicatorItem struct {
	I    indicators.Indicator
	Def  string
	Uses int
}

// indicatorList lists the indicators with their definitions.
func (h *handler) indicatorList(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	uses, err := h.Reports.IndicatorUse(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d := indicatorListData{Q: strings.TrimSpace(r.URL.Query().Get("q")), Total: len(inds)}
	for _, ind := range inds {
		def := ind.Definition(reg)
		if d.Q != "" && !strings.Contains(ind.Code+" "+ind.Name+" "+def, d.Q) {
			continue
		}
		d.Items = append(d.Items, indicatorItem{I: ind, Def: def, Uses: uses[ind.Code]})
	}
	rq.audit.detail = ""
	h.render(w, r, http.StatusOK, "reports_indicators", newPage(rq, "指标", "reports", d))
}

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
func (h *handler) indicatorForm(w http.ResponseWriter, r *http.Request, rq *request) {
	d := indicatorFormData{New: r.PathValue("code") == "", I: indicators.Indicator{Measure: "count", Rule: "end"}}
	if !d.New {
		ind, err := h.Reports.Indicator(r.Context(), r.PathValue("code"))
		if errors.Is(err, reports.ErrNotFound) {
			h.errorPage(w, r, rq, http.StatusNotFound)
			return
		}
		if err != nil {
			h.serverError(w, r, rq, err)
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

func (h *handler) renderIndicator(w http.ResponseWriter, r *http.Request, rq *request, d indicatorFormData, status int) {
	ctx := r.Context()
	var err error
	if d.Help, err = h.Reports.Help(ctx); err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if d.Depts, err = h.Reports.Departments(ctx); err != nil {
		h.serverError(w, r, rq, err)
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
	h.render(w, r, status, "reports_indicator_form", newPage(rq, title, "reports", d))
}

// indicatorSave creates or changes an indicator, or computes it for a unit
// without saving (试算).
func (h *handler) indicatorSave(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	d := indicatorFormData{New: r.PathValue("code") == ""}
	f := r.PostFormValue
	version, _ := strconv.Atoi(f("version"))
	d.I = indicators.Indicator{Code: strings.TrimSpace(f("code")), Name: f("name"), Entity: f("entity"), Filter: f("filter"),
		Measure: f("measure"), Rule: f("rule"), Unit: strings.TrimSpace(f("unit")), Department: f("department"),
		Note: strings.TrimSpace(f("note")), Version: version}
	if !d.New {
		d.I.Code = r.PathValue("code")
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
	err := h.Reports.SaveIndicator(ctx, actorName(rq.user), &d.I)
	var fe register.FieldErrors
	var ce *reports.ConflictError
	switch {
	case errors.As(err, &fe):
		d.Errors = fe
		h.renderIndicator(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	case errors.As(err, &ce):
		d.Conflict = ce.Error()
		h.renderIndicator(w, r, rq, d, http.StatusConflict)
		return
	case errors.Is(err, reports.ErrNotFound):
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	case err != nil:
		h.serverError(w, r, rq, err)
		return
	}
	rq.audit.detail = "indicator " + d.I.Code
	h.setFlash(w, "indicator_saved")
	http.Redirect(w, r, "/reports/indicators?q="+url.QueryEscape(d.I.Code), http.StatusSeeOther)
}

// indicatorPreview computes the definition on the form for a unit and a
// period, without saving, so that an administrator sees what it gives.
func (h *handler) indicatorPreview(w http.ResponseWriter, r *http.Request, rq *request, d indicatorFormData) {
	ctx := r.Context()
	c, err := h.Reports.ValidateIndicator(ctx, withPreviewCode(d.I))
	var fe register.FieldErrors
	if errors.As(err, &fe) {
		delete(fe, "code")
		if len(fe) > 0 {
			d.Errors = fe
			h.renderIndicator(w, r, rq, d, http.StatusUnprocessableEntity)
			return
		}
	} else if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if c == nil || c.Measure == indicators.Manual {
		d.PreviewErr = "手工填报的指标不能试算"
		h.renderIndicator(w, r, rq, d, http.StatusOK)
		return
	}
	unit, err := h.previewUnit(r, rq, d.Unit)
	if err != nil {
		d.PreviewErr = err.Error()
		h.renderIndicator(w, r, rq, d, http.StatusOK)
		return
	}
	p := indicators.Current(indicators.Monthly, time.Now().In(china)).Previous()
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
		d.Preview = fmt.Sprintf("%s %s:%s %s(用时 %d 毫秒)", unit.Name, p.Label(), reports.FormatValue(v, d.I.Unit), d.I.Unit, took.Milliseconds())
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
func (h *handler) previewUnit(r *http.Request, rq *request, ref string) (orgtree.Unit, error) {
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
func (h *handler) indicatorDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	code := r.PathValue("code")
	err := h.Reports.DeleteIndicator(r.Context(), code)
	var refused *reports.RefusedError
	switch {
	case errors.Is(err, reports.ErrNotFound):
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	case errors.As(err, &refused):
		h.setFlash(w, "indicator_in_use")
	case err != nil:
		h.serverError(w, r, rq, err)
		return
	default:
		h.setFlash(w, "indicator_deleted")
	}
	http.Redirect(w, r, "/reports/indicators", http.StatusSeeOther)
}

type rulesData struct {
	Rules  []*reports.Rule
	Edit   reports.Rule
	Errors map[string]string
	Names  map[string]string
}

// ruleList lists the validation rules with a form for a new one.
func (h *handler) ruleList(w http.ResponseWriter, r *http.Request, rq *request) {
	h.renderRules(w, r, rq, rulesData{}, http.StatusOK)
}

func (h *handler) renderRules(w http.ResponseWriter, r *http.Request, rq *request, d rulesData, status int) {
	ctx := r.Context()
	var err error
	if d.Rules, err = h.Reports.Rules(ctx); err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	d.Names = map[string]string{}
	for _, ind := range inds {
		d.Names[ind.Code] = ind.Name
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && d.Edit.ID == 0 {
		for _, rl := range d.Rules {
			if rl.ID == id {
				d.Edit = *rl
			}
		}
	}
	sort.SliceStable(d.Rules, func(i, j int) bool { return d.Rules[i].ID < d.Rules[j].ID })
	h.render(w, r, status, "reports_rules", newPage(rq, "校验规则", "reports", d))
}

// ruleSave creates or changes a rule.
func (h *handler) ruleSave(w http.ResponseWriter, r *http.Request, rq *request) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	rl := reports.Rule{ID: id, Version: version, Expr: r.PostFormValue("expr"), Message: r.PostFormValue("message")}
	err := h.Reports.SaveRule(r.Context(), actorName(rq.user), &rl)
	var fe register.FieldErrors
	var ce *reports.ConflictError
	switch {
	case errors.As(err, &fe):
		h.renderRules(w, r, rq, rulesData{Edit: rl, Errors: fe}, http.StatusUnprocessableEntity)
		return
	case errors.As(err, &ce):
		h.renderRules(w, r, rq, rulesData{Edit: rl, Errors: map[string]string{"expr": ce.Error()}}, http.StatusConflict)
		return
	case errors.Is(err, reports.ErrNotFound):
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	case err != nil:
		h.serverError(w, r, rq, err)
		return
	}
	h.setFlash(w, "rule_saved")
	http.Redirect(w, r, "/reports/rules", http.StatusSeeOther)
}

// ruleDelete removes a rule.
func (h *handler) ruleDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err := h.Reports.DeleteRule(r.Context(), id); errors.Is(err, reports.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	} else if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	h.setFlash(w, "rule_deleted")
	http.Redirect(w, r, "/reports/rules", http.StatusSeeOther)
}

type itemFormData struct {
	T       *reports.Template
	Item    reports.Item
	Section int64
	SubName string
	New     bool
	Errors  map[string]string
	Depts   []reports.Department
	Def     string
	Notice  string
}

// templateItem finds an item (and its 小类) of a template by the path.
func templateItem(t *reports.Template, itemID, sectionID int64) (*reports.Item, *reports.Section) {
	for _, c := range t.Sections {
		for _, sub := range c.Subs {
			if sub.ID == sectionID {
				return nil, sub
			}
			for _, it := range sub.Items {
				if it.ID == itemID {
					return it, sub
				}
			}
		}
	}
	return nil, nil
}

// itemForm shows the editor of one item of a template (or of a new item
// of a 小类).
func (h *handler) itemForm(w http.ResponseWriter, r *http.Request, rq *request) {
	t, err := h.Reports.Template(r.Context(), r.PathValue("tid"))
	if errors.Is(err, reports.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	iid, _ := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	sid, _ := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	it, sub := templateItem(t, iid, sid)
	if sub == nil {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	d := itemFormData{T: t, Section: sub.ID, SubName: sub.Name, New: it == nil}
	if it != nil {
		d.Item = *it
	} else {
		d.Item.Frequency = t.Frequency
	}
	h.renderItem(w, r, rq, d, http.StatusOK)
}

func (h *handler) renderItem(w http.ResponseWriter, r *http.Request, rq *request, d itemFormData, status int) {
	var err error
	if d.Depts, err = h.Reports.Departments(r.Context()); err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if ind, err := h.Reports.Indicator(r.Context(), d.Item.Indicator); err == nil {
		if reg, err := h.Reports.Registry(r.Context()); err == nil {
			d.Def = ind.Name + ":" + ind.Definition(reg)
		}
	}
	h.render(w, r, status, "reports_item_form", newPage(rq, d.T.Name+" 报表项", "reports", d))
}

// itemSave changes or adds an item.
func (h *handler) itemSave(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	t, err := h.Reports.Template(ctx, r.PathValue("tid"))
	if errors.Is(err, reports.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.serverError(w, r, rq, err)
		return
	}
	iid, _ := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	sid, _ := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	it, sub := templateItem(t, iid, sid)
	if sub == nil {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	f := r.PostFormValue
	version, _ := strconv.Atoi(f("version"))
	item := reports.Item{Label: strings.TrimSpace(f("label")), Indicator: strings.TrimSpace(f("indicator")),
		Department: f("department"), Frequency: f("frequency"), Cell: f("cell")}
	if it != nil {
		item.ID = it.ID
	}
	d := itemFormData{T: t, Section: sub.ID, SubName: sub.Name, New: it == nil, Item: item}
	if r.PostFormValue("action") == "delete" && it != nil {
		err = h.Reports.DeleteItem(ctx, actorName(rq.user), t.ID, version, it.ID)
	} else {
		_, err = h.Reports.SaveItem(ctx, actorName(rq.user), t.ID, version, sub.ID, item)
	}
	var fe register.FieldErrors
	var ce *reports.ConflictError
	switch {
	case errors.As(err, &fe):
		d.Errors = map[string]string{}
		for k, v := range fe {
			d.Errors[k[strings.LastIndex(k, ".")+1:]] = v
		}
		d.T.Version = version
		h.renderItem(w, r, rq, d, http.StatusUnprocessableEntity)
		return
	case errors.As(err, &ce):
		d.Notice = ce.Error()
		h.renderItem(w, r, rq, d, http.StatusConflict)
		return
	case errors.Is(err, reports.ErrNotFound):
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	case err != nil:
		h.serverError(w, r, rq, err)
		return
	}
	h.setFlash(w, "saved")
	http.Redirect(w, r, fmt.Sprintf("/reports/templates/%d?open=%d#s-%d", t.ID, sub.ID, sub.ID), http.StatusSeeOther)
}
