package reportsweb

import (
	"net/http"
	"net/url"
	"time"

	"shequ/internal/indicators"
	"shequ/internal/reports"
	"shequ/internal/web"
)

// reportQuery is the template and period a report page is about.
type reportQuery struct {
	Template *reports.Template
	Period   indicators.Period
	Periods  []indicators.Period // recent periods to choose from
}

// reportQuery reads ?t= and ?period=: the sample (or the first) template
// and the last complete period of its frequency by default. ok is false
// when the page was answered (no template yet, or a bad value).
func (h *handler) reportQuery(w http.ResponseWriter, r *http.Request, rq *web.Request) (reportQuery, bool) {
	ctx := r.Context()
	var q reportQuery
	code := r.URL.Query().Get("t")
	if code == "" {
		ts, err := h.Reports.Templates(ctx)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
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
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return q, false
	}
	q.Template = t
	now := indicators.Current(t.Frequency, time.Now().In(web.China))
	q.Period = now.Previous()
	if p := r.URL.Query().Get("period"); p != "" {
		if q.Period, err = indicators.ParsePeriod(p); err != nil {
			h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
			return q, false
		}
	}
	for p, i := now, 0; i < 13; p, i = p.Previous(), i+1 {
		q.Periods = append(q.Periods, p)
	}
	return q, true
}

// reportQueryPost reads t and period from a posted form.
func (h *handler) reportQueryPost(w http.ResponseWriter, r *http.Request, rq *web.Request) (reportQuery, bool) {
	r.URL.RawQuery = url.Values{"t": {r.PostFormValue("t")}, "period": {r.PostFormValue("period")}}.Encode()
	return h.reportQuery(w, r, rq)
}

func (q reportQuery) values() url.Values {
	return url.Values{"t": {q.Template.Code}, "period": {q.Period.String()}}
}

// departmentsFor is the item filter of a viewer at the unit's place (see
// reports.DepartmentsAt).
func departmentsFor(rq *web.Request) []string { return reports.DepartmentsAt(rq.Viewer, rq.Place) }
