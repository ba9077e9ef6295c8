// Package web is the kit every capability's pages are built with: the route
// table, the session and its CSRF token, the authorisation of each route by
// its access.Rule, the audit entry of each request, rendering into the shared
// layout, flash messages and the navigation. It holds no capability's pages:
// those live beside their capability (internal/register/registerweb,
// internal/events/eventsweb …) and register their routes explicitly when the
// server is assembled.
//
// Pages work without JavaScript, carry no inline script or style (so a strict
// `default-src 'self'` policy holds) and load a single small stylesheet.
// Personal data never reaches the log: handlers log ids and paths only.
package web

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// Config is what the kit needs from the server.
type Config struct {
	Accounts      *accounts.Store
	Access        *access.Service
	Org           *orgtree.Store
	Audit         *audit.Log
	Throttle      *accounts.Throttle // nil: a new one
	Log           *slog.Logger       // nil: slog.Default()
	SecureCookies bool               // set the Secure flag (behind HTTPS)
	// Zone is the deployment's time zone, the one every time a person reads
	// is shown in; nil: Asia/Shanghai.
	Zone *time.Location
}

// Kit serves the plumbing of every page. Capabilities add their navigation,
// flash messages and labels while the server is assembled, before it serves
// the first request; after that the kit is only read.
type Kit struct {
	Config
	nav     []NavItem
	flashes map[string]string
	labels  map[string]map[string]string
	namers  map[string]RecordNamer // by kind of record, for the audit page
	own     *Templates             // the login and error pages
}

// NavItem is one entry of the main navigation, shown to viewers who hold
// its permission (or to every logged-in user when Perm is empty).
type NavItem struct {
	Key   string
	Label string
	Href  string
	Perm  string // one permission, or several separated by | (any of them)
}

// NewKit returns a kit with the flash messages and labels every capability
// shares.
func NewKit(c Config) *Kit {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Throttle == nil {
		c.Throttle = accounts.NewThrottle()
	}
	if c.Zone == nil {
		c.Zone = workdays.Shanghai
	}
	k := &Kit{Config: c, flashes: map[string]string{}, labels: map[string]map[string]string{}}
	k.AddFlashes(map[string]string{"saved": "已保存", "added": "已添加", "resolved": "已处理"})
	k.AddLabels(baseLabels)
	k.own = k.Templates(kitFS, nil)
	return k
}

// AddNav appends an entry to the main navigation, in the order capabilities
// are assembled.
func (k *Kit) AddNav(key, label, href, perm string) {
	k.nav = append(k.nav, NavItem{Key: key, Label: label, Href: href, Perm: perm})
}

// NavFor is the navigation a viewer may use. Entries may share a key: the
// first the viewer may use is the one shown, so that a capability lands
// different people on different pages (a community's staff on its inbox,
// departments on the catalogue).
func (k *Kit) NavFor(v *access.Viewer) []NavItem {
	out := []NavItem{{Key: "home", Label: "首页", Href: "/"}}
	shown := map[string]bool{}
	for _, n := range k.nav {
		if shown[n.Key] {
			continue
		}
		if n.Perm == "" || slices.ContainsFunc(strings.Split(n.Perm, "|"), v.Can) {
			out = append(out, n)
			shown[n.Key] = true
		}
	}
	return out
}

// AddFlashes adds the messages a capability shows after a redirect, by key.
// A key already taken by another capability is a programming error.
func (k *Kit) AddFlashes(m map[string]string) {
	for key, text := range m {
		if old, ok := k.flashes[key]; ok && old != text {
			panic("web: flash " + key + " given twice with different texts")
		}
		k.flashes[key] = text
	}
}

// AddLabels adds the Chinese names of codes, by kind of code, for the
// templates' label function.
func (k *Kit) AddLabels(m map[string]map[string]string) {
	for kind, names := range m {
		if k.labels[kind] == nil {
			k.labels[kind] = map[string]string{}
		}
		for code, name := range names {
			k.labels[kind][code] = name
		}
	}
}

// Routes registers the kit's own routes: the stylesheet, logging in and
// out, and a Chinese 404 page for any path no capability serves (more
// specific patterns such as the API's /api/v1/ and /healthz still win).
func (k *Kit) Routes(rt *Routes) {
	public := access.Rule{Public: true}
	rt.Handle("GET /static/", public, k.Recover(http.HandlerFunc(serveStatic)))
	rt.Handle("GET /login", public, k.Recover(http.HandlerFunc(k.loginForm)))
	rt.Handle("POST /login", public, k.Recover(http.HandlerFunc(k.login)))
	k.Handle(rt, "POST /logout", access.Rule{Login: true}, k.logout)
	rt.Handle("/", public, k.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := k.Session(r) // with a session the page keeps its navigation
		if err != nil {
			rq = nil
		}
		k.ErrorPage(w, r, rq, http.StatusNotFound)
	})))
}
