package certweb

import (
	"net/http"

	"shequ/internal/fault"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/web"
)

// Own serves a volunteer's own certificates on the volunteer's session,
// which the registry's pages keep: Volunteer tells which volunteer a
// request is signed in as. The lead mounts Page (GET) and Submit (POST) on
// one path beside the volunteer's other pages, e.g.
//
//	own := certweb.NewOwn(kit, certs, volunteerOf)
//	kit.HandlePublic(rt, "GET /volunteer/certificates", own.Page)
//	kit.HandlePublic(rt, "POST /volunteer/certificates", own.Submit)
//
// The form is guarded by the same double-submit token as the public
// objection form; a request without a signed-in volunteer is refused.
type Own struct {
	h         *handler
	Volunteer func(r *http.Request) (volunteerID int64, ok bool)
}

// NewOwn returns the volunteer's own certificate pages.
func NewOwn(k *web.Kit, certs *certificates.Service, volunteer func(*http.Request) (int64, bool)) *Own {
	h := &handler{Deps: Deps{Certificates: certs}, kit: k, tmpl: k.Templates(templateFS, funcs)}
	return &Own{h: h, Volunteer: volunteer}
}

type ownData struct {
	Action   string
	List     []certificates.Certificate
	From, To string
	Errors   map[string]string
	Summary  []web.ErrItem
	Done     bool
}

// Page lists the volunteer's certificates and the request form.
func (o *Own) Page(w http.ResponseWriter, r *http.Request) {
	o.render(w, r, http.StatusOK, ownData{Done: r.URL.Query().Get("done") == "1"})
}

func (o *Own) render(w http.ResponseWriter, r *http.Request, status int, d ownData) {
	w.Header().Set("Cache-Control", "no-store")
	id, ok := o.Volunteer(r)
	if !ok {
		o.h.kit.ErrorPage(w, r, nil, http.StatusUnauthorized)
		return
	}
	list, err := o.h.Certificates.OfVolunteer(r.Context(), id)
	if err != nil {
		o.h.kit.ServerError(w, r, nil, err)
		return
	}
	d.List, d.Action = list, r.URL.Path
	if d.Errors != nil {
		d.Summary = web.Summarize(d.Errors, []string{"form", "from", "to"})
	}
	o.h.tmpl.Render(w, r, status, "own", &web.Page{Title: "我的志愿服务记录证明", CSRF: o.h.kit.PublicToken(w, r, publicCookie),
		Data: d})
}

// Submit records the volunteer's request for a period.
func (o *Own) Submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		o.h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	id, ok := o.Volunteer(r)
	if !ok {
		o.h.kit.ErrorPage(w, r, nil, http.StatusUnauthorized)
		return
	}
	d := ownData{From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	if !web.PublicTokenOK(r, publicCookie) {
		d.Errors = map[string]string{"form": "页面已过期或浏览器禁用了 Cookie,请重新提交。"}
		o.render(w, r, http.StatusForbidden, d)
		return
	}
	_, err := o.h.Certificates.RequestOwn(r.Context(), id, d.From, d.To)
	switch {
	case err == nil:
		http.Redirect(w, r, r.URL.Path+"?done=1", http.StatusSeeOther)
	case fault.FieldsOf(err) != nil:
		d.Errors = fault.FieldsOf(err)
		o.render(w, r, http.StatusUnprocessableEntity, d)
	default:
		o.h.kit.ServerError(w, r, nil, err)
	}
}
