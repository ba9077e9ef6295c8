package access

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// injections are what attackers and careless pastes put into search boxes.
var injections = []string{
	`' OR '1'='1`,
	`'; DROP TABLE persons; --`,
	`" OR ""="`,
	`韩%' AND 1=1 --`,
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`\u0000`, "nul\x00byte", "\xff\xfe invalid utf-8",
	`韩" OR "1"="1`, `*`, `NEAR(韩 梅)`, `{"$gt": ""}`, `%_%`, strings.Repeat("韩", 5000),
	`1 UNION SELECT id_number FROM persons`,
}

// TestBadInput sends what a hostile or confused client sends and expects a
// clean 4xx (or an empty result), never a 500, with an audit entry where
// one is due.
func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var admin, gw *agent
		for _, r := range roles {
			switch r.Code {
			case "admin":
				admin = w.newAgent(t, r)
			case "grid_worker":
				gw = w.newAgent(t, r)
			}
		}
		count := func(action string) int {
			t.Helper()
			w.app.Audit.Flush()
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("search boxes", func(t *testing.T) {
			searches := count("search")
			for _, q := range injections {
				for _, path := range []string{"/search?tab=persons&q=", "/search?tab=households&q=", "/search?tab=organisations&q=",
					"/audit?user=", "/audit?from="} {
					r := admin.get(path + url.QueryEscape(q))
					if r.status >= 500 || r.status < 200 {
						t.Errorf("GET %s%.40q: %d", path, q, r.status)
					}
					if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
						t.Errorf("GET %s%.40q: the page carries the input unescaped", path, q)
					}
				}
				for _, path := range []string{"/api/v1/persons?q=", "/api/v1/households?q=", "/api/v1/organisations?q=",
					"/api/v1/stats?org=", "/api/v1/changes?since=", "/api/v1/asof?date="} {
					r := gw.api("GET", path+url.QueryEscape(q), "")
					if r.status >= 500 || !isJSON(r.body) {
						t.Errorf("GET %s%.40q: %d %.200s", path, q, r.status, r.body)
					}
				}
			}
			if count("search") <= searches {
				t.Error("searches were not recorded in the audit log")
			}
			// The injections found nothing they should not have: the
			// grid worker's search for everything still sees one person.
			r := gw.api("GET", "/api/v1/persons?q="+url.QueryEscape(`' OR '1'='1`), "")
			if strings.Contains(r.body, w.outP.Name) || strings.Contains(r.body, w.nearP.Name) {
				t.Error("an injected search reached other grids")
			}
		})

		t.Run("paths", func(t *testing.T) {
			for _, p := range []string{"/persons/1%20OR%201=1", "/persons/-5", "/persons/99999999999999999999999",
				"/households/abc", "/org/0", "/persons/" + url.PathEscape("<script>")} {
				if r := admin.get(p); r.status != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404", p, r.status)
				}
			}
			for _, p := range []string{"/api/v1/persons/1%20OR%201=1", "/api/v1/persons/-5", "/api/v1/households/abc"} {
				if r := admin.api("GET", p, ""); r.status != http.StatusBadRequest || !isJSON(r.body) {
					t.Errorf("GET %s: %d, want 400", p, r.status)
				}
			}
			for _, body := range []string{`{`, `[]`, `{"name": {"$ne": 1}}`, `{"version": "1"}`, strings.Repeat(`{"a":`, 10000),
				`{"name":"` + strings.Repeat("韩", 1<<19) + `","version":1}`} {
				r := admin.api("PUT", fmt.Sprintf("/api/v1/persons/%d", w.objects[in]["person"]), body)
				if r.status < 400 || r.status >= 500 || !isJSON(r.body) {
					t.Errorf("PUT %.30q: %d", body, r.status)
				}
			}
		})

		t.Run("forms", func(t *testing.T) {
			for _, v := range []string{"nul\x00byte", "\xff\xfe", strings.Repeat("韩", 20000)} {
				for _, path := range []string{fmt.Sprintf("/persons/%d/edit", w.objects[in]["person"]), "/admin/users/new",
					fmt.Sprintf("/admin/users/%d/grants", admin.user.ID), "/admin/roles/new", "/account/password",
					"/reports/templates/new", fmt.Sprintf("/reports/templates/%d/sections", w.objects[in]["report_sample"])} {
					r := admin.postForm(path, url.Values{"csrf": {admin.csrf}, "name": {v}, "display_name": {v}, "units": {v},
						"role": {v}, "code": {v}, "note": {v}, "password": {v}, "old_password": {v}})
					if r.status < 400 || r.status >= 500 {
						t.Errorf("POST %s with %.20q: %d", path, v, r.status)
					}
				}
			}
		})

		t.Run("tampered session", func(t *testing.T) {
			u, _ := url.Parse(w.srv.URL)
			fresh := w.newAgent(t, roleOf(t, roles, "community_staff"))
			for _, v := range []string{"x", strings.Repeat("A", 5000), "../../etc/passwd", "' OR 1=1"} {
				fresh.http.Jar.SetCookies(u, []*http.Cookie{{Name: "shequ_session", Value: v}})
				if r := fresh.get("/persons/" + fmt.Sprint(w.objects[in]["person"])); r.status != http.StatusSeeOther ||
					!strings.HasPrefix(r.header.Get("Location"), "/login") {
					t.Errorf("tampered cookie %.20q: %d %s, want a redirect to the login form", v, r.status, r.header.Get("Location"))
				}
				if r := fresh.postForm(fmt.Sprintf("/persons/%d/edit", w.objects[in]["person"]),
					url.Values{"csrf": {fresh.csrf}, "name": {"改名"}}); r.status != http.StatusUnauthorized {
					t.Errorf("POST with a tampered cookie: %d, want 401", r.status)
				}
			}
			var name string
			db.QueryRow(`SELECT name FROM persons WHERE id = $1`, w.objects[in]["person"]).Scan(&name)
			if name != w.inP.Name {
				t.Error("a POST with a tampered session changed the register")
			}
		})

		t.Run("expired form token", func(t *testing.T) {
			denied := count("denied")
			r := gw.postForm(fmt.Sprintf("/persons/%d/edit", w.objects[in]["person"]),
				url.Values{"csrf": {"expired-token"}, "name": {"改名"}})
			if r.status != http.StatusForbidden {
				t.Errorf("stale CSRF token: %d, want 403", r.status)
			}
			if count("denied") != denied+1 {
				t.Error("the refused form was not recorded")
			}
			// The login form's own token.
			anon := w.anonymous(t)
			if r := anon.postForm("/login", url.Values{"csrf": {"x"}, "name": {"u_admin"}, "password": {password}}); r.status != http.StatusForbidden {
				t.Errorf("login without its form token: %d", r.status)
			}
		})

		t.Run("passwords", func(t *testing.T) {
			anon := w.anonymous(t)
			page := anon.get("/login")
			tok := csrfField.FindStringSubmatch(page.body)[1]
			failed := count("login_failed")
			if r := anon.postForm("/login", url.Values{"csrf": {tok}, "name": {"u_admin"}, "password": {strings.Repeat("x", 300)}}); r.status != http.StatusUnauthorized {
				t.Errorf("300-character password: %d, want 401", r.status)
			}
			if count("login_failed") != failed+1 {
				t.Error("the failed login was not recorded")
			}
			if r := anon.postForm("/login", url.Values{"csrf": {tok}, "name": {"u_admin"}, "password": {strings.Repeat("x", 1<<20)}}); r.status != http.StatusBadRequest {
				t.Errorf("megabyte password: %d, want 400", r.status)
			}
			// Guessing from one address is held back: after a few failures
			// each attempt of the account from there waits, longer each time
			// (the owner, from another address, is not held back).
			victim := w.newAgent(t, roleOf(t, roles, "building_head"))
			try := func(pw string) answer {
				// Each answer carries the login form afresh, with a new token.
				tok := csrfField.FindStringSubmatch(anon.get("/login").body)[1]
				return anon.postForm("/login", url.Values{"csrf": {tok}, "name": {victim.user.Name}, "password": {pw}})
			}
			held := false
			for i := 0; i < 10 && !held; i++ {
				switch r := try(fmt.Sprintf("guess-%d-abc", i)); r.status {
				case http.StatusUnauthorized:
				case http.StatusTooManyRequests:
					held = strings.Contains(r.body, "后再试")
				default:
					t.Fatalf("guess %d: %d", i, r.status)
				}
			}
			if !held {
				t.Error("ten guesses from one address were not held back")
			}
			if count("login_locked") == 0 {
				t.Error("the locked attempt was not recorded")
			}
		})

		t.Run("revoked and disabled", func(t *testing.T) {
			acc := accounts.NewStore(db)
			a := w.newAgent(t, roleOf(t, roles, "dept_civil"))
			refused := count("token_refused")
			if err := acc.SetDisabled(ctx, a.user.Name, true); err != nil {
				t.Fatal(err)
			}
			if r := a.api("GET", "/api/v1/stats", ""); r.status != http.StatusUnauthorized || !isJSON(r.body) {
				t.Errorf("token of a disabled user: %d", r.status)
			}
			if count("token_refused") != refused+1 {
				t.Error("the refused token was not recorded")
			}
			if r := a.get("/"); r.status != http.StatusSeeOther {
				t.Errorf("session of a disabled user: %d", r.status)
			}
			acc.SetDisabled(ctx, a.user.Name, false)
			b := w.newAgent(t, roleOf(t, roles, "dept_police"))
			toks, _ := acc.Tokens(ctx, b.user.Name)
			if err := acc.RevokeToken(ctx, toks[0].Prefix); err != nil {
				t.Fatal(err)
			}
			if r := b.api("GET", "/api/v1/stats", ""); r.status != http.StatusUnauthorized {
				t.Errorf("revoked token: %d", r.status)
			}
			// A grant revoked while a session is open takes effect at once.
			gs, _ := w.app.Access.Grants(ctx, b.user.ID)
			if err := w.app.Access.RevokeGrant(ctx, gs[0].ID); err != nil {
				t.Fatal(err)
			}
			if r := b.get(fmt.Sprintf("/persons/%d", w.objects[in]["person"])); r.status != http.StatusForbidden {
				t.Errorf("page after the grant was revoked: %d, want 403", r.status)
			}
		})
	})
}

func roleOf(t *testing.T, roles []access.Role, code string) access.Role {
	t.Helper()
	for _, r := range roles {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no role %s", code)
	return access.Role{}
}

// anonymous is a browser without an account.
func (w *world) anonymous(t *testing.T) *agent {
	jar, _ := cookiejar.New(nil)
	a := &agent{t: t, w: w}
	a.http = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a
}
