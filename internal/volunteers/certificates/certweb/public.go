package certweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/fault"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/web"
)

// The public pages use the kit's layout without a session: a resident
// sees the notices of their community, objects, and verifies a paper.

type noticesData struct {
	Community int64
	Notices   []certificates.Notice
}

func (h *handler) notices(w http.ResponseWriter, r *http.Request) {
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	ns, err := h.Certificates.Notices(r.Context(), c)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "notices", &web.Page{Title: "志愿服务记录证明公示",
		Data: noticesData{Community: c, Notices: ns}})
}

type noticeData struct {
	N       *certificates.Notice
	Text    string
	Contact string
	Errors  map[string]string
	Summary []web.ErrItem
	Done    bool
	Closed  string
}

// noticeOf finds a notice in progress by id; nil when it is not (any
// more) in notice.
func (h *handler) noticeOf(r *http.Request) (*certificates.Notice, error) {
	id := pathID(r, "notice")
	ns, err := h.Certificates.Notices(r.Context(), 0)
	if err != nil {
		return nil, err
	}
	for i := range ns {
		if ns[i].ID == id {
			return &ns[i], nil
		}
	}
	return nil, nil
}

func (h *handler) notice(w http.ResponseWriter, r *http.Request) {
	n, err := h.noticeOf(r)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if n == nil {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	d := noticeData{N: n, Done: r.URL.Query().Get("done") == "1"}
	h.renderNotice(w, r, http.StatusOK, d)
}

func (h *handler) renderNotice(w http.ResponseWriter, r *http.Request, status int, d noticeData) {
	if d.Errors != nil {
		d.Summary = web.Summarize(d.Errors, []string{"form", "text", "contact"})
	}
	h.tmpl.Render(w, r, status, "notice", &web.Page{Title: "志愿服务记录证明公示", CSRF: h.kit.PublicToken(w, r, publicCookie),
		Data: d})
}

// object takes an objection from anyone, guarded by the double-submit
// token; the certificate cannot be issued until staff decide on it.
func (h *handler) object(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	n, err := h.noticeOf(r)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if n == nil {
		h.kit.ErrorMessage(w, r, nil, http.StatusConflict, "异议", "", "不再受理异议",
			"该证明不在公示期内(公示已结束或已撤回),不再受理异议。")
		return
	}
	d := noticeData{N: n, Text: r.PostFormValue("text"), Contact: r.PostFormValue("contact")}
	if !web.PublicTokenOK(r, publicCookie) {
		d.Errors = map[string]string{"form": "页面已过期或浏览器禁用了 Cookie,请重新提交。"}
		h.renderNotice(w, r, http.StatusForbidden, d)
		return
	}
	err = h.Certificates.Object(r.Context(), n.ID, certificates.ObjectionForm{Text: d.Text, Contact: d.Contact})
	switch {
	case err == nil:
		http.Redirect(w, r, "/volunteer-notices/"+strconv.FormatInt(n.ID, 10)+"?done=1", http.StatusSeeOther)
	case fault.FieldsOf(err) != nil:
		d.Errors = fault.FieldsOf(err)
		h.renderNotice(w, r, http.StatusUnprocessableEntity, d)
	case fault.Is(err, fault.Refused), fault.Is(err, fault.TooMany):
		d.Errors = map[string]string{"form": fault.Message(err)}
		h.renderNotice(w, r, web.Status(err), d)
	default:
		h.kit.ServerError(w, r, nil, err)
	}
}

type verifyData struct {
	Code  string
	Error string
	V     *certificates.Verification
}

// verify checks a code: genuine, revoked, or no such certificate. A
// wrong code is told as such, with the same page and status whether it
// is malformed or merely unknown.
func (h *handler) verify(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	if !utf8.ValidString(code) || len(code) > 40 {
		code = ""
	}
	d := verifyData{Code: code}
	status := http.StatusOK
	if code != "" {
		v, err := h.Certificates.Verify(r.Context(), code)
		switch {
		case errors.Is(err, certificates.ErrBadCode):
			d.Error, status = fault.Message(err), http.StatusNotFound
		case err != nil:
			h.kit.ServerError(w, r, nil, err)
			return
		default:
			d.V = &v
		}
	}
	h.tmpl.Render(w, r, status, "verify", &web.Page{Title: "志愿服务记录证明核验", Data: d})
}
