package server

import (
	"shequ/internal/database"
	"shequ/internal/proposals"
	"shequ/internal/proposals/proposalsweb"
	"shequ/internal/residents"
	"shequ/internal/residents/residentsweb"
	"shequ/internal/web"
)

// proposalsApp assembles 议事协商 on the server's clock; residents act
// through their verified session (residentsweb.SignedIn).
func proposalsApp(db *database.DB, cfg Config) *proposals.Service {
	return proposals.NewService(db, cfg.Now)
}

// proposalRoutes mounts the resident's 议事协商 pages under /r/proposals.
func proposalRoutes(rt *web.Routes, kit *web.Kit, prop *proposals.Service, res *residents.Service) {
	proposalsweb.Routes(rt, kit, proposalsweb.Deps{Proposals: prop, SignedIn: residentsweb.SignedIn(res)})
}
