// Package registerweb serves the register's (基础信息库) pages: the home
// page, the org tree, search and its CSV export, the grid map, the pages and
// edit forms of persons, households, houses and organisations, and the
// household archive with its index cards. Handlers call the register and
// orgtree stores; the kit (internal/web) does the session, the CSRF token,
// the route's rule and the audit entry before they run.
package registerweb

import (
	"embed"
	"log/slog"

	"shequ/internal/access"
	"shequ/internal/archive"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the register's pages need.
type Deps struct {
	Register *register.Store
	Org      *orgtree.Store
	Access   *access.Service
	Audit    *audit.Log
	Log      *slog.Logger // nil: slog.Default()
	// The household archive's contributors, and the service hall that
	// prints index cards; without Services the archive and cards are not
	// served.
	Services *services.Service
	Archive  *archive.Registry
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the register's pages and their navigation on rt.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, nil)}
	login := access.Rule{Login: true}
	read := func(object string) access.Rule {
		return access.Rule{Perm: access.RegisterRead, Object: object, Audit: audit.View}
	}
	write := func(object string) access.Rule { return access.Rule{Perm: access.RegisterWrite, Object: object} }

	k.Handle(rt, "GET /{$}", login, h.home)

	k.AddNav("org", "组织", "/org", access.RegisterRead)
	k.Handle(rt, "GET /org", access.Rule{Perm: access.RegisterRead}, h.orgIndex)
	k.Handle(rt, "GET /org/{id}", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgUnit)
	k.AddNav("search", "查询", "/search", access.RegisterRead)
	k.Handle(rt, "GET /search", access.Rule{Perm: access.RegisterRead, Audit: audit.Search}, h.search)
	k.Handle(rt, "GET /search/export", access.Rule{Perm: access.RegisterExport, Audit: audit.Export}, h.exportPersons)
	k.AddNav("map", "地图", "/map", access.RegisterRead)
	k.Handle(rt, "GET /map", access.Rule{Perm: access.RegisterRead}, h.mapView)

	k.Handle(rt, "GET /persons/new", access.Rule{Perm: access.RegisterWrite}, h.newPersonForm)
	k.Handle(rt, "POST /persons/new", access.Rule{Perm: access.RegisterWrite}, h.createPerson)
	k.Handle(rt, "GET /persons/{id}", read("person"), h.person)
	k.Handle(rt, "POST /persons/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "person", Audit: audit.Reveal}, h.revealPerson)
	k.Handle(rt, "GET /persons/{id}/edit", write("person"), h.editPersonForm)
	k.Handle(rt, "POST /persons/{id}/edit", write("person"), h.updatePerson)

	k.Handle(rt, "GET /households/{id}", read("household"), h.household)
	k.Handle(rt, "POST /households/{id}/reveal", access.Rule{Perm: access.RegisterReveal, Object: "household", Audit: audit.Reveal}, h.revealHousehold)
	k.Handle(rt, "GET /households/{id}/edit", write("household"), h.editHouseholdForm)
	k.Handle(rt, "POST /households/{id}/edit", write("household"), h.updateHousehold)

	k.Handle(rt, "GET /houses/{id}", read("house"), h.house)
	k.Handle(rt, "GET /organisations/{id}", read("organisation"), h.organisation)

	if d.Services != nil {
		h.archiveRoutes(rt)
	}
}

// visible reports whether the org unit lies where the caller may read the
// register.
func visible(rq *web.Request, u orgtree.Unit) bool {
	return rq.Read().Contains(web.UnitPlace(u))
}
