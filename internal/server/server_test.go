package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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
