package api

import (
	"net/http"

	"shequ/internal/access"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

// The community work catalogue (社区工作事项清单) for other systems: what
// may be asked of a community, by whom, at what cost in staff-hours and
// with what money.

func (h *handler) workRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/work-items", access.Rule{Login: true}, h.workItems)
}

// fundingJSON is a funding rule: per occurrence, household or year, or
// none; amount_fen is exact in 分, 0 when none.
type fundingJSON struct {
	Basis     string `json:"basis"`
	AmountFen int64  `json:"amount_fen"`
	Text      string `json:"text"`
}

type workItemJSON struct {
	*workaccess.Item
	StaffHours  float64     `json:"staff_hours"`
	FundingRule fundingJSON `json:"funding_rule"`
}

func (h *handler) workItems(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	items, err := h.Work.Items(r.Context(), workaccess.Filter{Kind: q.Get("kind"), Department: q.Get("department"),
		Status: q.Get("status")})
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := make([]workItemJSON, len(items))
	for i, it := range items {
		out[i] = workItemJSON{Item: it, StaffHours: workaccess.HoursNumber(it.StaffMinutes),
			FundingRule: fundingJSON{Basis: it.Terms.FundingRule, AmountFen: it.FundingFen, Text: it.FundingText()}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
