package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database/dbtest"
	"shequ/internal/testdb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// fixture is the kit with none of a capability's pages: only notePages, behind
// the kit's login, and an administrator to log in as.
type fixture struct {
	acc *accounts.Store
	srv *webtest.Server
}

func newFixture(t *testing.T, secure bool) *fixture {
	t.Helper()
	db := dbtest.Open(t, testdb.Engine{Name: "sqlite", DSN: testdb.SQLiteDSN})
	k, rt := webtest.Kit(t, db, web.Config{SecureCookies: secure})
	webtest.AddUser(t, k, "admin", "系统管理员", "admin")
	notePages(rt, k)
	return &fixture{acc: k.Accounts, srv: webtest.Serve(t, rt)}
}

// notePages are pages for the kit's tests, which need pages behind a login
// but none of a capability's: a home page and a note that name the user, and
// a form that changes nothing.
func notePages(rt *web.Routes, k *web.Kit) {
	tmpl := k.Templates(fstest.MapFS{"templates/note.html": {Data: []byte(
		`{{define "content"}}<h1>{{.Title}}</h1><p class="note">{{.Data}}</p>{{end}}`)}}, nil)
	show := func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
		tmpl.Render(w, r, http.StatusOK, "note", web.NewPage(rq, "首页", "home", "您好,"+rq.User.DisplayName))
	}
	login := access.Rule{Login: true}
	k.Handle(rt, "GET /{$}", login, show)
	k.Handle(rt, "GET /notes/{id}", login, show)
	k.Handle(rt, "POST /notes/{id}/edit", login, func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
		http.Redirect(w, r, "/notes/"+r.PathValue("id"), http.StatusSeeOther)
	})
}

// note is a page behind the login.
const note = "/notes/7"

func TestLogin(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.srv.Client()

	// Without a session a page sends the browser to the login form,
	// remembering where it was going.
	r := c.Get(note + "?x=1")
	if r.Status != http.StatusSeeOther || r.Location() != "/login?next="+url.QueryEscape(note+"?x=1") {
		t.Fatalf("unauthenticated GET: %d %s", r.Status, r.Location())
	}
	page := c.Get(r.Location())
	webtest.Contains(t, "login form", page.Body, `name="next" value="`+note+`?x=1"`, "用户名", "密码",
		`autocomplete="current-password"`)
	token := webtest.CSRFOf(t, page.Body)

	// Wrong password: the message at the form, the name kept.
	r = c.Post("/login", url.Values{"csrf": {token}, "name": {"admin"}, "password": {"wrong-password-1"}, "next": {"/"}})
	if r.Status != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d", r.Status)
	}
	webtest.Contains(t, "wrong password", r.Body, "用户名或密码错误", `value="admin"`)
	r = c.Post("/login", url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "name": {"nobody"}, "password": {webtest.Password}})
	webtest.Contains(t, "unknown user", r.Body, "用户名或密码错误")

	// Missing or wrong form token: refused.
	r = c.Post("/login", url.Values{"name": {"admin"}, "password": {webtest.Password}})
	if r.Status != http.StatusForbidden {
		t.Errorf("login without csrf: %d", r.Status)
	}
	r = c.Post("/login", url.Values{"csrf": {"forged"}, "name": {"admin"}, "password": {webtest.Password}})
	if r.Status != http.StatusForbidden {
		t.Errorf("login with a forged csrf: %d", r.Status)
	}
	// A token from another browser is no good either.
	other := fx.srv.Client()
	r = c.Post("/login", url.Values{"csrf": {webtest.CSRFOf(t, other.Get("/login").Body)}, "name": {"admin"}, "password": {webtest.Password}})
	if r.Status != http.StatusForbidden {
		t.Errorf("login with another browser's csrf: %d", r.Status)
	}

	// Success goes where the user was going, with a proper cookie.
	page = c.Get("/login?next=" + url.QueryEscape(note))
	r = c.Post("/login", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "name": {"admin"}, "password": {webtest.Password},
		"next": {note}})
	if r.Status != http.StatusSeeOther || r.Location() != note {
		t.Fatalf("login: %d → %s", r.Status, r.Location())
	}
	first := sessionSetCookie(t, r.Header)
	if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Path != "/" || first.Secure {
		t.Errorf("session cookie attributes: %+v", first)
	}
	if r := c.Get(note); r.Status != http.StatusOK || !strings.Contains(r.Body, "您好,系统管理员") {
		t.Errorf("after login: %d", r.Status)
	}
	// Logging in again gives a fresh session token; the old one is over.
	page = c.Get("/login")
	if page.Status != http.StatusSeeOther {
		t.Errorf("GET /login with a session should go home, got %d", page.Status)
	}
	fresh := fx.srv.Client()
	page = fresh.Get("/login")
	r = fresh.Post("/login", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "name": {"admin"}, "password": {webtest.Password}})
	second := sessionSetCookie(t, r.Header)
	if second.Value == first.Value {
		t.Error("a second login reused the session token")
	}

	// Only local paths are followed after login.
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		b := fx.srv.Client()
		page := b.Get("/login?next=" + url.QueryEscape(next))
		r := b.Post("/login", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "name": {"admin"}, "password": {webtest.Password}, "next": {next}})
		if r.Location() != "/" {
			t.Errorf("next=%s redirected to %s", next, r.Location())
		}
	}

	// Logout needs the token, ends the session and clears the cookie.
	csrf := webtest.CSRFOf(t, c.Get("/").Body)
	if r := c.Post("/logout", url.Values{}); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "无法完成操作") {
		t.Errorf("logout without csrf: %d", r.Status)
	}
	r = c.Post("/logout", url.Values{"csrf": {csrf}})
	if r.Status != http.StatusSeeOther || r.Location() != "/login" {
		t.Errorf("logout: %d %s", r.Status, r.Location())
	}
	if got := r.Header.Get("Clear-Site-Data"); got != `"cache", "storage"` {
		t.Errorf("logout leaves the browser's offline copies: Clear-Site-Data %q", got)
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther || r.Location() != "/login" {
		t.Errorf("after logout: %d %s", r.Status, r.Location())
	}
	// The old token itself is dead, not just forgotten by the browser.
	if _, err := fx.acc.Session(context.Background(), first.Value); err == nil {
		t.Error("the session survived logout")
	}
	// A POST without a session is refused with a link to the login
	// form, and never runs.
	anon := fx.srv.Client()
	r = anon.Post(note+"/edit", url.Values{"name": {"X"}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `href="/login"`) {
		t.Errorf("anonymous POST: %d %s", r.Status, r.Location())
	}
	// Static files need no session.
	if r := anon.Get(web.StylesheetURL()); r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := anon.Get("/static/../web.go"); r.Status == http.StatusOK {
		t.Error("static served a file outside static/")
	}
}

func sessionSetCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == web.SessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", h["Set-Cookie"])
	return nil
}

func TestSecureCookies(t *testing.T) {
	fx := newFixture(t, true)
	c := fx.srv.Client()
	page := c.Get("/login")
	for _, ck := range (&http.Response{Header: page.Header}).Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s without Secure", ck.Name)
		}
	}
	// The cookie jar will not send Secure cookies over http://, so post the
	// login cookie by hand.
	token := webtest.CSRFOf(t, page.Body)
	req, _ := http.NewRequest(http.MethodPost, fx.srv.URL()+"/login",
		strings.NewReader(url.Values{"csrf": {token}, "name": {"admin"}, "password": {webtest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: web.LoginCookie, Value: token})
	r := c.Do(req)
	if s := sessionSetCookie(t, r.Header); !s.Secure || !s.HttpOnly {
		t.Errorf("session cookie: %+v", s)
	}
}

func TestPanicRecovered(t *testing.T) {
	logs := webtest.NewLog(t)
	k := web.NewKit(web.Config{Log: logs.Logger()})
	srv := httptest.NewServer(k.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("person 李建国 610624196803091312 13909110001")
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/persons/1?q=610624196803091312")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(b), "服务器出错了") {
		t.Errorf("panic: %d\n%s", resp.StatusCode, b)
	}
	webtest.Lacks(t, "500 page", string(b), "李建国", "goroutine", ".go:")
	l := logs.String()
	webtest.Contains(t, "panic log", l, "web panic", "/persons/1")
	webtest.Lacks(t, "panic log", l, "李建国", "610624196803091312", "13909110001", "q=")
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/search?q=1": "/search?q=1", "//x": "/", "http://x/": "/", "/\\x": "/",
		"/login?next=/": "/", "x": "/"} {
		if got := web.SafeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
