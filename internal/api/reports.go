package api

import (
	"errors"
	"net/http"
	"shequ/internal/web"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/indicators"
	"shequ/internal/reports"
)

// Reports as JSON, for department systems that take the numbers instead of
// a spreadsheet: the templates, a template computed for a unit and a
// period, and the records behind one number (the ledger, masked as the
// token's role says).

func (h *handler) reportRoutes(rt *web.Routes) {
	if h.Reports == nil {
		return // a server without reports serves none of their routes
	}
	read := access.Rule{Perm: "reports.read"}
	unit := access.Rule{Perm: "reports.read", Object: "unit"}
	ledger := access.Rule{Perm: "reports.read", Object: "unit", Audit: audit.View}
	h.auth(rt, "GET /api/v1/reports/templates", read, h.reportTemplates)
	h.auth(rt, "GET /api/v1/reports/units/{id}", unit, h.report)
	h.auth(rt, "GET /api/v1/reports/units/{id}/ledger", ledger, h.reportLedger)
}

type templateJSON struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Frequency     string `json:"frequency"`
	Sample        bool   `json:"sample"`
	Categories    int    `json:"categories"`
	Subcategories int    `json:"subcategories"`
	Items         int    `json:"items"`
	Computed      int    `json:"computed"`
	Manual        int    `json:"manual"`
}

func (h *handler) reportTemplates(w http.ResponseWriter, r *http.Request, c *web.Request) {
	ctx := r.Context()
	ts, err := h.Reports.Templates(ctx)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := []templateJSON{}
	for _, t := range ts {
		full, err := h.Reports.Template(ctx, t.Code)
		if err != nil {
			h.fail(w, r, 0, err)
			return
		}
		b, err := h.Reports.TemplateBurden(ctx, full)
		if err != nil {
			h.fail(w, r, 0, err)
			return
		}
		cats, subs, items := full.Counts()
		out = append(out, templateJSON{Code: t.Code, Name: t.Name, Frequency: t.Frequency, Sample: t.Sample,
			Categories: cats, Subcategories: subs, Items: items, Computed: b.Computed, Manual: b.Manual})
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": out})
}

// reportArgs reads ?template= (default the sample) and ?period= (default
// last month).
func (h *handler) reportArgs(w http.ResponseWriter, r *http.Request) (string, indicators.Period, bool) {
	q := r.URL.Query()
	t := q.Get("template")
	if t == "" {
		t = reports.SampleCode
	}
	p := indicators.Current(indicators.Monthly, time.Now()).Previous()
	if s := q.Get("period"); s != "" {
		var err error
		if p, err = indicators.ParsePeriod(s); err != nil {
			h.fail(w, r, http.StatusBadRequest, fieldError("period", err.Error()))
			return "", p, false
		}
	}
	return t, p, true
}

// departments is the item filter of the caller at the unit (see the web's
// departmentsFor): nil for every item.
func departments(c *web.Request) []string { return reports.DepartmentsAt(c.Viewer, c.Place) }

type itemJSON struct {
	Code       string   `json:"code"`
	Category   string   `json:"category"`
	Sub        string   `json:"subcategory"`
	Label      string   `json:"label"`
	Value      *float64 `json:"value"`
	Unit       string   `json:"unit,omitempty"`
	Manual     bool     `json:"manual"`
	Due        bool     `json:"due"`
	Department string   `json:"department,omitempty"`
	Cell       string   `json:"cell,omitempty"`
	Changed    bool     `json:"changed_since_signoff,omitempty"`
}

func (h *handler) report(w http.ResponseWriter, r *http.Request, c *web.Request) {
	t, p, ok := h.reportArgs(w, r)
	if !ok {
		return
	}
	id, _ := pathID(r)
	rep, err := h.Reports.Compute(r.Context(), t, id, p, reports.Options{Departments: departments(c)})
	if errors.Is(err, reports.ErrNotFound) {
		writeError(w, http.StatusNotFound, "报表模板不存在", nil)
		return
	}
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	items := []itemJSON{}
	for _, cat := range rep.Categories {
		for _, sub := range cat.Subs {
			for _, row := range sub.Rows {
				it := itemJSON{Code: row.Indicator, Category: cat.Name, Sub: sub.Name, Label: row.Label, Unit: row.Unit,
					Manual: row.Manual, Due: row.Due, Department: row.Department, Cell: row.Item.Cell, Changed: row.Changed}
				if row.Due && row.Known {
					v := row.Value
					it.Value = &v
				}
				items = append(items, it)
			}
		}
	}
	warnings := []map[string]any{}
	for _, wn := range rep.Warnings {
		warnings = append(warnings, map[string]any{"rule": wn.Rule.Expr, "message": wn.Rule.Message, "left": wn.Left, "right": wn.Right})
	}
	out := map[string]any{"template": rep.Template.Code, "unit": rep.Unit, "period": p.String(), "items": items,
		"warnings": warnings, "burden": rep.Burden, "computed_ms": rep.Elapsed.Milliseconds()}
	if rep.SignOff != nil {
		out["signoff"] = map[string]any{"signed_by": rep.SignOff.SignedBy, "signed_at": rep.SignOff.SignedAt,
			"changed_items": len(rep.Diffs)}
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) reportLedger(w http.ResponseWriter, r *http.Request, c *web.Request) {
	ctx := r.Context()
	t, p, ok := h.reportArgs(w, r)
	if !ok {
		return
	}
	id, _ := pathID(r)
	code := r.URL.Query().Get("item")
	tpl, err := h.Reports.Template(ctx, t)
	if errors.Is(err, reports.ErrNotFound) {
		writeError(w, http.StatusNotFound, "报表模板不存在", nil)
		return
	}
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	item, err := h.Reports.LedgerItem(c.Viewer, c.Place, tpl, code)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	l, err := h.Reports.Ledger(ctx, c.Read(), code, id, p.Of(item.Frequency), max(offset, 0), limit)
	if errors.Is(err, reports.ErrNoLedger) {
		h.fail(w, r, http.StatusNotFound, fieldError("item", err.Error()))
		return
	}
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	cols := []string{}
	for _, col := range l.Columns {
		cols = append(cols, col.Label)
	}
	rows := [][]string{}
	for _, row := range l.Rows {
		rows = append(rows, row.Cells)
	}
	c.Audit.Rows, c.Audit.Detail = len(rows), "report ledger "+code
	writeJSON(w, http.StatusOK, map[string]any{"item": code, "entity": l.Entity.Name, "value": l.Value, "total": l.Total,
		"hidden": l.Hidden, "offset": l.Offset, "columns": cols, "rows": rows})
}
