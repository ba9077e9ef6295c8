package reportsweb

import (
	"html/template"
	"net/http"
	"time"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

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
func (h *handler) reportPage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := web.PathID(r)
	d := reportPageData{Q: q, Query: template.URL(q.values().Encode()), CanLedger: rq.Viewer.CanAt(access.RegisterRead, rq.Place)}
	opt := reports.Options{Departments: departmentsFor(rq)}
	d.Restricted = opt.Departments != nil
	u, err := h.Org.Get(ctx, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
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
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.CanSign = d.Community && rq.Viewer.CanAt(reports.PermSignoff, rq.Place)
	d.CanManual = d.Community && rq.Viewer.CanAt(reports.PermManual, rq.Place)
	d.Future = q.Period.End() >= time.Now().In(web.China).Format("2006-01-02")
	h.tmpl.Render(w, r, http.StatusOK, "reports_report", web.NewPage(rq, d.R.Unit.Name+" "+q.Period.Label()+" 报表", "reports", d))
}
