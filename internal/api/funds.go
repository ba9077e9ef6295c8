package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/funds"
	"shequ/internal/web"
)

// 社区经费: the funds of a unit's communities with their sums.

func (h *handler) fundRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/funds", access.Rule{Perm: funds.PermRead, Audit: audit.View}, h.funds)
}

type fundsJSON struct {
	Org   int64        `json:"org"`
	Year  int          `json:"year,omitempty"`
	Funds []funds.Fund `json:"funds"`
}

// funds answers the funds of a unit's communities (a community, a street,
// a district) within where the token may read them, of one year or all.
func (h *handler) funds(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if h.Funds == nil {
		writeError(w, http.StatusNotFound, "社区经费未启用", nil)
		return
	}
	q := r.URL.Query()
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	year := 0
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			h.fail(w, r, http.StatusBadRequest, fieldError("year", "年度应为四位数字,如 2026"))
			return
		}
		year = n
	}
	sc, ok := h.unitScope(w, r, c, funds.PermRead, org)
	if !ok {
		return
	}
	fs, err := h.Funds.ListIn(r.Context(), sc.Communities(), year)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	if fs == nil {
		fs = []funds.Fund{}
	}
	writeJSON(w, http.StatusOK, fundsJSON{Org: org, Year: year, Funds: fs})
}
