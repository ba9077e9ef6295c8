package access

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
)

const password = "matrix-password-1"

// agent is one user of the world: a browser session and an API token.
type agent struct {
	t     *testing.T
	w     *world
	user  accounts.User
	role  access.Role
	http  *http.Client
	csrf  string
	token string
}

// newAgent makes a user holding role at the place the world gives that
// kind of role, logs it in and gives it an API token.
func (w *world) newAgent(t *testing.T, role access.Role) *agent {
	t.Helper()
	ctx := context.Background()
	a := &agent{t: t, w: w, role: role}
	u := &accounts.User{Name: "u_" + role.Code}
	if err := accounts.NewStore(w.db).AddUser(ctx, nil, u, password); err != nil {
		t.Fatal(err)
	}
	units := w.unitsForPlace[role.Place]
	if err := w.app.Access.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role.Code, Units: units}); err != nil {
		t.Fatalf("grant %s at %v: %v", role.Code, units, err)
	}
	a.user = *u
	jar, _ := cookiejar.New(nil)
	a.http = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	a.login()
	secret, _, err := accounts.NewStore(w.db).CreateToken(ctx, u.Name, "matrix", 0)
	if err != nil {
		t.Fatal(err)
	}
	a.token = secret
	return a
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (a *agent) login() {
	a.t.Helper()
	page := a.get("/login")
	m := csrfField.FindStringSubmatch(page.body)
	if m == nil {
		a.t.Fatalf("login form without a token: %d", page.status)
	}
	r := a.postForm("/login", url.Values{"csrf": {m[1]}, "name": {a.user.Name}, "password": {password}})
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("login %s: %d", a.user.Name, r.status)
	}
	home := a.get("/")
	if m := csrfField.FindStringSubmatch(home.body); m != nil {
		a.csrf = m[1]
	} else {
		a.t.Fatalf("home page of %s has no form token (status %d)", a.user.Name, home.status)
	}
}

type answer struct {
	status int
	body   string
	header http.Header
}

func (a *agent) do(req *http.Request) answer {
	a.t.Helper()
	resp, err := a.http.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), header: resp.Header}
}

func (a *agent) get(path string) answer {
	req, _ := http.NewRequest(http.MethodGet, a.w.srv.URL+path, nil)
	return a.do(req)
}

func (a *agent) postForm(path string, form url.Values) answer {
	req, _ := http.NewRequest(http.MethodPost, a.w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// api calls the JSON API with the agent's token.
func (a *agent) api(method, path, body string) answer {
	req, _ := http.NewRequest(method, a.w.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.do(req)
}

// deniedCount counts the audit log's refusals of a user on a route.
func (w *world) deniedCount(t *testing.T, user int64, route string) int {
	t.Helper()
	w.app.Audit.Flush()
	var n int
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE user_id = $1 AND route = $2 AND action = 'denied'`,
		user, route).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func isJSON(s string) bool {
	var v any
	return json.Unmarshal([]byte(s), &v) == nil
}
