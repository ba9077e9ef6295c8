package api

import (
	"net/http"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/socialorgs"
	"shequ/internal/web"
)

// 社区社会组织: a unit's community social organisations.

func (h *handler) socialOrgRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/social-organisations", access.Rule{Perm: socialorgs.PermRead, Audit: audit.View}, h.socialOrgs)
}

type socialOrgsJSON struct {
	Org           int64            `json:"org"`
	Organisations []socialorgs.Org `json:"organisations"`
}

// socialOrgs answers the organisations of a unit's communities within
// where the token may read them; no person is named (the leader and
// members are counts or left out).
func (h *handler) socialOrgs(w http.ResponseWriter, r *http.Request, c *web.Request) {
	if h.SocialOrgs == nil {
		writeError(w, http.StatusNotFound, "社区社会组织未启用", nil)
		return
	}
	org, ok := h.orgParam(w, r)
	if !ok {
		return
	}
	sc, ok := h.unitScope(w, r, c, socialorgs.PermRead, org)
	if !ok {
		return
	}
	orgs, err := h.SocialOrgs.ListIn(r.Context(), sc.Communities())
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, socialOrgsJSON{Org: org, Organisations: orgs})
}
