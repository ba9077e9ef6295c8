package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"shequ/internal/database"
)

func TestHeadersAndQueries(t *testing.T) {
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
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, path := range []string{"/login", "/api/v1/stats", "/healthz", "/nowhere"} {
		h := get(path).Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	for path, want := range map[string]int{
		"/search?q=%00":             http.StatusBadRequest,
		"/api/v1/persons?q=%ff%fe":  http.StatusBadRequest,
		"/healthz":                  http.StatusOK,
		"/login?next=%2Fsearch":     http.StatusOK,
		"/api/v1/openapi.json":      http.StatusOK,
		"/api/v1/persons":           http.StatusUnauthorized,
		"/api/v1/no/such/interface": http.StatusNotFound,
	} {
		if got := get(path).StatusCode; got != want {
			t.Errorf("GET %s: %d, want %d", path, got, want)
		}
	}
}

// TestWarnsOfAnUnnamedProxy: requests that come through a reverse proxy
// the deployment did not name are reported once in the log, since every
// client then shares the proxy's address.
func TestWarnsOfAnUnnamedProxy(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var logs lockedLog // the server's goroutines log too
	app := New(db, slog.New(slog.NewTextHandler(&logs, nil)), Config{})
	defer app.Close()
	for range 3 {
		req := httptest.NewRequest("GET", "/login", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		app.Handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	if n := strings.Count(logs.String(), "no trusted proxy is set"); n != 1 {
		t.Errorf("warned %d times:\n%s", n, logs.String())
	}
}

type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
