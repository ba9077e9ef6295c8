package web

import (
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// HandlerFunc is a page's handler: it runs after the kit has resolved the
// session, checked the CSRF token and applied the route's rule.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, rq *Request)

// Handle registers a page that needs a session. Without one a GET goes to
// the login form (remembering where it was going) and a POST is refused the
// same way; a POST must carry the session's CSRF token. Then the rule
// decides: a missing permission is the 403 page, a record outside the
// caller's scope the same 404 page as a record that does not exist. Every
// call the rule marks, and every POST, is recorded in the audit log.
func (k *Kit) Handle(rt *Routes, pattern string, rule access.Rule, fn HandlerFunc) {
	k.HandleWithBody(rt, pattern, rule, 64<<10, fn)
}

// HandleWithBody is Handle for forms that may send more than the usual
// 64 KB: multipart forms with photos, up to maxBody bytes (parts beyond
// 8 MB go to temporary files while the request runs).
func (k *Kit) HandleWithBody(rt *Routes, pattern string, rule access.Rule, maxBody int64, fn HandlerFunc) {
	rt.Handle(pattern, rule, k.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := k.Session(r)
		if err != nil {
			if !errors.Is(err, accounts.ErrNoSession) {
				k.ServerError(w, r, nil, err)
				return
			}
			k.ClearCookie(w, sessionCookie)
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				// An expired, ended or forged session.
				k.Audit.Record(audit.Entry{Addr: ClientAddr(r), Action: audit.Denied, Route: pattern,
					Status: http.StatusUnauthorized, Detail: "会话无效或已过期"})
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			// A form sent without a live session is not carried out; the
			// page says why and links to the login form.
			k.ErrorPage(w, r, nil, http.StatusUnauthorized)
			return
		}
		// Pages show personal data: keep them out of shared caches and off
		// the disk of a phone that others may pick up.
		w.Header().Set("Cache-Control", "no-store")
		if rq.User.MustChangePassword && !passwordChangeRoute(pattern) {
			// A password someone else chose or read is replaced before
			// anything else is done with the account.
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/account", http.StatusSeeOther)
				return
			}
			k.ErrorPage(w, r, rq, http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			var err error
			if maxBody > 64<<10 && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(8 << 20)
			} else {
				err = r.ParseForm()
			}
			if err != nil || !CleanForm(r) {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) && maxBody > 64<<10 {
					k.ErrorPage(w, r, rq, http.StatusRequestEntityTooLarge)
					return
				}
				k.ErrorPage(w, r, rq, http.StatusBadRequest)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), rq.Session.CSRF) {
				k.Log.Warn("csrf token mismatch", "method", r.Method, "path", r.URL.Path, "user", rq.User.ID)
				k.record(r, rq, pattern, audit.Denied, http.StatusForbidden, "CSRF 校验失败")
				k.ErrorPage(w, r, rq, http.StatusForbidden)
				return
			}
		}
		if status, err := k.Authorize(r, pattern, rule, rq); status != 0 {
			switch status {
			case http.StatusInternalServerError:
				k.ServerError(w, r, rq, err)
			case http.StatusBadRequest:
				k.ErrorPage(w, r, rq, http.StatusNotFound) // a malformed id names nothing
			default:
				k.ErrorPage(w, r, rq, status)
			}
			return
		}
		rq.Flash = k.takeFlash(w, r)
		sw := &StatusWriter{ResponseWriter: w}
		fn(sw, r, rq)
		// Reveals and exports are recorded by their handlers, before the
		// data goes out; logging out by the logout.
		if action := AuditAction(r, rule); action != "" && action != audit.Reveal && action != audit.Export && pattern != "POST /logout" && !rq.Audit.Nothing {
			k.Record(r, rq, pattern, action, sw.Status)
		}
	})))
}

// Authorize applies a route's rule to a caller, however they proved who
// they are (a session in the pages, an API token in the API): 0 when the
// request may proceed, else the status to answer — 403, 404 for a record
// that does not exist or lies outside the caller's scope (a URL cannot tell
// the two apart), 400 for a malformed id, 500 with the error. A refusal
// of a named record or permission is recorded in the audit log first. It
// notes in rq where the record lies, for the request's audit entry.
func (k *Kit) Authorize(r *http.Request, pattern string, rule access.Rule, rq *Request) (int, error) {
	place, id, err := k.Access.Authorize(r.Context(), rq.Viewer, rule, r.PathValue)
	rq.Place, rq.Audit.Entity, rq.Audit.ID = place, rule.Object, id
	switch {
	case err == nil:
		return 0, nil
	case errors.Is(err, access.ErrForbidden):
		k.record(r, rq, pattern, audit.Denied, http.StatusForbidden, "")
		return http.StatusForbidden, err
	case errors.Is(err, access.ErrBadID):
		return http.StatusBadRequest, err
	case errors.Is(err, access.ErrNotFound):
		if id != 0 {
			k.record(r, rq, pattern, audit.Denied, http.StatusNotFound, "")
		}
		return http.StatusNotFound, err
	}
	return http.StatusInternalServerError, err
}

// AuditAction is what a request is recorded as in the audit log: the
// action its rule names, else a change for any method but GET and HEAD;
// "" when it is not recorded.
func AuditAction(r *http.Request, rule access.Rule) string {
	if rule.Audit == "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return audit.Change
	}
	return rule.Audit
}

// Record adds the audit entry of a request after its handler ran, with the
// status it answered and what the handler noted (rows, detail).
func (k *Kit) Record(r *http.Request, rq *Request, pattern, action string, status int) {
	k.record(r, rq, pattern, action, status, rq.Audit.Detail)
}

// passwordChangeRoute reports whether a user who must change their password
// may use the route: their account page, the change, logging out.
func passwordChangeRoute(pattern string) bool {
	return pattern == "GET /account" || pattern == "POST /account/password" || pattern == "POST /logout"
}

// HandlePublic registers a page anyone may open: the residents' pages.
func (k *Kit) HandlePublic(rt *Routes, pattern string, fn http.HandlerFunc) {
	rt.Handle(pattern, access.Rule{Public: true}, k.Recover(fn))
}

// Recover turns a panic into the 500 page. The panic value may hold personal
// data (a name in a formatted message), so only the stack, which names code,
// is logged.
func (k *Kit) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			k.Log.Error("web panic", "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			k.ErrorPage(w, r, nil, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// CleanForm reports whether every value of a posted form is valid UTF-8
// without NUL characters; no form of ours sends anything else.
func CleanForm(r *http.Request) bool {
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
func (k *Kit) record(r *http.Request, rq *Request, pattern, action string, status int, detail string) {
	k.Audit.Record(audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: ClientAddr(r), Action: action,
		Entity: rq.Audit.Entity, EntityID: rq.Audit.ID, CommunityID: rq.Place.Community, Route: pattern,
		Status: status, Rows: rq.Audit.Rows, Detail: detail})
}

// Session resolves the session cookie into the caller and their viewer; it
// is accounts.ErrNoSession without a live session.
func (k *Kit) Session(r *http.Request) (*Request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, accounts.ErrNoSession
	}
	sess, err := k.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	v, err := k.Access.Viewer(r.Context(), sess.User.ID, sess.User.Name)
	if err != nil {
		return nil, err
	}
	rq := &Request{Session: sess, User: sess.User, Viewer: v, Nav: k.NavFor(v),
		Actor: register.Actor{UserID: sess.User.ID, Name: actorName(sess.User), Source: "web"}}
	if units := v.Scope(access.RegisterRead).Units(); len(units) == 1 {
		unit, err := k.Org.Get(r.Context(), units[0])
		if err != nil && !errors.Is(err, orgtree.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			rq.Home = &unit
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
