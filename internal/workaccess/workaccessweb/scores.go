package workaccessweb

import (
	"net/http"
	"time"

	"shequ/internal/fault"
	"shequ/internal/web"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// scores is /work-scores?period=YYYY-MM: every department's demand score for
// the year so far, published to everyone who signs in (the figures are
// sums, no record of anyone).
func (h *handler) scores(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = time.Now().In(workdays.Shanghai).Format("2006-01")
	}
	if _, ok := workaccess.ParsePeriod(period); !ok {
		h.kit.Fail(w, r, rq, fault.New(fault.Invalid, "月份应为 YYYY-MM"))
		return
	}
	sc, err := h.Work.Scores(r.Context(), period)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "scores", web.NewPage(rq, "部门派单评分 "+period, "workaccess", sc))
}
