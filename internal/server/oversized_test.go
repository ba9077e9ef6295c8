package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/testwait"
)

// TestOversizedRequests: a request whose query or headers are too long is
// answered 431 by shequ, not by net/http in plain English — in JSON naming
// the field for the API, as Open311's error list, as the Chinese page
// elsewhere — through the server as `shequ serve` runs it. A query that is
// not text is refused at its parameter; an API route that fails answers
// JSON too.
func TestOversizedRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
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
	app.Routes.Handle("GET /api/v1/test-panic", access.Rule{Public: true}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("a bug")
	}))
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", app.Handler, func(a net.Addr) { addr <- a.String() })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-testwait.Done(t):
		t.Fatal("the server did not start")
	}
	long := strings.Repeat("张", 40000) // 120 KB escaped three times over
	for _, c := range []struct {
		path, header string
		status       int
		field, want  string // for the API: the field and its message; else text of the body
	}{
		{"/api/v1/persons?q=" + long, "", 431, "query", "查询参数过长"},
		{"/api/v1/stats", "X-Padding", 431, "X-Padding", "请求头 X-Padding 过长"},
		{"/api/v1/persons?q=%ff", "", 400, "q", "查询参数 q 包含无效字符"},
		{"/search?q=" + long, "", 431, "", "请求过长"},
		{"/api/v1/test-panic", "", 500, "", `{"error":"服务器内部错误,请稍后再试"}`},
		{"/open311/v2/requests.json?q=" + long, "", 431, "", `"code":431`},
	} {
		req, _ := http.NewRequest("GET", base+c.path, nil)
		if c.header != "" {
			req.Header.Set(c.header, strings.Repeat("x", 100<<10))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%.60s: %d, want %d\n%.300s", c.path, resp.StatusCode, c.status, body)
			continue
		}
		if c.field == "" {
			if !strings.Contains(string(body), c.want) {
				t.Errorf("%.60s: %.300s, want %q", c.path, body, c.want)
			}
			continue
		}
		var out struct {
			Error  string            `json:"error"`
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal(body, &out); err != nil || !strings.Contains(out.Fields[c.field], c.want) || out.Error == "" {
			t.Errorf("%.60s: %.300s, want %q at %s (%v)", c.path, body, c.want, c.field, err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
