package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// The reference of an HTTP figure is the least a Go server can do for the
// same request: net/http reads it whole and answers with a fixed response
// of the real one's status, type and size. What the ratio then measures is
// what shequ adds to that — routing, checks, the database, the page — and
// not the machine, the client or the loopback, which weigh on both alike.

// ReferencePage is the fixed response of a reference server.
type ReferencePage struct {
	Status      int    // the real response's, 201 for a created event
	ContentType string // "application/json" or "text/html; charset=utf-8"
	Size        int    // bytes of body, the real response's
}

// referenceHandler answers every request with p's response, after reading
// its body as a real handler would; /healthz answers 200, for the child's
// start-up check.
func referenceHandler(p ReferencePage) http.Handler {
	body := referenceBody(p)
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", p.ContentType)
		h.Set("Content-Length", length)
		w.WriteHeader(p.Status)
		w.Write(body)
	})
}

// referenceBody is a body of exactly p.Size bytes (or the least of its
// kind, when that is more) in p's content type.
func referenceBody(p ReferencePage) []byte {
	head, tail := "<!doctype html><title>reference</title><p>", "</p>\n"
	if strings.HasPrefix(p.ContentType, "application/json") {
		head, tail = `{"pad":"`, `"}`
	}
	pad := max(p.Size-len(head)-len(tail), 0)
	return []byte(head + strings.Repeat("x", pad) + tail)
}

// ServeReference serves p on ln until ctx ends: the hidden `shequ bench
// reference` subcommand, run as a process of its own beside `shequ serve`
// so that the two are measured alike.
func ServeReference(ctx context.Context, ln net.Listener, p ReferencePage) error {
	srv := &http.Server{Handler: referenceHandler(p)}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startReference runs the reference server for p as a child process of
// bin, as startServer runs `shequ serve`.
func startReference(ctx context.Context, bin string, p ReferencePage) (*childServer, error) {
	return startChild(ctx, bin, "the reference server", "bench", "reference",
		"--status", strconv.Itoa(p.Status), "--type", p.ContentType, "--size", strconv.Itoa(p.Size))
}

// serveReferenceHere serves p in this process on a loopback port, for the
// figures whose real server runs in this process too; stop ends it.
func serveReferenceHere(p ReferencePage) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		ServeReference(ctx, ln, p)
		close(done)
	}()
	return ln.Addr().String(), func() { cancel(); <-done }, nil
}
