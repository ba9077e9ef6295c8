package adminweb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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

// proxied is the kit and the administrators' pages behind a reverse proxy
// whose addresses are trusted, with a throttle whose waits last an hour, so
// that no answer depends on how fast the test runs.
type proxied struct {
	*server
	db  *database.DB
	aud *audit.Log
}

func newProxied(t *testing.T, db *database.DB, trusted string) *proxied {
	t.Helper()
	newServer(t, db) // its administrator guanli, its cheap hashes
	ctx := context.Background()
	acc, acs := accounts.NewStore(db), access.NewService(db)
	if _, err := acs.AddUser(ctx, acc, &accounts.User{Name: "wangge"}, password,
		access.GrantRequest{Role: "admin", By: "测试"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	aud := audit.New(db, log)
	t.Cleanup(aud.Close)
	th := accounts.NewThrottle()
	th.FirstDelay = time.Hour
	rt := web.NewRoutes()
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: orgtree.NewStore(db), Audit: aud, Log: log, Throttle: th})
	kit.Routes(rt)
	adminweb.Routes(rt, kit, adminweb.Deps{Accounts: acc, Access: acs, Register: register.NewStore(db)})
	proxies, err := web.ParseProxies(trusted)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.TrustProxies(proxies, rt))
	t.Cleanup(srv.Close)
	return &proxied{server: &server{t: t, srv: srv, acc: acc}, db: db, aud: aud}
}

// from is a client whose requests the proxy says come from addr.
func (p *proxied) from(addr string) *client {
	c := p.client()
	c.http.Transport = forwardedFor{addr}
	return c
}

type forwardedFor struct{ addr string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return http.DefaultTransport.RoundTrip(r)
}

// try logs in as name with pw and returns the status.
func (c *client) try(name, pw string) int {
	c.s.t.Helper()
	_, _, page := c.do(http.MethodGet, "/login", nil)
	st, _, _ := c.do(http.MethodPost, "/login", url.Values{"csrf": {csrfOf(c.s.t, page)}, "name": {name}, "password": {pw}})
	return st
}

// TestGuessersDoNotLockOwners: a guesser at one address is held back while
// the account's owner, from another, logs in; an administrator lifts the
// guesser's limits too, and the audit log says who did.
func TestGuessersDoNotLockOwners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		p := newProxied(t, db, "127.0.0.1/32, ::1")
		// Two guessers, four guesses each: more than the five failures
		// that used to lock the account for everyone.
		attacker := p.from("203.0.113.7")
		for _, c := range []*client{attacker, p.from("203.0.113.8")} {
			for i := 0; i < 4; i++ {
				if st := c.try("wangge", fmt.Sprintf("guess-%d-abcdef", i)); st != http.StatusUnauthorized {
					t.Fatalf("guess %d: %d, want 401", i, st)
				}
			}
			if st := c.try("wangge", password); st != http.StatusTooManyRequests {
				t.Errorf("the guesser's next attempt: %d, want 429", st)
			}
		}
		// The owner from their own address is not kept out by the guesser.
		if st := p.from("198.51.100.4").try("wangge", password); st != http.StatusSeeOther {
			t.Errorf("the owner's right password from another address: %d, want 303", st)
		}
		// Nor is any other account from the guesser's address.
		if st := p.from("203.0.113.7").try("guanli", password); st != http.StatusSeeOther {
			t.Errorf("another account from the guesser's address: %d, want 303", st)
		}

		admin := p.from("198.51.100.9")
		admin.login("guanli", password, "/")
		u, err := p.acc.UserByName(context.Background(), "wangge")
		if err != nil {
			t.Fatal(err)
		}
		page := "/admin/users/" + strconv.FormatInt(u.ID, 10)
		_, _, body := admin.do(http.MethodGet, page, nil)
		if !strings.Contains(body, "近期登录失败 8 次") || !strings.Contains(body, page+"/unlock") {
			t.Fatalf("the user's page offers no unlock:\n%s", body)
		}
		if st, loc, _ := admin.do(http.MethodPost, page+"/unlock", url.Values{"csrf": {csrfOf(t, body)}}); st != http.StatusSeeOther || loc != page {
			t.Fatalf("unlock: %d → %q", st, loc)
		}
		if st := attacker.try("wangge", "guess-9-abcdef"); st != http.StatusUnauthorized {
			t.Errorf("after the unlock: %d, want 401", st)
		}
		p.aud.Flush()
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE user_name = 'guanli'
			AND entity = 'user' AND entity_id = $1 AND detail = '解除登录限制' AND addr = '198.51.100.9'`, u.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("the unlock was recorded %d times: %v", n, err)
		}
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'
			AND addr = '203.0.113.7'`).Scan(&n); err != nil || n != 5 {
			t.Errorf("%d failed logins recorded at the guesser's address: %v", n, err)
		}
	})
}

// TestSpoofedForwardedFor: X-Forwarded-For from a peer that is not a
// trusted proxy is ignored, so a guesser cannot dodge the throttle by
// writing a new address into every request.
func TestSpoofedForwardedFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		p := newProxied(t, db, "10.0.0.0/8")
		for i := 0; i < 4; i++ {
			if st := p.from(fmt.Sprintf("192.0.2.%d", i+1)).try("wangge", fmt.Sprintf("guess-%d-abcdef", i)); st != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d, want 401", i, st)
			}
		}
		if st := p.from("192.0.2.99").try("wangge", password); st != http.StatusTooManyRequests {
			t.Errorf("a new X-Forwarded-For from an untrusted peer: %d, want 429", st)
		}
		p.aud.Flush()
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'
			AND addr LIKE '192.0.2.%'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d failed logins recorded at a spoofed address: %v", n, err)
		}
	})
}
