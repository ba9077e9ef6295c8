// Package web serves the register's pages: server-rendered HTML in
// Simplified Chinese for community staff on cheap phones and for department
// officials on desktops. Pages work without JavaScript, carry no inline
// script or style (so a strict `default-src 'self'` policy holds) and load a
// single small stylesheet.
//
// Every page but /login and /static/ needs a session; every state-changing
// POST carries the session's CSRF token. Personal data never reaches the
// log: handlers log ids and paths only.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Deps are what the pages need.
type Deps struct {
	DB            *database.DB
	Register      *register.Store
	Org           *orgtree.Store
	Accounts      *accounts.Store
	Log           *slog.Logger
	SecureCookies bool // set the Secure flag (behind HTTPS)
}

type handler struct {
	Deps
	tmpl *templates
}

// request is what an authenticated handler knows about its caller.
type request struct {
	sess  accounts.Session
	user  accounts.User
	scope register.Scope // the part of the register the user may see
	home  *orgtree.Unit  // the user's own unit; nil for an administrator of the whole tree
	actor register.Actor // who the register records as making changes
	flash string         // message carried over a redirect (已保存)
}

// Routes registers every page on mux.
func Routes(mux *http.ServeMux, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handler{Deps: d, tmpl: mustParseTemplates()}

	mux.Handle("GET /static/", h.recover(http.HandlerFunc(serveStatic)))
	mux.Handle("GET /login", h.recover(http.HandlerFunc(h.loginForm)))
	mux.Handle("POST /login", h.recover(http.HandlerFunc(h.login)))
	mux.Handle("POST /logout", h.authed(h.logout))

	mux.Handle("GET /{$}", h.authed(h.home))
	mux.Handle("GET /org", h.authed(h.orgIndex))
	mux.Handle("GET /org/{id}", h.authed(h.orgUnit))
	mux.Handle("GET /map", h.authed(h.mapView))
	mux.Handle("GET /search", h.authed(h.search))

	mux.Handle("GET /persons/new", h.authed(h.newPersonForm))
	mux.Handle("POST /persons/new", h.authed(h.createPerson))
	mux.Handle("GET /persons/{id}", h.authed(h.person))
	mux.Handle("GET /persons/{id}/edit", h.authed(h.editPersonForm))
	mux.Handle("POST /persons/{id}/edit", h.authed(h.updatePerson))

	mux.Handle("GET /households/{id}", h.authed(h.household))
	mux.Handle("GET /households/{id}/edit", h.authed(h.editHouseholdForm))
	mux.Handle("POST /households/{id}/edit", h.authed(h.updateHousehold))

	mux.Handle("GET /houses/{id}", h.authed(h.house))
	mux.Handle("GET /organisations/{id}", h.authed(h.organisation))

	// Anything else is a Chinese 404 page rather than the mux's English one.
	// More specific patterns (the API's /api/v1/, /healthz) still win.
	mux.Handle("/", h.recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := h.session(r) // with a session the page keeps its navigation
		if err != nil {
			rq = nil
		}
		h.errorPage(w, r, rq, http.StatusNotFound)
	})))
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

// authed wraps a page that needs a session: without one a GET goes to the
// login form (remembering where it was going) and a POST is refused the
// same way; a POST must also carry the session's CSRF token.
func (h *handler) authed(fn func(http.ResponseWriter, *http.Request, *request)) http.Handler {
	return h.recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := h.session(r)
		if err != nil {
			if !errors.Is(err, accounts.ErrNoSession) {
				h.serverError(w, r, nil, err)
				return
			}
			h.clearCookie(w, sessionCookie)
			next := ""
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, loginURL(next), http.StatusSeeOther)
			return
		}
		// Pages show personal data: keep them out of shared caches and off
		// the disk of a phone that others may pick up.
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				h.errorPage(w, r, rq, http.StatusBadRequest)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), rq.sess.CSRF) {
				h.Log.Warn("csrf token mismatch", "method", r.Method, "path", r.URL.Path, "user", rq.user.ID)
				h.errorPage(w, r, rq, http.StatusForbidden)
				return
			}
		}
		rq.flash = h.takeFlash(w, r)
		fn(w, r, rq)
	}))
}

// session resolves the session cookie into the caller and their scope.
func (h *handler) session(r *http.Request) (*request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, accounts.ErrNoSession
	}
	sess, err := h.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	rq := &request{sess: sess, user: sess.User,
		actor: register.Actor{UserID: sess.User.ID, Name: actorName(sess.User), Source: "web"}}
	if sess.User.OrgID != 0 {
		unit, err := h.Org.Get(r.Context(), sess.User.OrgID)
		if err != nil {
			// A user whose unit vanished sees nothing rather than everything.
			return nil, accounts.ErrNoSession
		}
		rq.home = &unit
		rq.scope = register.Within(unit)
	} else if sess.User.Role != accounts.RoleAdmin {
		return nil, accounts.ErrNoSession
	}
	return rq, nil
}

func actorName(u accounts.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}

// visible reports whether the org unit id lies inside the caller's subtree.
func (h *handler) visible(ctx context.Context, rq *request, id int64) (bool, error) {
	if rq.home == nil {
		return true, nil
	}
	return h.Org.IsWithin(ctx, id, rq.home.ID)
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
