package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Server serves a test's routes to its clients until the test ends.
type Server struct {
	t   testing.TB
	srv *httptest.Server
	// Numbers are the ID and phone numbers the test's register holds. Pages
	// show them masked: a page a client GETs fails the test when it shows
	// one in full, unless its query carried it (a search box echoes what was
	// typed).
	Numbers []string
}

// Serve starts serving h.
func Serve(t testing.TB, h http.Handler) *Server {
	s := &Server{t: t, srv: httptest.NewServer(h)}
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base address, http://127.0.0.1:port.
func (s *Server) URL() string { return s.srv.URL }

// Client is a browser without JavaScript: a cookie jar of its own, no
// automatic redirects, and CheckPage on every HTML page it receives other
// than a redirect.
type Client struct {
	t    testing.TB
	srv  *Server
	http *http.Client
}

// Client returns a new browser, with no cookies yet.
func (s *Server) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: s.t, srv: s, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Result is a response as a test reads it.
type Result struct {
	Status int
	Body   string
	Header http.Header
}

// Location is where a redirect sends the browser.
func (r Result) Location() string { return r.Header.Get("Location") }

// Do sends req, made for the server's URL, with the client's cookies.
func (c *Client) Do(req *http.Request) Result {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	r := Result{Status: resp.StatusCode, Body: string(b), Header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && (resp.StatusCode < 300 || resp.StatusCode >= 400) {
		CheckPage(c.t, req.URL.Path, r.Body)
		if req.Method == http.MethodGet {
			for _, n := range c.srv.Numbers {
				if strings.Contains(r.Body, n) && !strings.Contains(req.URL.RawQuery, n) {
					c.t.Errorf("GET %s shows the full number %s", req.URL.Path, n)
				}
			}
		}
	}
	return r
}

// Get opens path (with its query).
func (c *Client) Get(path string) Result {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.srv.URL()+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// Post sends form to path as a browser submits a form.
func (c *Client) Post(path string, form url.Values) Result {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.srv.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Login logs in through the login form as name, with the form's CSRF
// token and Password, and fails the test unless it is let in.
func (c *Client) Login(name string) {
	c.t.Helper()
	page := c.Get("/login")
	r := c.Post("/login", url.Values{"csrf": {CSRFOf(c.t, page.Body)}, "name": {name}, "password": {Password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d\n%s", name, r.Status, r.Body)
	}
}

// CSRF opens path, which must answer 200, and returns the session's CSRF
// token from its form: the token every form of the session is posted with.
func (c *Client) CSRF(path string) string {
	c.t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK {
		c.t.Fatalf("GET %s for the session's form token: status %d", path, r.Status)
	}
	return CSRFOf(c.t, r.Body)
}
