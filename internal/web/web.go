// Package web serves the register's pages: server-rendered HTML in
// Simplified Chinese for community staff on cheap phones and for department
// officials on desktops. Pages work without JavaScript, carry no inline
// script or style (so a strict `default-src 'self'` policy holds) and load a
// single small stylesheet.
//
// Every route is registered on the access.Routes table with its Rule: the
// permission it needs and the kind of record its path names. One wrapper,
// page, resolves the session into a Viewer, checks the CSRF token of every
// POST, applies the Rule, records the audit entry and only then calls the
// handler. Personal data never reaches the log: handlers log ids and paths
// only.
package web

import (
	"errors"
	"log/slog"
	"net/http"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
)

// Deps are what the pages need.
type Deps struct {
	DB            *database.DB
	Register      *register.Store
	Org           *orgtree.Store
	Accounts      *accounts.Store
	Access        *access.Service
	Audit         *audit.Log
	Throttle      *accounts.Throttle
	Log           *slog.Logger
	SecureCookies bool // set the Secure flag (behind HTTPS)
	// The one-stop service hall and the household archive's contributors;
	// without Services the archive's pages are not served.
	Services *services.Service
}

type handler struct {
	Deps
	kit  *Kit
	tmpl *Templates
}

// Pages registers every page on rt.
func Pages(rt *Routes, k *Kit, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	k.AddFlashes(flashes)
	k.AddLabels(labels)
	labelKit = k
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(pageFS(), funcs)}
	h.adminRoutes(rt)

}

// fail answers a store error: not found (or out of scope) is the 404 page,
// anything else is logged and the 500 page.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if errors.Is(err, register.ErrNotFound) || errors.Is(err, orgtree.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.kit.ServerError(w, r, rq, err)
}
