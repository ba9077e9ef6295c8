package server

import (
	"shequ/internal/database"
	"shequ/internal/residents"
	"shequ/internal/residents/residentsweb"
	"shequ/internal/web"
)

// residentsApp assembles 居民身份核验 on the server's clock: the resident's
// verified session that 议事协商 and surveys check eligibility with
// (residentsweb.SignedIn).
func residentsApp(db *database.DB, cfg Config) *residents.Service {
	return residents.NewService(db, cfg.Now)
}

// residentRoutes mounts the resident's pages under /r/.
func residentRoutes(rt *web.Routes, kit *web.Kit, res *residents.Service) {
	residentsweb.Routes(rt, kit, res)
}
