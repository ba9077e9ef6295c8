package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/web"
	"shequ/internal/workforce"
)

// 社区工作者配备: each community's staff, coordinators and residents, staff
// per 1,000 residents beside the 1:350 baseline, for the tools that watch
// staffing.

func (h *handler) workforceRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/workforce", access.Rule{Perm: workforce.PermRead, Audit: audit.View}, h.staffing)
}

type staffingJSON struct {
	Org         int64                `json:"org"`
	Name        string               `json:"name"`
	Communities []workforce.Staffing `json:"communities"`
	Total       workforce.Staffing   `json:"total"`
}

func (h *handler) staffing(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("org") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org"))
		return
	}
	id, err := strconv.ParseInt(q.Get("org"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "org 应为组织单元的数字 id"))
		return
	}
	read := c.Viewer.Scope(workforce.PermRead)
	u, err := h.Org.Get(r.Context(), id)
	if err != nil || !read.Contains(unitPlace(u)) {
		h.fail(w, r, http.StatusNotFound, fieldError("org", "组织单元不存在"))
		return
	}
	rep, err := h.Workforce.Staffing(r.Context(), id)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	out := staffingJSON{Org: id, Name: u.Name, Communities: []workforce.Staffing{}, Total: rep.Total}
	for _, st := range rep.Communities {
		if read.Contains(access.Place{Community: st.Community, Org: st.Community}) {
			out.Communities = append(out.Communities, st)
		}
	}
	writeJSON(w, http.StatusOK, out)
}
