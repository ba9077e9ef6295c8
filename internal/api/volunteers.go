package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/volunteers"
	"shequ/internal/web"
)

// 志愿服务: a unit's yearly hours, the contract other tools rely on.

func (h *handler) volunteerRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/volunteers/hours", access.Rule{Perm: volunteers.PermRead, Audit: audit.View}, h.volunteerHours)
}

type volunteerHoursJSON struct {
	Org  int64 `json:"org"`
	Year int   `json:"year"`
	volunteers.Totals
}

// volunteerHours answers a unit's year: its subtree's communities, within
// where the token may read volunteers.
func (h *handler) volunteerHours(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if h.Volunteers == nil {
		writeError(w, http.StatusNotFound, "志愿服务未启用", nil)
		return
	}
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
	sc, ok := h.unitScope(w, r, c, volunteers.PermRead, org)
	if !ok {
		return
	}
	t, err := h.Volunteers.TotalsOf(r.Context(), sc.Communities(), year)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, volunteerHoursJSON{Org: org, Year: year, Totals: t})
}
