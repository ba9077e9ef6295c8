package disclosureweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/disclosure"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// The public pages use the kit's layout without a session: a resident
// reads the community's 居务公开 and asks about a publication.

func (h *handler) board(w http.ResponseWriter, r *http.Request) {
	b, err := h.Disclosure.PublicBoard(r.Context(), pathID(r, "community"))
	if fault.Is(err, fault.NotFound) {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "board", &web.Page{Title: b.Community + " 居务公开", Data: b})
}

type publicData struct {
	P         disclosure.Publication
	Community string
	Questions []disclosure.Question
	Text      string
	Phone     string
	Errors    map[string]string
	Summary   []web.ErrItem
	Done      bool
}

func (h *handler) publicShow(w http.ResponseWriter, r *http.Request) {
	h.renderPublic(w, r, http.StatusOK, publicData{Done: r.URL.Query().Get("done") == "1"})
}

func (h *handler) renderPublic(w http.ResponseWriter, r *http.Request, status int, d publicData) {
	ctx := r.Context()
	b, err := h.Disclosure.PublicBoard(ctx, pathID(r, "community"))
	if err == nil {
		d.Community = b.Community
		d.P, err = h.Disclosure.Publication(ctx, pathID(r, "community"), pathID(r, "pub"))
	}
	if err == nil && d.P.PublishedOn == "" {
		err = disclosure.ErrNoPublication // not public yet
	}
	if fault.Is(err, fault.NotFound) {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	if err == nil {
		d.Questions, err = h.Disclosure.Questions(ctx, d.P.CommunityID, d.P.ID, false)
	}
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	} else {
		d.Summary = web.Summarize(d.Errors, []string{"form", "text", "phone"})
	}
	h.tmpl.Render(w, r, status, "public", &web.Page{Title: d.P.Item + " " + d.P.Name(),
		CSRF: h.kit.PublicToken(w, r, publicCookie), Data: d})
}

// ask takes a resident's question, guarded by the double-submit token and
// limited per address.
func (h *handler) ask(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	d := publicData{Text: r.PostFormValue("text"), Phone: strings.TrimSpace(r.PostFormValue("phone"))}
	if !web.PublicTokenOK(r, publicCookie) {
		d.Errors = map[string]string{"form": "页面已过期或浏览器禁用了 Cookie,请重新提交。"}
		h.renderPublic(w, r, http.StatusForbidden, d)
		return
	}
	if !h.Asks.Allow(web.ClientAddr(r), "") {
		d.Errors = map[string]string{"form": "提问过于频繁,请稍后再试。"}
		h.renderPublic(w, r, http.StatusTooManyRequests, d)
		return
	}
	community, pub := pathID(r, "community"), pathID(r, "pub")
	_, err := h.Disclosure.Ask(r.Context(), community, pub, d.Text, d.Phone)
	switch {
	case err == nil:
		http.Redirect(w, r, "/gongkai/"+strconv.FormatInt(community, 10)+"/"+strconv.FormatInt(pub, 10)+"?done=1#questions",
			http.StatusSeeOther)
	case fault.FieldsOf(err) != nil:
		d.Errors = fault.FieldsOf(err)
		h.renderPublic(w, r, http.StatusUnprocessableEntity, d)
	case fault.Is(err, fault.NotFound):
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
	default:
		h.kit.ServerError(w, r, nil, err)
	}
}
