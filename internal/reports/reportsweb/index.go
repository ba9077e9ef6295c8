package reportsweb

import (
	"net/http"

	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

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
func (h *handler) reportsIndex(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	ts, err := h.Reports.Templates(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := reportsIndexData{Manage: rq.Viewer.Can(reports.PermManage)}
	for _, t := range ts {
		full, err := h.Reports.Template(ctx, t.Code)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		b, err := h.Reports.TemplateBurden(ctx, full)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		c, s, _ := full.Counts()
		d.Templates = append(d.Templates, templateSummary{T: full, Burden: b, Cats: c, Subs: s})
	}
	scope := rq.Viewer.Scope(reports.PermRead)
	if scope.Whole() {
		d.Units, err = h.Org.Roots(ctx)
	} else {
		for _, id := range scope.Units() {
			u, err := h.Org.Get(ctx, id)
			if err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
			d.Units = append(d.Units, u)
		}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	orgtree.Sort(d.Units)
	h.tmpl.Render(w, r, http.StatusOK, "reports_index", web.NewPage(rq, "报表", "reports", d))
}

// reportInstallSample installs the sample template.
func (h *handler) reportInstallSample(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ok, err := h.Reports.InstallSample(r.Context())
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if ok {
		h.kit.SetFlash(w, "sample_installed")
	} else {
		h.kit.SetFlash(w, "sample_exists")
	}
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
}
