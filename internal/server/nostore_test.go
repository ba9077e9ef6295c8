package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
)

// TestAuthenticatedAnswersAreNotStored walks the route table: every route
// behind a login or an API token — pages, JSON, exports, PDFs — answers
// with Cache-Control: no-store, whatever its status, so that personal data
// stays out of shared caches and off the disks of shared phones.
func TestAuthenticatedAnswersAreNotStored(t *testing.T) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	app := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	defer app.Close()
	srv := httptest.NewServer(app.Handler)
	defer srv.Close()
	acc := accounts.NewStore(db)
	const pw = "walk-the-routes-7"
	if _, err := app.Access.AddUser(ctx, acc, &accounts.User{Name: "boss"}, pw, access.GrantRequest{Role: "admin", By: "测试"}); err != nil {
		t.Fatal(err)
	}
	token, _, err := acc.CreateToken(ctx, "boss", "测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	resp, err = browser.PostForm(srv.URL+"/login", url.Values{"csrf": {string(csrf[1])}, "name": {"boss"}, "password": {pw}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()

	param := regexp.MustCompile(`\{[^}]+\}`)
	walked := 0
	for _, rt := range app.Routes.List() {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if rt.Rule.Public || !ok {
			continue
		}
		path = param.ReplaceAllString(path, "1")
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: %d with Cache-Control %q, want no-store", rt.Pattern, resp.StatusCode, got)
		}
		walked++
	}
	if walked < 100 {
		t.Errorf("walked only %d routes", walked)
	}
}
