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
	// NoHome leaves the home page to the workbench, which the server
	// assembles; the register's summary stays at /org.
	NoHome bool
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

	// A record carried into another community with its unit: its history
	// shows it leaving the one and arriving in the other.
	k.AddLabels(map[string]map[string]string{"op": {register.OpTransferOut: "划出本社区", register.OpTransferIn: "划入本社区"}})

	if !d.NoHome {
		k.Handle(rt, "GET /{$}", login, h.home)
	}

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

	// The register kept in the field: one short form per action.
	k.Handle(rt, "GET /houses/{id}/households/new", write("house"), h.newHouseholdAtHouse)
	k.Handle(rt, "POST /houses/{id}/households/new", write("house"), h.registerHouseholdAtHouse)
	k.Handle(rt, "GET /houses/{id}/rentals/new", write("house"), h.rentalNewForm)
	k.Handle(rt, "POST /houses/{id}/rentals/new", write("house"), h.createRental)
	k.Handle(rt, "GET /houses/{id}/rentals/{rental}/end", write("house"), h.rentalEndForm)
	k.Handle(rt, "POST /houses/{id}/rentals/{rental}/end", write("house"), h.endRental)
	k.Handle(rt, "GET /persons/{id}/leave", write("person"), h.personLeaveForm)
	k.Handle(rt, "POST /persons/{id}/leave", write("person"), h.recordPersonLeaving)
	k.Handle(rt, "GET /persons/{id}/move", write("person"), h.personMoveForm)
	k.Handle(rt, "POST /persons/{id}/move", write("person"), h.movePerson)
	k.Handle(rt, "GET /persons/{id}/tags/new", write("person"), h.tagAddForm)
	k.Handle(rt, "POST /persons/{id}/tags/new", write("person"), h.addTag)
	k.Handle(rt, "GET /persons/{id}/tags/{tag}/end", write("person"), h.tagEndForm)
	k.Handle(rt, "POST /persons/{id}/tags/{tag}/end", write("person"), h.endTag)
	k.Handle(rt, "GET /org/{id}/houses/new", write("unit"), h.houseNewForm)
	k.Handle(rt, "POST /org/{id}/houses/new", write("unit"), h.createHouse)
	k.Handle(rt, "GET /org/{id}/organisations/new", write("unit"), h.organisationNewForm)
	k.Handle(rt, "POST /org/{id}/organisations/new", write("unit"), h.createOrganisation)
	k.Handle(rt, "GET /organisations/{id}/employees/new", write("organisation"), h.employeeAddForm)
	k.Handle(rt, "POST /organisations/{id}/employees/new", write("organisation"), h.addEmployee)
	k.Handle(rt, "POST /organisations/{id}/employees/{person}/end", write("organisation"), h.endEmployee)

	if d.Services != nil {
		h.archiveRoutes(rt)
	}
}

// visible reports whether the org unit lies where the caller may read the
// register.
func visible(rq *web.Request, u orgtree.Unit) bool {
	return rq.Read().Contains(web.UnitPlace(u))
}
