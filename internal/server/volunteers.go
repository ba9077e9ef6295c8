package server

import (
	"shequ/internal/database"
	"shequ/internal/volunteers"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/volunteers/certificates/certweb"
	"shequ/internal/volunteers/volunteersweb"
	"shequ/internal/web"
)

// volunteersApp assembles 志愿服务: the registry, activities and hours
// ledger on the server's clock.
func volunteersApp(db *database.DB, cfg Config) *volunteers.Service {
	return volunteers.NewService(db, cfg.Now)
}

// volunteerRoutes mounts the volunteers' pages and those of their
// certificates, and the certificates' pages a volunteer opens on the phone
// beside /v/me, signed in by the same personal link.
func volunteerRoutes(rt *web.Routes, kit *web.Kit, vol *volunteers.Service, certs *certificates.Service, cfg Config) {
	certs.UseActivityNames(vol.ActivityNames) // the national export's 活动名称
	volunteersweb.Routes(rt, kit, volunteersweb.Deps{Volunteers: vol, BaseURL: publicURL(cfg)})
	certweb.Routes(rt, kit, certweb.Deps{Certificates: certs})
	own := certweb.NewOwn(kit, certs, volunteersweb.SignedIn(vol))
	kit.HandlePublic(rt, "GET /v/certificates", own.Page)
	kit.HandlePublic(rt, "POST /v/certificates", own.Submit)
}
