package api

import (
	"net/http"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The service hall for outside systems (a district's approval system, the
// reports of a department): the catalogue, the applications in the token's
// scope by queue, one application with its history, and the figures by
// item. Applicants' phone numbers never leave (Application.Phone is not in
// its JSON); names do, within the token's scope, as on the pages.

func (h *handler) servicesRoutes(rt *web.Routes) {
	read := access.Rule{Perm: services.PermRead}
	// Without a service hall (tests of the register's API) the routes are
	// described and routed but answer 404.
	hall := func(fn func(http.ResponseWriter, *http.Request, *web.Request)) func(http.ResponseWriter, *http.Request, *web.Request) {
		return func(w http.ResponseWriter, r *http.Request, c *web.Request) {
			if h.Services == nil {
				writeError(w, http.StatusNotFound, "服务大厅未启用", nil)
				return
			}
			fn(w, r, c)
		}
	}
	h.auth(rt, "GET /api/v1/services/items", read, hall(h.serviceItems))
	h.auth(rt, "GET /api/v1/services/applications", access.Rule{Perm: services.PermRead, Audit: audit.Search}, hall(h.serviceApplications))
	h.auth(rt, "GET /api/v1/services/applications/{id}", access.Rule{Perm: services.PermRead, Object: "application", Audit: audit.View},
		hall(h.serviceApplication))
	h.auth(rt, "GET /api/v1/services/stats", read, hall(h.serviceStats))
}

func (h *handler) serviceItems(w http.ResponseWriter, r *http.Request, c *web.Request) {
	items, err := h.Services.Items(r.Context(), false)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items)})
}

var apiQueues = map[string]bool{"": true, services.QueueWindow: true, services.LevelCommunity: true,
	services.LevelStreet: true, services.LevelDistrict: true, services.QueueDone: true}

func (h *handler) serviceApplications(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	f := services.Filter{Queue: q.Get("queue"), Overdue: q.Get("overdue") == "true" || q.Get("overdue") == "1"}
	if !apiQueues[f.Queue] {
		h.fail(w, r, http.StatusBadRequest, fieldError("queue", "queue 应为 window、community、street、district 或 done"))
		return
	}
	var err error
	if f.Limit, err = intParam(r, "limit", 50); err == nil {
		f.Offset, err = intParam(r, "offset", 0)
	}
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if f.Limit < 1 || f.Limit > 500 {
		h.fail(w, r, http.StatusBadRequest, fieldError("limit", "limit 应为 1–500"))
		return
	}
	as, more, err := h.Services.List(r.Context(), c.Viewer.Scope(services.PermRead), f)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	c.Audit.Rows, c.Audit.Detail = len(as), "applications: "+f.Queue
	writeJSON(w, http.StatusOK, map[string]any{"applications": nonNil(as), "more": more})
}

func (h *handler) serviceApplication(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, _ := pathID(r)
	a, err := h.Services.Application(r.Context(), c.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	steps, err := h.Services.Steps(r.Context(), a)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"application": a, "steps": nonNil(steps)})
}

func (h *handler) serviceStats(w http.ResponseWriter, r *http.Request, c *web.Request) {
	from, to := strings.TrimSpace(r.URL.Query().Get("from")), strings.TrimSpace(r.URL.Query().Get("to"))
	for name, v := range map[string]string{"from": from, "to": to} {
		if _, err := time.Parse(database.DateLayout, v); v != "" && err != nil {
			h.fail(w, r, http.StatusBadRequest, fieldError(name, name+" 应为 YYYY-MM-DD 格式的日期"))
			return
		}
	}
	scope := c.Viewer.Scope(services.PermRead)
	items, err := h.Services.Stats(r.Context(), scope, from, to)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	stages, err := h.Services.StageCounts(r.Context(), scope, from, to)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(items), "stages": nonNil(stages)})
}
