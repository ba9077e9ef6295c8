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
	"context"
	"errors"
	"log/slog"
	"net/http"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/archive"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/exports"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
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
	Reports       *reports.Service
	Log           *slog.Logger
	SecureCookies bool // set the Secure flag (behind HTTPS)
	// The one-stop service hall, the household archive's contributors and
	// the public lookup's limiter (nil: services.DefaultLimiter); without
	// Services the hall's pages are not served.
	Services *services.Service
	Archive  *archive.Registry
	Lookups  *services.Limiter
	// Imports and department exports; without them their pages are not
	// served.
	Imports *imports.Service
	Exports *exports.Service
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
	login := access.Rule{Login: true}
	read := func(object string) access.Rule {
		return access.Rule{Perm: access.RegisterRead, Object: object, Audit: audit.View}
	}
	write := func(object string) access.Rule { return access.Rule{Perm: access.RegisterWrite, Object: object} }

	h.kit.Handle(rt, "GET /{$}", login, h.home)

	h.kit.AddNav("org", "组织", "/org", access.RegisterRead)
	h.kit.Handle(rt, "GET /org", access.Rule{Perm: access.RegisterRead}, h.orgIndex)
	h.kit.Handle(rt, "GET /org/{id}", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgUnit)
	h.kit.AddNav("search", "查询", "/search", access.RegisterRead)
	h.kit.Handle(rt, "GET /search", access.Rule{Perm: access.RegisterRead, Audit: audit.Search}, h.search)
	h.kit.Handle(rt, "GET /search/export", access.Rule{Perm: access.RegisterExport, Audit: audit.Export}, h.exportPersons)
	h.kit.AddNav("map", "地图", "/map", access.RegisterRead)
	h.kit.Handle(rt, "GET /map", access.Rule{Perm: access.RegisterRead}, h.mapView)

	h.kit.Handle(rt, "GET /persons/new", access.Rule{Perm: access.RegisterWrite}, h.newPersonForm)
	h.kit.Handle(rt, "POST /persons/new", access.Rule{Perm: access.RegisterWrite}, h.createPerson)
	h.kit.Handle(rt, "GET /persons/{id}", read("person"), h.person)
	h.kit.Handle(rt, "POST /persons/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "person", Audit: audit.Reveal}, h.revealPerson)
	h.kit.Handle(rt, "GET /persons/{id}/edit", write("person"), h.editPersonForm)
	h.kit.Handle(rt, "POST /persons/{id}/edit", write("person"), h.updatePerson)

	h.kit.Handle(rt, "GET /households/{id}", read("household"), h.household)
	h.kit.Handle(rt, "POST /households/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "household", Audit: audit.Reveal}, h.revealHousehold)
	h.kit.Handle(rt, "GET /households/{id}/edit", write("household"), h.editHouseholdForm)
	h.kit.Handle(rt, "POST /households/{id}/edit", write("household"), h.updateHousehold)

	h.kit.Handle(rt, "GET /houses/{id}", read("house"), h.house)
	h.kit.Handle(rt, "GET /organisations/{id}", read("organisation"), h.organisation)

	h.reportRoutes(rt)
	h.servicesRoutes(rt)
	h.adminRoutes(rt)
	if d.Imports != nil {
		h.importRoutes(rt)
	}
	if d.Exports != nil {
		h.exportRoutes(rt)
	}

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

// visible reports whether the org unit lies where the caller may read the
// register.
func (h *handler) visible(ctx context.Context, rq *Request, u orgtree.Unit) bool {
	return rq.Read().Contains(UnitPlace(u))
}
