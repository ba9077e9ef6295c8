package reportsweb

import (
	"net/http"
	"strings"

	"shequ/internal/indicators"
	"shequ/internal/web"
)

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
func (h *handler) indicatorList(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	inds, err := h.Reports.Indicators(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	uses, err := h.Reports.IndicatorUse(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
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
	rq.Audit.Detail = ""
	h.tmpl.Render(w, r, http.StatusOK, "reports_indicators", web.NewPage(rq, "指标", "reports", d))
}
