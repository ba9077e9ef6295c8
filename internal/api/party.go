package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/partymembers"
	"shequ/internal/web"
)

// 在职党员双报到: a unit's in-service party members and their service in
// a year, by employer, for the organisation department's tools.

func (h *handler) partyRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/party-members/service", access.Rule{Perm: partymembers.PermRead, Audit: audit.View}, h.partyService)
}

type partyServiceJSON struct {
	Org  int64 `json:"org"`
	Year int   `json:"year"`
	partymembers.Summary
}

func (h *handler) partyService(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		h.fail(w, r, http.StatusBadRequest, fieldError("year", "请指定年份 year,如 2026"))
		return
	}
	if h.Party == nil {
		h.fail(w, r, http.StatusNotFound, fault.New(fault.NotFound, "在职党员未启用"))
		return
	}
	scope := c.Viewer.Scope(partymembers.PermRead)
	u, err := h.Org.Get(r.Context(), org)
	if err != nil || !scope.Contains(unitPlace(u)) {
		h.fail(w, r, http.StatusNotFound, fieldError("org", "组织单元不存在"))
		return
	}
	units, err := h.Org.CommunitiesUnder(r.Context(), org)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	communities := []int64{}
	for _, cu := range units {
		if scope.Contains(unitPlace(cu)) {
			communities = append(communities, cu.ID)
		}
	}
	y := strconv.Itoa(year)
	sum, err := h.Party.Figures(r.Context(), communities, y+"-01-01", y+"-12-31")
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	c.Audit.Entity, c.Audit.ID = "unit", org
	writeJSON(w, http.StatusOK, partyServiceJSON{Org: org, Year: year, Summary: sum})
}
