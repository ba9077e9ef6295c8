package proposalsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/proposals"
	"shequ/internal/web"
)

// The committee's moderation queue: proposals and arguments of a community
// awaiting approval, for staff who may manage 议事协商 there.

type staff struct {
	kit  *web.Kit
	d    Deps
	tmpl *web.Templates
}

func staffRoutes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &staff{kit: k, d: d, tmpl: k.Templates(templateFS, funcs)}
	k.AddFlashes(map[string]string{"proposal_moderated": "已审核"})
	k.AddNav("proposals", "议事协商", "/proposals", proposals.PermManage)
	manage := access.Rule{Perm: proposals.PermManage}
	k.Handle(rt, "GET /proposals/queue", manage, h.queue)
	k.Handle(rt, "POST /proposals/{c}/{matter}/moderate", manage, h.moderate)
	k.Handle(rt, "POST /proposals/arguments/{c}/{argument}/moderate", manage, h.moderateArgument)
	manageRoutes(rt, k, h)
}

// community reads the community of a request and checks it lies in the
// staff member's scope; 0 when it does not.
func (h *staff) community(rq *web.Request, v string) int64 {
	c, err := strconv.ParseInt(v, 10, 64)
	if err != nil || c <= 0 || !rq.Viewer.Scope(proposals.PermManage).Contains(access.Place{Community: c, Org: c}) {
		return 0
	}
	return c
}

type queueData struct {
	C         int64
	Matters   []proposals.Matter
	Arguments []proposals.Argument
	Message   string
}

func (h *staff) queue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	v := r.URL.Query().Get("c")
	if cs := rq.Viewer.Scope(proposals.PermManage).Communities(); v == "" && len(cs) > 0 {
		v = strconv.FormatInt(cs[0], 10) // the staff member's own community
	}
	c := h.community(rq, v)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.render(w, r, rq, http.StatusOK, c, "")
}

func (h *staff) render(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, c int64, msg string) {
	ms, as, err := h.d.Proposals.Queue(r.Context(), c)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "queue", web.NewPage(rq, "议事协商待审核", "proposals",
		queueData{C: c, Matters: ms, Arguments: as, Message: msg}))
}

func (h *staff) done(w http.ResponseWriter, r *http.Request, rq *web.Request, c int64, err error) {
	if err == nil {
		h.kit.SetFlash(w, "proposal_moderated")
		back := "/proposals/queue?c=" + strconv.FormatInt(c, 10)
		if m, _ := strconv.ParseInt(r.PostFormValue("matter"), 10, 64); m > 0 {
			back = matterURL(c, m) // moderated on the matter's page
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) == fault.Internal {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	msg := fault.Message(err)
	if fe := fault.FieldsOf(err); fe != nil {
		msg = fe["reason"]
	}
	h.render(w, r, rq, http.StatusUnprocessableEntity, c, msg)
}

func (h *staff) moderate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := h.community(rq, r.PathValue("c"))
	id, err := strconv.ParseInt(r.PathValue("matter"), 10, 64)
	if c == 0 || err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	who := rq.User.DisplayName
	switch r.PostFormValue("decision") {
	case "approve":
		err = h.d.Proposals.Approve(r.Context(), who, c, id, version)
	case "reject":
		err = h.d.Proposals.Reject(r.Context(), who, c, id, version, r.PostFormValue("reason"))
	default:
		err = fault.Fields{"reason": "请选择通过或不予通过"}
	}
	h.done(w, r, rq, c, err)
}

func (h *staff) moderateArgument(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := h.community(rq, r.PathValue("c"))
	id, err := strconv.ParseInt(r.PathValue("argument"), 10, 64)
	if c == 0 || err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	d := r.PostFormValue("decision")
	if d != "publish" && d != "reject" {
		h.done(w, r, rq, c, fault.Fields{"reason": "请选择发布或不予发布"})
		return
	}
	h.done(w, r, rq, c, h.d.Proposals.ModerateArgument(r.Context(), c, id, d == "publish", r.PostFormValue("reason")))
}
