package proposalsweb

import (
	"errors"
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/proposals"
	"shequ/internal/residents"
	"shequ/internal/web"
)

// A verified resident proposes a matter and argues for or against one on
// the phone; both wait for the committee's moderation. Without a session
// the resident is sent to verify first.

type proposeData struct {
	C      int64
	R      *residents.Resident
	Draft  proposals.Draft
	Errors map[string]string
	Done   *proposals.Matter
}

func (h *handler) toVerify(w http.ResponseWriter, r *http.Request, c int64) {
	to := "/r/verify"
	if c > 0 {
		to += "?c=" + strconv.FormatInt(c, 10)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (h *handler) proposeForm(w http.ResponseWriter, r *http.Request) {
	res := h.resident(r)
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	if res == nil {
		h.toVerify(w, r, c)
		return
	}
	h.render(w, r, http.StatusOK, "new", "提出议题", res, proposeData{C: res.CommunityID, R: res, Errors: map[string]string{}})
}

// formOK reads a resident's form and checks its token.
func (h *handler) formOK(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 40<<10) // 3000 characters, percent-encoded
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		http.Error(w, "页面已过期,请返回重新打开页面后再提交。", http.StatusBadRequest)
		return false
	}
	return true
}

func (h *handler) propose(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	res := h.resident(r)
	if res == nil {
		h.toVerify(w, r, 0)
		return
	}
	d := proposals.Draft{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		OwnBuilding: r.PostFormValue("scope") == "building"}
	m, err := h.d.Proposals.ProposeAsResident(r.Context(), res, d)
	switch fe := fault.FieldsOf(err); {
	case fe != nil:
		h.render(w, r, http.StatusUnprocessableEntity, "new", "提出议题", res, proposeData{C: res.CommunityID, R: res, Draft: d, Errors: fe})
	case err != nil && fault.KindOf(err) != fault.Internal:
		h.render(w, r, web.Status(err), "new", "提出议题", res, proposeData{C: res.CommunityID, R: res, Draft: d,
			Errors: map[string]string{"form": fault.Message(err)}})
	case err != nil:
		h.kit.Log.Error("proposals: propose", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
	default:
		h.render(w, r, http.StatusOK, "new", "提出议题", res, proposeData{C: res.CommunityID, R: res, Done: &m})
	}
}

func (h *handler) argue(w http.ResponseWriter, r *http.Request) {
	c, id, ok := ids(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !h.formOK(w, r) {
		return
	}
	res := h.resident(r)
	if res == nil {
		h.toVerify(w, r, c)
		return
	}
	_, err := h.d.Proposals.Argue(r.Context(), res, c, id, r.PostFormValue("side"), r.PostFormValue("body"))
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.matterPage(w, r, res, http.StatusOK, c, id, matterData{Argued: true})
	case fe != nil:
		h.matterPage(w, r, res, http.StatusUnprocessableEntity, c, id, matterData{ArgErrors: fe,
			Side: r.PostFormValue("side"), ArgBody: r.PostFormValue("body")})
	case fault.Is(err, fault.NotFound):
		http.NotFound(w, r)
	case errors.Is(err, proposals.ErrNoResident):
		h.toVerify(w, r, c)
	case fault.KindOf(err) != fault.Internal:
		h.matterPage(w, r, res, web.Status(err), c, id, matterData{Error: fault.Message(err)})
	default:
		h.kit.Log.Error("proposals: argue", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
	}
}
