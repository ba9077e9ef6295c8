package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/web"
)

// orgParam reads ?org=, the unit a question is about; a missing or bad
// one is answered 400 at the field.
func (h *handler) orgParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	org, err := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	if err != nil || org <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org(数字 id)"))
		return 0, false
	}
	return org, true
}

// unitScope is where the token may read perm, narrowed to org's subtree.
// A unit outside it is answered 404 as if it did not exist, so the
// answer tells nothing of units the token may not see.
func (h *handler) unitScope(w http.ResponseWriter, r *http.Request, c *web.Request, perm string, org int64) (access.Scope, bool) {
	scope := c.Viewer.Scope(perm)
	u, err := h.Org.Get(r.Context(), org)
	if err != nil || !scope.Contains(unitPlace(u)) {
		h.fail(w, r, http.StatusNotFound, fieldError("org", "组织单元不存在"))
		return access.Scope{}, false
	}
	sc, err := h.Access.Narrow(r.Context(), scope, org)
	if err != nil {
		h.fail(w, r, 0, err)
		return access.Scope{}, false
	}
	return sc, true
}
