package partyweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/web"
)

type postsData struct {
	Unit      orgtree.Unit
	Posts     []partymembers.Post
	MayManage bool
	F         map[string]string
	Errors    map[string]string
	Message   string
}

func (h *handler) posts(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderPosts(w, r, rq, http.StatusOK, r.URL.Query().Get("org"), nil, nil, "")
}

func (h *handler) renderPosts(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org string, f, errs map[string]string, msg string) {
	u, err := h.unitIn(r, rq.Viewer.Scope(partymembers.PermRead), org)
	if err == nil && u.Level != orgtree.LevelCommunity {
		err = fault.New(fault.NotFound, "请选择一个社区")
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := postsData{Unit: u, MayManage: rq.Viewer.CanAt(partymembers.PermManage, web.UnitPlace(u)), F: f, Errors: errs, Message: msg}
	if d.F == nil {
		d.F = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Posts, err = h.Party.Posts(r.Context(), u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "posts", web.NewPage(rq, u.Name+" 服务岗位", "party", d))
}

// savePost publishes a post (id empty) or changes one.
func (h *handler) savePost(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	pf := r.PostFormValue
	org, _ := strconv.ParseInt(pf("org"), 10, 64)
	id, _ := strconv.ParseInt(pf("id"), 10, 64)
	version, _ := strconv.Atoi(pf("version"))
	_, err := h.Party.SavePost(r.Context(), staff(rq, partymembers.PermManage), partymembers.PostForm{Community: org, ID: id,
		Version: version, Name: pf("name"), Description: pf("description"), Slots: pf("slots"), Active: pf("active") == "1"})
	if fe := fault.FieldsOf(err); fe != nil {
		f := map[string]string{"name": pf("name"), "description": pf("description"), "slots": pf("slots")}
		if id != 0 {
			// A change of a listed post: its refusal is said above the list.
			h.renderPosts(w, r, rq, http.StatusUnprocessableEntity, pf("org"), nil, nil, fe.Error())
			return
		}
		h.renderPosts(w, r, rq, http.StatusUnprocessableEntity, pf("org"), f, fe, "")
		return
	}
	if fault.Is(err, fault.Conflict) {
		h.renderPosts(w, r, rq, http.StatusConflict, pf("org"), nil, nil, fault.Message(err))
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "unit", org
	h.kit.SetFlash(w, "party_saved")
	http.Redirect(w, r, "/party-posts?org="+strconv.FormatInt(org, 10), http.StatusSeeOther)
}
