package adminweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"shequ/internal/access"
	"shequ/internal/access/adminweb"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const password = "correct-horse-42"

var costOnce sync.Once

type server struct {
	t   *testing.T
	srv *httptest.Server
	acc *accounts.Store
}

// newServer is the kit and the administrators' pages over one community,
// with an administrator whose password is their own.
func newServer(t *testing.T, db *database.DB) *server {
	t.Helper()
	costOnce.Do(func() { accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1}) })
	ctx := context.Background()
	org := orgtree.NewStore(db)
	community := orgtree.Unit{Level: orgtree.LevelCommunity, Name: "城北社区"}
	if err := org.Create(ctx, db, &community); err != nil {
		t.Fatal(err)
	}
	acc, acs := accounts.NewStore(db), access.NewService(db)
	if _, err := acs.AddUser(ctx, acc, &accounts.User{Name: "guanli"}, password,
		access.GrantRequest{Role: "admin", By: "测试"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	aud := audit.New(db, log)
	t.Cleanup(aud.Close)
	rt := web.NewRoutes()
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: aud, Log: log})
	kit.Routes(rt)
	adminweb.Routes(rt, kit, adminweb.Deps{Accounts: acc, Access: acs, Register: register.NewStore(db)})
	s := &server{t: t, srv: httptest.NewServer(rt), acc: acc}
	t.Cleanup(s.srv.Close)
	return s
}

type client struct {
	s    *server
	http *http.Client
}

func (s *server) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{s: s, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (int, string, string) {
	c.s.t.Helper()
	req, _ := http.NewRequest(method, c.s.srv.URL+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
}

// login logs in asking for next and returns where the login sends the browser.
func (c *client) login(name, pw, next string) string {
	c.s.t.Helper()
	_, _, page := c.do(http.MethodGet, "/login?next="+url.QueryEscape(next), nil)
	st, loc, body := c.do(http.MethodPost, "/login", url.Values{"csrf": {csrfOf(c.s.t, page)}, "name": {name},
		"password": {pw}, "next": {next}})
	if st != http.StatusSeeOther {
		c.s.t.Fatalf("login %s: status %d\n%s", name, st, body)
	}
	return loc
}

// TestFirstLoginChangesPassword: an account an administrator made logs in
// to its account page, told to change the password, at every login until
// it has; then logins go where they were asked to.
func TestFirstLoginChangesPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newServer(t, db)
		admin := s.client()
		if loc := admin.login("guanli", password, "/admin/users"); loc != "/admin/users" {
			t.Fatalf("an account with its own password goes where it asked, not %q", loc)
		}
		_, _, page := admin.do(http.MethodGet, "/admin/users/new", nil)
		st, _, body := admin.do(http.MethodPost, "/admin/users/new", url.Values{"csrf": {csrfOf(t, page)},
			"name": {"wangge"}, "display_name": {"王网格"}, "password": {"initial-pass-1"}, "role": {"admin"}})
		if st != http.StatusSeeOther {
			t.Fatalf("create an account: %d\n%s", st, body)
		}
		if u, err := s.acc.UserByName(context.Background(), "wangge"); err != nil || !u.MustChangePassword {
			t.Fatalf("an account made on the accounts page must change its password: %+v %v", u, err)
		}

		for range 2 {
			c := s.client()
			if loc := c.login("wangge", "initial-pass-1", "/admin/users"); loc != "/account" {
				t.Fatalf("the first login goes to %q, want /account", loc)
			}
			st, _, body := c.do(http.MethodGet, "/account", nil)
			if st != http.StatusOK || !strings.Contains(body, `id="must-change"`) || !strings.Contains(body, "请先修改密码") {
				t.Fatalf("the account page says nothing of the password to change: %d\n%s", st, body)
			}
		}
		c := s.client()
		c.login("wangge", "initial-pass-1", "/admin/users")
		// Until the password is changed no other page opens: a GET goes
		// back to the account page, a form is refused.
		if st, loc, _ := c.do(http.MethodGet, "/admin/users", nil); st != http.StatusSeeOther || loc != "/account" {
			t.Errorf("another page before the change: %d → %q, want 303 → /account", st, loc)
		}
		_, _, page = c.do(http.MethodGet, "/account", nil)
		if st, _, _ := c.do(http.MethodPost, "/admin/users/new", url.Values{"csrf": {csrfOf(t, page)},
			"name": {"sneaky"}, "password": {"initial-pass-9"}, "role": {"admin"}}); st != http.StatusForbidden {
			t.Errorf("a form before the change: %d, want 403", st)
		}
		st, loc, body := c.do(http.MethodPost, "/account/password", url.Values{"csrf": {csrfOf(t, page)},
			"old_password": {"initial-pass-1"}, "password": {"my-own-pass-2"}, "password2": {"my-own-pass-2"}})
		if st != http.StatusSeeOther || loc != "/login" {
			t.Fatalf("change the password: %d → %q\n%s", st, loc, body)
		}
		c = s.client()
		if loc := c.login("wangge", "my-own-pass-2", "/admin/users"); loc != "/admin/users" {
			t.Errorf("after the change the login goes to %q, want /admin/users", loc)
		}
		if _, _, body := c.do(http.MethodGet, "/account", nil); strings.Contains(body, `id="must-change"`) {
			t.Error("the account page still asks for a change")
		}

		// A password an administrator resets is theirs again, to be changed.
		u, _ := s.acc.UserByName(context.Background(), "wangge")
		_, _, page = admin.do(http.MethodGet, "/admin/users", nil)
		if st, _, body := admin.do(http.MethodPost, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/password",
			url.Values{"csrf": {csrfOf(t, page)}, "password": {"reset-pass-3x"}}); st != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", st, body)
		}
		if loc := s.client().login("wangge", "reset-pass-3x", "/admin/users"); loc != "/account" {
			t.Errorf("after a reset the login goes to %q, want /account", loc)
		}
	})
}
