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
	org, err := strconv.ParseInt(q.Get("org"), 10, 64)
	if err != nil || org <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org(数字 id)"))
		return
	}
	year := 0
	if v := q.Get("year"); v != "" {
		if year, err = strconv.Atoi(v); err != nil || year < 2000 || year > 2100 {
			h.fail(w, r, http.StatusBadRequest, fieldError("year", "年度应为四位数字,如 2026"))
			return
		}
	}
	scope := c.Viewer.Scope(funds.PermRead)
	u, err := h.Org.Get(r.Context(), org)
	if err != nil || !scope.Contains(unitPlace(u)) {
		h.fail(w, r, http.StatusNotFound, fieldError("org", "组织单元不存在"))
		return
	}
	sc, err := h.Access.Narrow(r.Context(), scope, org)
	if err != nil {
		h.fail(w, r, 0, err)
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
