// Package residentsweb serves the resident's phone pages under /r/: the
// verification form, the code form, my page and sign-out. They are public
// routes with a small layout of their own on the shared stylesheet, no
// script, forms guarded by the kit's double-submit token; the resident is
// who the session cookie names (SignedIn, for other capabilities' pages).
package residentsweb

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/residents"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

const (
	sessionCookie = "shequ_resident"    // the session token
	ticketCookie  = "shequ_resident_tk" // the code request's ticket, for the code form
	csrfCookie    = "shequ_resident_csrf"
	sessionMaxAge = residents.SessionDays * 24 * 3600
	ticketMaxAge  = int(residents.CodeTTL / 1e9)
)

type handler struct {
	kit   *web.Kit
	svc   *residents.Service
	pages map[string]*template.Template
}

// Routes registers the resident's pages.
func Routes(rt *web.Routes, k *web.Kit, svc *residents.Service) {
	h := &handler{kit: k, svc: svc, pages: map[string]*template.Template{}}
	for _, n := range []string{"verify", "code", "me", "message"} {
		h.pages[n] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	for pattern, fn := range map[string]http.HandlerFunc{
		"GET /r/verify":       h.verifyForm,
		"POST /r/verify":      h.verify,
		"POST /r/verify/code": h.code,
		"GET /r/me":           h.me,
		"POST /r/logout":      h.logout,
	} {
		k.HandlePublic(rt, pattern, headers(fn))
	}
}

// SignedIn tells which resident a request is signed in as, for the pages
// of other capabilities (议事协商, surveys); it writes nothing.
func SignedIn(svc *residents.Service) func(*http.Request) (residents.Resident, bool) {
	return func(r *http.Request) (residents.Resident, bool) {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			return residents.Resident{}, false
		}
		res, err := svc.ByToken(r.Context(), c.Value)
		return res, err == nil
	}
}

func headers(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		}
		next(w, r)
	}
}

type page struct {
	Title string
	CSS   string
	CSRF  string
	R     *residents.Resident
	Data  any
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, res *residents.Resident, data any) {
	p := &page{Title: title, CSS: web.StylesheetURL(), CSRF: h.kit.PublicToken(w, r, csrfCookie), R: res, Data: data}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.kit.Log.Error("residents: template", "name", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) message(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	h.render(w, r, status, "message", title, nil, msg)
}

func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.kit.Log.Error("residents: page", "path", r.URL.Path, "err", err)
	http.Error(w, "服务器内部错误", http.StatusInternalServerError)
}

// formOK parses a form and checks its token.
func (h *handler) formOK(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		h.message(w, r, http.StatusBadRequest, "无法提交", "页面已过期或提交的内容无法识别,请返回重新打开页面后再提交。")
		return false
	}
	return true
}

func (h *handler) audit(r *http.Request, e audit.Entry) {
	e.Addr, e.Route, e.Status = web.ClientAddr(r), r.Pattern, http.StatusOK
	if e.Action != audit.Search {
		e.Rows = -1 // not a list
	}
	h.kit.Audit.Record(e)
}

type verifyData struct {
	C           int64
	Unit        string
	Communities []orgtree.Unit // when the link names none
	Name        string
	Errors      map[string]string
	Sent        string
}

// communities are the communities a resident may choose from: org units
// are public (the portal names them too).
func (h *handler) communities(r *http.Request) ([]orgtree.Unit, error) {
	roots, err := h.kit.Org.Roots(r.Context())
	if err != nil {
		return nil, err
	}
	var out []orgtree.Unit
	for _, root := range roots {
		if root.Level == orgtree.LevelCommunity {
			out = append(out, root)
			continue
		}
		cs, err := h.kit.Org.Descendants(r.Context(), root.ID, orgtree.LevelCommunity)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// form fills the community part of the verify page: ?c= a community (the
// QR a community posts), else the list to choose from.
func (h *handler) form(r *http.Request, c int64, d *verifyData) error {
	if c != 0 {
		if u, err := h.kit.Org.Get(r.Context(), c); err == nil && u.Level == orgtree.LevelCommunity && u.RetiredOn == "" {
			d.C, d.Unit = u.ID, u.Name
			return nil
		}
	}
	cs, err := h.communities(r)
	d.Communities = cs
	return err
}

func (h *handler) verifyForm(w http.ResponseWriter, r *http.Request) {
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	d := verifyData{Errors: map[string]string{}}
	if err := h.form(r, c, &d); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "verify", "居民身份核验", nil, d)
}

func (h *handler) verify(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	c, _ := strconv.ParseInt(r.PostFormValue("c"), 10, 64)
	req := residents.Request{CommunityID: c, Name: r.PostFormValue("name"), IDTail: r.PostFormValue("id_tail"),
		Phone: r.PostFormValue("phone"), Client: web.ClientAddr(r)}
	a, err := h.svc.Start(r.Context(), req)
	if fe := fault.FieldsOf(err); fe != nil || errors.Is(err, residents.ErrLimited) {
		// The ID tail and phone are never echoed back into the page.
		d := verifyData{Name: web.Truncate(req.Name, 30), Errors: fe}
		status := http.StatusUnprocessableEntity
		if fe == nil {
			d.Errors, status = map[string]string{"form": residents.ErrLimited.Error()}, http.StatusTooManyRequests
		}
		if err := h.form(r, c, &d); err != nil {
			h.serverError(w, r, err)
			return
		}
		h.render(w, r, status, "verify", "居民身份核验", nil, d)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// The audit log keeps who was asked for, masked, and whether the
	// register matched — for the auditors, never for the asker.
	rows := 0
	e := audit.Entry{Action: audit.Search, CommunityID: c}
	if a.Matched {
		rows, e.Entity, e.EntityID = 1, "person", a.PersonID
	}
	e.Rows = rows
	e.Detail = audit.SearchDetail("resident", residents.MaskName(req.Name)+" "+residents.MaskPhone(req.Phone))
	h.audit(r, e)
	h.kit.SetCookie(w, ticketCookie, a.Ticket, ticketMaxAge)
	h.render(w, r, http.StatusOK, "code", "输入验证码", nil, verifyData{C: c, Unit: a.Community, Sent: residents.Sent,
		Errors: map[string]string{}})
}

func (h *handler) code(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	var ticket string
	if c, err := r.Cookie(ticketCookie); err == nil {
		ticket = c.Value
	}
	token, res, err := h.svc.Confirm(r.Context(), web.ClientAddr(r), ticket, r.PostFormValue("code"))
	if err != nil {
		h.audit(r, audit.Entry{Action: audit.LoginFailed, Detail: "居民身份验证码"})
	}
	switch fe := fault.FieldsOf(err); {
	case fe != nil:
		h.render(w, r, http.StatusUnprocessableEntity, "code", "输入验证码", nil, verifyData{Errors: fe})
		return
	case errors.Is(err, residents.ErrExpired), errors.Is(err, residents.ErrLimited):
		h.kit.ClearCookie(w, ticketCookie)
		status := http.StatusGone
		if errors.Is(err, residents.ErrLimited) {
			status = http.StatusTooManyRequests
		}
		h.render(w, r, status, "message", "验证码已失效", nil, err.Error())
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.audit(r, audit.Entry{Action: audit.Login, Entity: "person", EntityID: res.PersonID, CommunityID: res.CommunityID,
		Detail: "居民身份核验"})
	h.kit.ClearCookie(w, ticketCookie)
	h.kit.SetCookie(w, sessionCookie, token, sessionMaxAge)
	http.Redirect(w, r, "/r/me", http.StatusSeeOther)
}

func (h *handler) me(w http.ResponseWriter, r *http.Request) {
	res, ok := SignedIn(h.svc)(r)
	if !ok {
		if _, err := r.Cookie(sessionCookie); err == nil {
			h.kit.ClearCookie(w, sessionCookie)
		}
		h.render(w, r, http.StatusUnauthorized, "message", "请先核验身份", nil, "请先核验居民身份。")
		return
	}
	h.audit(r, audit.Entry{Action: audit.View, Entity: "person", EntityID: res.PersonID, CommunityID: res.CommunityID, Rows: -1})
	h.render(w, r, http.StatusOK, "me", "我的居民身份", &res, nil)
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		res, signedIn := SignedIn(h.svc)(r)
		if err := h.svc.SignOut(r.Context(), c.Value); err != nil {
			h.serverError(w, r, err)
			return
		}
		if signedIn {
			h.audit(r, audit.Entry{Action: audit.Logout, Entity: "person", EntityID: res.PersonID, CommunityID: res.CommunityID})
		}
	}
	h.kit.ClearCookie(w, sessionCookie)
	h.message(w, r, http.StatusOK, "已退出", "您已在本机退出。")
}
