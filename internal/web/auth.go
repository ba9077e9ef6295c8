package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/audit"
)

const (
	sessionCookie = "shequ_session"
	// loginCookie holds the login form's CSRF token (double submit): before
	// login there is no session to keep it in, and without it another site
	// could log a browser into an account of its choosing.
	loginCookie = "shequ_login"
	flashCookie = "shequ_flash"
)

type loginData struct {
	Name  string
	Next  string
	Error string
}

func (k *Kit) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := k.Session(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	k.renderLogin(w, r, http.StatusOK, loginData{Next: next})
}

// renderLogin shows the login form with a fresh form token.
func (k *Kit) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	token := randomToken()
	k.SetCookie(w, loginCookie, token, 0)
	w.Header().Set("Cache-Control", "no-store")
	k.own.Render(w, r, status, "login", &Page{Title: "登录", CSRF: token, Data: d})
}

func (k *Kit) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		k.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	d := loginData{Name: strings.TrimSpace(r.PostFormValue("name")), Next: safeNext(r.PostFormValue("next"))}
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		// Most often a form left open past a restart or with cookies off:
		// say so at the form rather than on a bare error page.
		d.Error = "页面已过期或浏览器禁用了 Cookie,请重新输入后登录。"
		k.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	addr := ClientAddr(r)
	if err := k.Throttle.Check(d.Name, addr); err != nil {
		k.Audit.Record(audit.Entry{UserName: Truncate(d.Name, 60), Addr: addr, Action: audit.LoginLocked, Route: "POST /login",
			Status: http.StatusTooManyRequests})
		d.Error = err.Error()
		k.renderLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	u, err := k.Accounts.Authenticate(r.Context(), d.Name, r.PostFormValue("password"))
	if errors.Is(err, accounts.ErrBadLogin) {
		k.Throttle.Failed(d.Name, addr)
		k.Log.Debug("login failed", "path", r.URL.Path)
		k.Audit.Record(audit.Entry{UserName: Truncate(d.Name, 60), Addr: addr, Action: audit.LoginFailed, Route: "POST /login",
			Status: http.StatusUnauthorized})
		d.Error = accounts.ErrBadLogin.Error()
		k.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		k.ServerError(w, r, nil, err)
		return
	}
	k.Throttle.Succeeded(d.Name, addr)
	// An old session in this browser ends: each login gets a fresh token.
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		k.Accounts.EndSession(r.Context(), old.Value)
	}
	sess, err := k.Accounts.StartSession(r.Context(), u)
	if err != nil {
		k.ServerError(w, r, nil, err)
		return
	}
	k.Log.Debug("login", "user", u.ID)
	k.Audit.Record(audit.Entry{UserID: u.ID, UserName: u.Name, Addr: addr, Action: audit.Login, Route: "POST /login",
		Status: http.StatusSeeOther})
	k.SetCookie(w, sessionCookie, sess.Token, 0)
	k.ClearCookie(w, loginCookie)
	if u.MustChangePassword {
		// A password someone else chose or read (an administrator, an
		// account import) is replaced before anything else; the account
		// page says why.
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (k *Kit) logout(w http.ResponseWriter, r *http.Request, rq *Request) {
	if err := k.Accounts.EndSession(r.Context(), rq.Session.Token); err != nil {
		k.ServerError(w, r, rq, err)
		return
	}
	k.Log.Debug("logout", "user", rq.User.ID)
	k.Audit.Record(audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: ClientAddr(r), Action: audit.Logout,
		Route: "POST /logout", Status: http.StatusSeeOther})
	k.ClearCookie(w, sessionCookie)
	// What the browser kept of the register for working offline (the
	// visit pages' package, their queue, their service worker) leaves the
	// phone with the worker: a shared or lost phone holds no one's data.
	// The visit pages warn before this when visits are still unsynced.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login destination only if it is a path on this site:
// "//evil.example" and "/\evil.example" are other sites to a browser.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "/login") {
		return "/"
	}
	return next
}

func loginURL(next string) string {
	if next == "" || next == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}

// sameToken compares a submitted token with the expected one in constant time.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SetCookie sets an HttpOnly, SameSite=Lax cookie on the whole site; maxAge
// 0 makes it last as long as the browser session (the server enforces the
// session's own lifetime).
func (k *Kit) SetCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: k.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (k *Kit) ClearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		HttpOnly: true, Secure: k.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// SetFlash shows the message of key (given with AddFlashes) on the page
// the browser is redirected to. Flash messages survive one redirect in a
// cookie holding a key, never the text itself, so nothing a URL or another
// site sets is shown as a message.
func (k *Kit) SetFlash(w http.ResponseWriter, key string) {
	if _, ok := k.flashes[key]; !ok {
		panic("web: no flash message " + key)
	}
	k.SetCookie(w, flashCookie, key, 60)
}

// takeFlash reads and clears the flash message of this request.
func (k *Kit) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	k.ClearCookie(w, flashCookie)
	return k.flashes[c.Value]
}

// SessionEnded sends the browser to the login form after a change that
// ended every session of its user (a new password), this one too.
func (k *Kit) SessionEnded(w http.ResponseWriter, r *http.Request) {
	k.ClearCookie(w, sessionCookie)
	// What the browser kept of the register for working offline (the
	// visit pages' package, their queue, their service worker) leaves the
	// phone with the worker: a shared or lost phone holds no one's data.
	// The visit pages warn before this when visits are still unsynced.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
