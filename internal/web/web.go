// Package web serves the register's pages: server-rendered HTML in
// Simplified Chinese for community staff on cheap phones and for department
// officials on desktops. Pages work without JavaScript, carry no inline
// script or style (so a strict `default-src 'self'` policy holds) and load a
// single small stylesheet.
//
// Every route is registered on the access.Routes table with its Rule: the
// permission it needs and the kind of record its path names. One wrapper,
// page, resolves the session into a Viewer, checks the CSRF token of every
// POST, applies the Rule, records the audit entry and only then calls the
// handler. Personal data never reaches the log: handlers log ids and paths
// only.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/archive"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/exports"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/services"
)

// Deps are what the pages need.
type Deps struct {
	DB            *database.DB
	Register      *register.Store
	Org           *orgtree.Store
	Accounts      *accounts.Store
	Access        *access.Service
	Events        *events.Store
	Audit         *audit.Log
	Throttle      *accounts.Throttle
	Reports       *reports.Service
	Log           *slog.Logger
	SecureCookies bool // set the Secure flag (behind HTTPS)
	// The one-stop service hall, the household archive's contributors and
	// the public lookup's limiter (nil: services.DefaultLimiter); without
	// Services the hall's pages are not served.
	Services *services.Service
	Archive  *archive.Registry
	Lookups  *services.Limiter
	// Imports and department exports; without them their pages are not
	// served.
	Imports *imports.Service
	Exports *exports.Service
}

type handler struct {
	Deps
	tmpl *templates
	nav  []navItem
}

// navItem is one entry of the main navigation, shown to viewers who hold
// its permission (or to every logged-in user when Perm is empty).
type navItem struct {
	Key   string
	Label string
	Href  string
	Perm  string // one permission, or several separated by | (any of them)
}

// request is what an authenticated handler knows about its caller.
type request struct {
	sess   accounts.Session
	user   accounts.User
	viewer *access.Viewer
	home   *orgtree.Unit  // the one unit where the user reads the register; nil for a viewer of the whole tree or of several places
	actor  register.Actor // who the register records as making changes
	flash  string         // message carried over a redirect (已保存)
	nav    []navItem      // the navigation this user may use
	place  access.Place   // where the record the path names lies
	audit  auditNote      // what the handler adds to the request's audit entry
}

// auditNote is filled by handlers whose audit entry needs more than the
// route says: the rows a search returned, what was searched for.
type auditNote struct {
	rows   int
	detail string
	entity string
	id     int64
}

// read is the scope in which the caller may see the register.
func (rq *request) read() access.Scope { return rq.viewer.Scope(access.RegisterRead) }

// write is the scope in which the caller may change the register.
func (rq *request) write() access.Scope { return rq.viewer.Scope(access.RegisterWrite) }

// Pages registers every page on rt.
func Pages(rt *Routes, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Throttle == nil {
		d.Throttle = accounts.NewThrottle()
	}
	h := &handler{Deps: d, tmpl: mustParseTemplates()}
	public := access.Rule{Public: true}
	login := access.Rule{Login: true}
	read := func(object string) access.Rule {
		return access.Rule{Perm: access.RegisterRead, Object: object, Audit: audit.View}
	}
	write := func(object string) access.Rule { return access.Rule{Perm: access.RegisterWrite, Object: object} }

	rt.Handle("GET /static/", public, h.recover(http.HandlerFunc(serveStatic)))
	rt.Handle("GET /login", public, h.recover(http.HandlerFunc(h.loginForm)))
	rt.Handle("POST /login", public, h.recover(http.HandlerFunc(h.login)))
	h.page(rt, "POST /logout", login, h.logout)
	h.page(rt, "GET /{$}", login, h.home)

	h.addNav("org", "组织", "/org", access.RegisterRead)
	h.page(rt, "GET /org", access.Rule{Perm: access.RegisterRead}, h.orgIndex)
	h.page(rt, "GET /org/{id}", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgUnit)
	h.addNav("search", "查询", "/search", access.RegisterRead)
	h.page(rt, "GET /search", access.Rule{Perm: access.RegisterRead, Audit: audit.Search}, h.search)
	h.page(rt, "GET /search/export", access.Rule{Perm: access.RegisterExport, Audit: audit.Export}, h.exportPersons)
	h.addNav("map", "地图", "/map", access.RegisterRead)
	h.page(rt, "GET /map", access.Rule{Perm: access.RegisterRead}, h.mapView)

	h.page(rt, "GET /persons/new", access.Rule{Perm: access.RegisterWrite}, h.newPersonForm)
	h.page(rt, "POST /persons/new", access.Rule{Perm: access.RegisterWrite}, h.createPerson)
	h.page(rt, "GET /persons/{id}", read("person"), h.person)
	h.page(rt, "POST /persons/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "person", Audit: audit.Reveal}, h.revealPerson)
	h.page(rt, "GET /persons/{id}/edit", write("person"), h.editPersonForm)
	h.page(rt, "POST /persons/{id}/edit", write("person"), h.updatePerson)

	h.page(rt, "GET /households/{id}", read("household"), h.household)
	h.page(rt, "POST /households/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "household", Audit: audit.Reveal}, h.revealHousehold)
	h.page(rt, "GET /households/{id}/edit", write("household"), h.editHouseholdForm)
	h.page(rt, "POST /households/{id}/edit", write("household"), h.updateHousehold)

	h.page(rt, "GET /houses/{id}", read("house"), h.house)
	h.page(rt, "GET /organisations/{id}", read("organisation"), h.organisation)

	h.reportRoutes(rt)
	h.servicesRoutes(rt)
	h.eventRoutes(rt)
	h.adminRoutes(rt)
	if d.Imports != nil {
		h.importRoutes(rt)
	}
	if d.Exports != nil {
		h.exportRoutes(rt)
	}

	// Anything else is a Chinese 404 page rather than the mux's English one.
	// More specific patterns (the API's /api/v1/, /healthz) still win.
	rt.Handle("/", public, h.recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := h.session(r) // with a session the page keeps its navigation
		if err != nil {
			rq = nil
		}
		h.errorPage(w, r, rq, http.StatusNotFound)
	})))
}

func (h *handler) addNav(key, label, href, perm string) {
	h.nav = append(h.nav, navItem{Key: key, Label: label, Href: href, Perm: perm})
}

// navFor is the navigation a viewer may use.
func (h *handler) navFor(v *access.Viewer) []navItem {
	out := []navItem{{Key: "home", Label: "首页", Href: "/"}}
	for _, n := range h.nav {
		if n.Perm == "" || slices.ContainsFunc(strings.Split(n.Perm, "|"), v.Can) {
			out = append(out, n)
		}
	}
	return out
}

// recover turns a panic into the 500 page. The panic value may hold personal
// data (a name in a formatted message), so only the stack, which names code,
// is logged.
func (h *handler) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.Log.Error("web panic", "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			h.errorPage(w, r, nil, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// page registers a page that needs a session. Without one a GET goes to the
// login form (remembering where it was going) and a POST is refused the same
// way; a POST must carry the session's CSRF token. Then the rule decides:
// a missing permission is the 403 page, a record outside the caller's scope
// the same 404 page as a record that does not exist. Every call the rule
// marks, and every POST, is recorded in the audit log.
func (h *handler) page(rt *Routes, pattern string, rule access.Rule, fn func(http.ResponseWriter, *http.Request, *request)) {
	h.pageWithBody(rt, pattern, rule, 64<<10, fn)
}

// pageWithBody is page for forms that may send more than the usual 64 KB:
// multipart forms with photos, up to maxBody bytes (parts beyond 8 MB go
// to temporary files while the request runs).
func (h *handler) pageWithBody(rt *Routes, pattern string, rule access.Rule, maxBody int64, fn func(http.ResponseWriter, *http.Request, *request)) {
	rt.Handle(pattern, rule, h.recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := h.session(r)
		if err != nil {
			if !errors.Is(err, accounts.ErrNoSession) {
				h.serverError(w, r, nil, err)
				return
			}
			h.clearCookie(w, sessionCookie)
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				// An expired, ended or forged session.
				h.Audit.Record(audit.Entry{Addr: clientAddr(r), Action: audit.Denied, Route: pattern,
					Status: http.StatusUnauthorized, Detail: "会话无效或已过期"})
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			// A form sent without a live session is not carried out; the
			// page says why and links to the login form.
			h.errorPage(w, r, nil, http.StatusUnauthorized)
			return
		}
		// Pages show personal data: keep them out of shared caches and off
		// the disk of a phone that others may pick up.
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			var err error
			if maxBody > 64<<10 && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(8 << 20)
			} else {
				err = r.ParseForm()
			}
			if err != nil || !cleanForm(r) {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) && maxBody > 64<<10 {
					h.errorPage(w, r, rq, http.StatusRequestEntityTooLarge)
					return
				}
				h.errorPage(w, r, rq, http.StatusBadRequest)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), rq.sess.CSRF) {
				h.Log.Warn("csrf token mismatch", "method", r.Method, "path", r.URL.Path, "user", rq.user.ID)
				h.record(r, rq, pattern, rule, audit.Denied, http.StatusForbidden, "CSRF 校验失败")
				h.errorPage(w, r, rq, http.StatusForbidden)
				return
			}
		}
		place, id, err := h.Access.Authorize(r.Context(), rq.viewer, rule, r.PathValue)
		rq.place, rq.audit.entity, rq.audit.id = place, rule.Object, id
		switch {
		case errors.Is(err, access.ErrForbidden):
			h.record(r, rq, pattern, rule, audit.Denied, http.StatusForbidden, "")
			h.errorPage(w, r, rq, http.StatusForbidden)
			return
		case errors.Is(err, access.ErrNotFound), errors.Is(err, access.ErrBadID):
			if id != 0 {
				h.record(r, rq, pattern, rule, audit.Denied, http.StatusNotFound, "")
			}
			h.errorPage(w, r, rq, http.StatusNotFound)
			return
		case err != nil:
			h.serverError(w, r, rq, err)
			return
		}
		rq.flash = h.takeFlash(w, r)
		sw := &StatusWriter{ResponseWriter: w}
		fn(sw, r, rq)
		action := rule.Audit
		if action == "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
			action = audit.Change
		}
		// Reveals and exports are recorded by their handlers, before the
		// data goes out.
		if action != "" && action != audit.Reveal && action != audit.Export && pattern != "POST /logout" {
			h.record(r, rq, pattern, rule, action, sw.Status, rq.audit.detail)
		}
	})))
}

// cleanForm reports whether every value of a posted form is valid UTF-8
// without NUL characters; no form of ours sends anything else.
func cleanForm(r *http.Request) bool {
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return false
			}
		}
	}
	return true
}

// record adds the audit entry of a request.
func (h *handler) record(r *http.Request, rq *request, pattern string, rule access.Rule, action string, status int, detail string) {
	h.Audit.Record(audit.Entry{UserID: rq.user.ID, UserName: rq.user.Name, Addr: clientAddr(r), Action: action,
		Entity: rq.audit.entity, EntityID: rq.audit.id, CommunityID: rq.place.Community, Route: pattern,
		Status: status, Rows: rq.audit.rows, Detail: detail})
}

// session resolves the session cookie into the caller and their viewer.
func (h *handler) session(r *http.Request) (*request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, accounts.ErrNoSession
	}
	sess, err := h.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	v, err := h.Access.Viewer(r.Context(), sess.User.ID, sess.User.Name)
	if err != nil {
		return nil, err
	}
	rq := &request{sess: sess, user: sess.User, viewer: v, nav: h.navFor(v),
		actor: register.Actor{UserID: sess.User.ID, Name: actorName(sess.User), Source: "web"}}
	if units := v.Scope(access.RegisterRead).Units(); len(units) == 1 {
		unit, err := h.Org.Get(r.Context(), units[0])
		if err != nil && !errors.Is(err, orgtree.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			rq.home = &unit
		}
	}
	return rq, nil
}

func actorName(u accounts.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}

// visible reports whether the org unit lies where the caller may read the
// register.
func (h *handler) visible(ctx context.Context, rq *request, u orgtree.Unit) bool {
	return rq.read().Contains(unitPlace(u))
}

// unitPlace is where an org unit lies, for scope checks.
func unitPlace(u orgtree.Unit) access.Place {
	return access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}
}

// pathID reads the {id} path value; a malformed id is simply not found.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// queryID reads an id from the query string.
func queryID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return id, err == nil && id > 0
}

// fail answers a store error: not found (or out of scope) is the 404 page,
// anything else is logged and the 500 page.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if errors.Is(err, register.ErrNotFound) || errors.Is(err, orgtree.ErrNotFound) {
		h.errorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.serverError(w, r, rq, err)
}

// serverError logs err with the request's path (never its query string,
// which may hold a name or an ID number) and shows the 500 page.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the browser went away
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "err", err}
	if rq != nil {
		attrs = append(attrs, "user", rq.user.ID)
	}
	h.Log.Error("web", attrs...)
	h.errorPage(w, r, rq, http.StatusInternalServerError)
}
