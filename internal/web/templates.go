package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"shequ/internal/accounts"
)

//go:embed templates/layout.html templates/partials.html templates/error.html templates/login.html
var kitFS embed.FS

//go:embed static
var staticFS embed.FS

// cssURL names the stylesheet by a hash of its content, so browsers may keep
// it for a year and still see each new version at once.
var cssURL = func() string {
	b, err := staticFS.ReadFile("static/app.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "/static/app.css?v=" + hex.EncodeToString(sum[:6])
}()

var staticURLs sync.Map // file name → its URL with the hash of its content

// StaticURL is the address of a file of internal/web/static (such as
// "locate.js"), named by a hash of its content like the stylesheet, so
// browsers keep it for a year and still see each new version at once.
func StaticURL(name string) string {
	if u, ok := staticURLs.Load(name); ok {
		return u.(string)
	}
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		panic("web: no static file " + name)
	}
	sum := sha256.Sum256(b)
	u := "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
	staticURLs.Store(name, u)
	return u
}

func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	b, err := staticFS.ReadFile(name)
	if err != nil || !strings.HasPrefix(name, "static/") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		// nosniff: a script served as text/plain would not run.
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// Page is what the layout needs besides the page's own Data.
type Page struct {
	Title string
	Nav   string    // the key of the current item of the navigation
	Menu  []NavItem // the navigation the user may use
	User  *accounts.User
	Role  string // the names of the user's roles
	CSRF  string
	Flash string
	CSS   string
	// Refresh, when set, reloads the page after so many seconds: the
	// progress of a background job without any script.
	Refresh int
	Data    any
}

// NewPage starts a page for an authenticated request (rq may be nil).
func NewPage(rq *Request, title, nav string, data any) *Page {
	p := &Page{Title: title, Nav: nav, Data: data}
	if rq != nil {
		u := rq.User
		p.User, p.Role, p.CSRF, p.Flash, p.Menu = &u, rq.Viewer.RoleNames(), rq.Session.CSRF, rq.Flash, rq.Nav
	}
	return p
}

// Templates holds one template set per page of a capability: the kit's
// layout and partials, the capability's own *partials.html and the page's
// file.
type Templates struct {
	kit   *Kit
	pages map[string]*template.Template
}

// Templates parses every templates/*.html file of fsys (a capability's
// embedded files) as a page named after its file; files ending in
// partials.html are shared by the capability's pages. funcs add to the
// kit's template functions.
func (k *Kit) Templates(fsys fs.FS, funcs template.FuncMap) *Templates {
	all := k.funcs()
	maps.Copy(all, funcs)
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		panic(err)
	}
	partials, err := fs.Glob(fsys, "templates/*partials.html")
	if err != nil {
		panic(err)
	}
	t := &Templates{kit: k, pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasSuffix(name, "partials") {
			continue
		}
		tt := template.Must(template.New(name).Funcs(all).ParseFS(kitFS, "templates/layout.html", "templates/partials.html"))
		if len(partials) > 0 {
			tt = template.Must(tt.ParseFS(fsys, partials...))
		}
		t.pages[name] = template.Must(tt.ParseFS(fsys, f))
	}
	return t
}

// Render executes a page into a buffer first, so that a template error
// becomes a clean 500 page instead of half a page.
func (t *Templates) Render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	k := t.kit
	tt, ok := t.pages[name]
	if !ok {
		k.Log.Error("web: no template", "name", name, "path", r.URL.Path)
		k.ErrorPage(w, r, nil, http.StatusInternalServerError)
		return
	}
	p.CSS = cssURL
	buf := PageBuffer()
	defer PutPageBuffer(buf)
	if err := tt.ExecuteTemplate(buf, "layout", p); err != nil {
		k.Log.Error("web: template", "name", name, "path", r.URL.Path, "err", err)
		if t != k.own || name != "error" {
			k.ErrorPage(w, r, nil, http.StatusInternalServerError)
		} else {
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		}
		return
	}
	writeHTML(w, status, buf.Bytes())
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
