package server

import (
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/residents"
	"shequ/internal/residents/residentsweb"
	"shequ/internal/satisfaction"
	"shequ/internal/satisfaction/satisfactionweb"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/web"
)

// satisfactionApp assembles 群众满意度 on the server's clock: the figures
// over the ratings each capability keeps, and the residents' ratings of
// visits and volunteer activities taken by those capabilities.
func satisfactionApp(db *database.DB, org *orgtree.Store, vs *visits.Service, vol *volunteers.Service, cfg Config) *satisfaction.Service {
	return satisfaction.NewService(db, org, vs, vol, cfg.Now)
}

// satisfactionRoutes mounts the staff's page and the resident's rating
// page (/r/ratings, through the verified session).
func satisfactionRoutes(rt *web.Routes, kit *web.Kit, sat *satisfaction.Service, res *residents.Service) {
	satisfactionweb.Routes(rt, kit, satisfactionweb.Deps{Satisfaction: sat, SignedIn: residentsweb.SignedIn(res)})
}
