package api

import (
	"net/http"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/surveys"
	"shequ/internal/web"
)

// 问卷调查: a unit's surveys with their status, responses and target size,
// for other tools. Counts only: no respondent, no answer.

func (h *handler) surveyRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/surveys", access.Rule{Perm: surveys.PermRead, Audit: audit.View}, h.listSurveys)
}

type surveyJSON struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Phase       string `json:"phase"`
	Anonymous   bool   `json:"anonymous"`
	Unit        string `json:"unit"`
	OpensAt     string `json:"opens_at,omitempty"`
	ClosesAt    string `json:"closes_at,omitempty"`
	Responses   int    `json:"responses"`
	Target      *int   `json:"target"` // null: not yet open
}

type surveysJSON struct {
	Org     int64        `json:"org"`
	Surveys []surveyJSON `json:"surveys"`
}

func (h *handler) listSurveys(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if h.Surveys == nil {
		writeError(w, http.StatusNotFound, "问卷调查未启用", nil)
		return
	}
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	sc, ok := h.unitScope(w, r, c, surveys.PermRead, org)
	if !ok {
		return
	}
	communities := sc.Communities()
	if communities == nil && !sc.Whole() {
		communities = []int64{}
	}
	svs, err := h.Surveys.List(r.Context(), communities)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	now := h.Surveys.Now()
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	out := surveysJSON{Org: org, Surveys: []surveyJSON{}}
	for _, sv := range svs {
		j := surveyJSON{ID: sv.ID, CommunityID: sv.CommunityID, Title: sv.Title, Status: sv.Status, Phase: sv.Phase(now),
			Anonymous: sv.Anonymous, Unit: sv.Unit, OpensAt: stamp(sv.OpensAt), ClosesAt: stamp(sv.ClosesAt),
			Responses: sv.Responses}
		if sv.Target >= 0 {
			n := sv.Target
			j.Target = &n
		}
		out.Surveys = append(out.Surveys, j)
	}
	writeJSON(w, http.StatusOK, out)
}
