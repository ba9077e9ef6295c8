package api

import (
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/proposals"
	"shequ/internal/web"
)

// 议事协商: a unit's matters with their vote counts, eligible sets and
// decisions, the contract other tools rely on. Counts only: no voter.

func (h *handler) proposalRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/proposals", access.Rule{Perm: proposals.PermRead, Audit: audit.View}, h.listProposals)
}

type proposalJSON struct {
	ID           int64   `json:"id"`
	CommunityID  int64   `json:"community_id"`
	Title        string  `json:"title"`
	Proposer     string  `json:"proposer_kind"`
	Status       string  `json:"status"`
	Scope        string  `json:"scope"`
	Unit         string  `json:"unit"`
	Buildings    []int64 `json:"buildings,omitempty"`
	OpensAt      string  `json:"opens_at,omitempty"`
	ClosesAt     string  `json:"closes_at,omitempty"`
	VotesFor     int     `json:"votes_for"`
	VotesAgainst int     `json:"votes_against"`
	VotesAbstain int     `json:"votes_abstain"`
	Eligible     *int    `json:"eligible"` // null: not put to the vote
	Decision     string  `json:"decision"`
	Result       string  `json:"result"`
	DecidedOn    string  `json:"decided_on,omitempty"`
	EventID      int64   `json:"event_id,omitempty"`
	ProjectID    int64   `json:"project_id,omitempty"`
	DoneOn       string  `json:"done_on,omitempty"`
}

type proposalsJSON struct {
	Org       int64          `json:"org"`
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	Size      int            `json:"size"`
	Proposals []proposalJSON `json:"proposals"`
}

func (h *handler) listProposals(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if h.Proposals == nil {
		writeError(w, http.StatusNotFound, "议事协商未启用", nil)
		return
	}
	q := r.URL.Query()
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	f := proposals.Filter{Status: q.Get("status"), Page: 1, Size: 50}
	for _, p := range []struct {
		name string
		to   *int
		max  int
	}{{"page", &f.Page, 1 << 20}, {"size", &f.Size, 200}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.max {
				h.fail(w, r, http.StatusBadRequest, fieldError(p.name, p.name+" 应为 1 至 "+strconv.Itoa(p.max)+" 的整数"))
				return
			}
			*p.to = n
		}
	}
	sc, ok := h.unitScope(w, r, c, proposals.PermRead, org)
	if !ok {
		return
	}
	f.Communities = sc.Communities()
	if f.Communities == nil && !sc.Whole() {
		f.Communities = []int64{}
	}
	ms, total, err := h.Proposals.List(r.Context(), f)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := proposalsJSON{Org: org, Total: total, Page: f.Page, Size: f.Size, Proposals: []proposalJSON{}}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, m := range ms {
		p := proposalJSON{ID: m.ID, CommunityID: m.CommunityID, Title: m.Title, Proposer: m.ProposerKind, Status: m.Status,
			Scope: m.Scope, Unit: m.Unit, Buildings: m.Buildings, OpensAt: stamp(m.OpensAt), ClosesAt: stamp(m.ClosesAt),
			VotesFor: m.VotesFor, VotesAgainst: m.VotesAgainst, VotesAbstain: m.VotesAbstain, Decision: m.Decision,
			Result: m.Result, DecidedOn: m.DecidedOn, EventID: m.EventID, ProjectID: m.ProjectID, DoneOn: m.DoneOn}
		if m.Eligible >= 0 {
			n := m.Eligible
			p.Eligible = &n
		}
		out.Proposals = append(out.Proposals, p)
	}
	writeJSON(w, http.StatusOK, out)
}
