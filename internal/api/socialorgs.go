package api

import (
	"net/http"
	"strconv"

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
	org, err := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	if err != nil || org <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org(数字 id)"))
		return
	}
	scope := c.Viewer.Scope(socialorgs.PermRead)
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
	orgs, err := h.SocialOrgs.ListIn(r.Context(), sc.Communities())
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, socialOrgsJSON{Org: org, Organisations: orgs})
}
