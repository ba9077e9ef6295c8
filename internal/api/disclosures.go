package api

import (
	"net/http"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/disclosure"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// 居务公开: the scheduled publications of a unit's communities, with
// their due and publication days and whether they are overdue, for the
// tools that watch openness.

func (h *handler) disclosureRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/disclosures", access.Rule{Perm: disclosure.PermRead, Audit: audit.View}, h.disclosures)
}

type disclosuresJSON struct {
	Org         int64                    `json:"org"`
	Overdue     int                      `json:"overdue"`
	Disclosures []disclosure.Publication `json:"disclosures"`
}

func (h *handler) disclosures(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	f := disclosure.Filter{Overdue: q.Get("overdue") == "1", From: q.Get("from"), To: q.Get("to")}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" && !validDay(v) {
			h.fail(w, r, http.StatusBadRequest, fieldError(k, k+" 应为日期,如 2026-01-01"))
			return
		}
	}
	if h.Disclosures == nil {
		h.fail(w, r, http.StatusNotFound, fault.New(fault.NotFound, "居务公开未启用"))
		return
	}
	scope, ok := h.unitScope(w, r, c, disclosure.PermRead, org)
	if !ok {
		return
	}
	rows, err := h.Disclosures.Publications(r.Context(), scope, f)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := disclosuresJSON{Org: org, Disclosures: rows}
	if out.Disclosures == nil {
		out.Disclosures = []disclosure.Publication{}
	}
	for _, p := range rows {
		if p.Overdue {
			out.Overdue++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func validDay(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
