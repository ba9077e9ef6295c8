package procurementweb

import (
	"encoding/json"
	"net/http"
	"strconv"

	"shequ/internal/orgtree"
	"shequ/internal/procurement"
	"shequ/internal/web"
)

// unitCommunities is ?org= for anyone: a community, or a street or district
// standing for its communities.
func (h *handler) unitCommunities(r *http.Request) (orgtree.Unit, []int64, bool) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || id == 0 {
		return u, nil, false
	}
	if u.Level == orgtree.LevelCommunity {
		return u, []int64{u.ID}, true
	}
	cs, err := h.kit.Org.CommunitiesUnder(r.Context(), u.ID)
	if err != nil {
		return u, nil, false
	}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return u, ids, true
}

type publicListData struct {
	Unit     orgtree.Unit
	Projects []procurement.Project
}

// publicList is a unit's tenders, awards and contracts for anyone.
func (h *handler) publicList(w http.ResponseWriter, r *http.Request) {
	u, ids, ok := h.unitCommunities(r)
	if !ok {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	ps, err := h.Projects.PublicList(r.Context(), ids)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "public_tenders", &web.Page{Title: u.Name + " 政府购买服务公告", Data: publicListData{Unit: u, Projects: ps}})
}

type publicData struct {
	Unit orgtree.Unit
	procurement.Public
}

// publicPage is a tender notice, and once awarded the award with every
// score, the contract, milestones and the residents' ratings.
func (h *handler) publicPage(w http.ResponseWriter, r *http.Request) {
	p, err := h.Projects.PublicProject(r.Context(), pathID(r, "project"))
	if err != nil {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	u, err := h.kit.Org.Get(r.Context(), p.Project.CommunityID)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "public_tender", &web.Page{Title: p.Project.Title, Data: publicData{Unit: u, Public: p}})
}

// selfURL is the address the package was asked at.
func selfURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

func (h *handler) releases(w http.ResponseWriter, r *http.Request) {
	u, ids, ok := h.unitCommunities(r)
	if !ok {
		jsonError(w, http.StatusNotFound, "没有这个单位:请用 ?org= 指定社区、街道或区县")
		return
	}
	pkg, err := h.Projects.Package(r.Context(), ids, selfURL(r), u.Name)
	if err != nil {
		h.kit.Log.Error("ocds releases", "err", err)
		jsonError(w, http.StatusInternalServerError, "服务器内部错误")
		return
	}
	writeJSON(w, pkg)
}

func (h *handler) records(w http.ResponseWriter, r *http.Request) {
	u, ids, ok := h.unitCommunities(r)
	if !ok {
		jsonError(w, http.StatusNotFound, "没有这个单位:请用 ?org= 指定社区、街道或区县")
		return
	}
	pkg, err := h.Projects.Records(r.Context(), ids, selfURL(r), u.Name)
	if err != nil {
		h.kit.Log.Error("ocds records", "err", err)
		jsonError(w, http.StatusInternalServerError, "服务器内部错误")
		return
	}
	writeJSON(w, pkg)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
