package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/visits"
	"shequ/internal/web"
)

// 百家熟: the coverage of a unit's households by visits and each grid
// worker's round, for the tools that watch them.

func (h *handler) visitRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/visits/coverage", access.Rule{Perm: access.RegisterRead, Audit: audit.View}, h.visitCoverage)
	h.auth(rt, "GET /api/v1/visits/capacity", access.Rule{Perm: access.RegisterRead, Audit: audit.View}, h.visitCapacity)
	h.auth(rt, "POST /api/v1/visits/sync", access.Rule{Perm: visits.PermRecord}, h.syncVisits) // visits_sync.go
}

type coverageJSON struct {
	Org int64 `json:"org"`
	visits.CoverageReport
	Rate float64 `json:"rate"` // visited_in_cycle in percent of households
}

func (h *handler) visitCoverage(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("org") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org"))
		return
	}
	sc, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	rep, err := h.Visits.CoverageOf(r.Context(), sc)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	org, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	writeJSON(w, http.StatusOK, coverageJSON{Org: org, CoverageReport: rep, Rate: rep.Rate()})
}

// workerLoadJSON is one worker's round.
type workerLoadJSON struct {
	StaffID       int64   `json:"staff_id"`
	Name          string  `json:"name"`
	CommunityID   int64   `json:"community_id"`
	Grids         []int64 `json:"grids"`
	Households    int     `json:"households"`
	VisitsPerDay  int     `json:"visits_per_day"`
	TeamSize      int     `json:"team_size"`
	CycleDays     int     `json:"cycle_days"`
	CycleEnds     string  `json:"cycle_ends"`
	RequiredYear  int     `json:"required_year"`
	AvailableYear int     `json:"available_year"`
}

func (h *handler) visitCapacity(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("org") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org"))
		return
	}
	sc, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	communities := sc.Communities()
	if communities == nil {
		communities = []int64{} // the whole tree: ?org= names a unit, so this is a city; its communities follow
		if cs, err := h.Visits.Communities(r.Context()); err == nil {
			communities = cs
		}
	}
	loads, err := h.Visits.Loads(r.Context(), communities)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := struct {
		Org     int64            `json:"org"`
		Workers []workerLoadJSON `json:"workers"`
	}{Workers: []workerLoadJSON{}}
	out.Org, _ = strconv.ParseInt(q.Get("org"), 10, 64)
	for _, l := range loads {
		in := false
		for _, g := range l.Worker.Grids {
			in = in || sc.Contains(access.Place{Community: l.Worker.CommunityID, Grid: g, Org: g})
		}
		if !in {
			continue
		}
		out.Workers = append(out.Workers, workerLoadJSON{StaffID: l.Worker.StaffID, Name: l.Worker.Name,
			CommunityID: l.Worker.CommunityID, Grids: l.Worker.Grids, Households: l.Households, VisitsPerDay: l.VisitsPerDay,
			TeamSize: l.TeamSize, CycleDays: l.CycleDays, CycleEnds: l.CycleEnds, RequiredYear: l.RequiredYear,
			AvailableYear: l.AvailableYear})
	}
	writeJSON(w, http.StatusOK, out)
}
