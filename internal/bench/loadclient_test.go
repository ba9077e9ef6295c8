package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoadClient(t *testing.T) {
	big := strings.Repeat("社区", 5000) // over net/http's buffer: sent in chunks
	mux := http.NewServeMux()
	mux.HandleFunc("GET /small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) })
	mux.HandleFunc("GET /missing", http.NotFound)
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, r.Header.Get("Authorization")+" "+string(b))
	})
	mux.HandleFunc("GET /close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c := newLoadClient(strings.TrimPrefix(srv.URL, "http://"))
	defer c.close()
	tests := []struct {
		method, path string
		headers      []string
		body         string
		status       int
		want         string
	}{
		{"GET", "/small", nil, "", 200, "ok"},
		{"GET", "/big", nil, "", 200, big},
		{"GET", "/missing", nil, "", 404, "404 page not found\n"},
		{"POST", "/echo", []string{"Authorization: Bearer t"}, `{"a":1}`, 201, `Bearer t {"a":1}`},
		{"GET", "/close", nil, "", 200, "bye"},
		{"GET", "/small", nil, "", 200, "ok"}, // on a new connection
		{"GET", "/big", nil, "", 200, big},    // again, on the same one
	}
	for _, tt := range tests {
		var body []byte
		if tt.body != "" {
			body = []byte(tt.body)
		}
		status, got, err := c.do(tt.method, tt.path, tt.headers, body)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		if status != tt.status || string(got) != tt.want {
			t.Errorf("%s %s = %d %.40q, want %d %.40q", tt.method, tt.path, status, got, tt.status, tt.want)
		}
	}
}
