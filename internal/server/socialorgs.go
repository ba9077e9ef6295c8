package server

import (
	"shequ/internal/database"
	"shequ/internal/socialorgs"
	"shequ/internal/socialorgs/socialorgsweb"
	"shequ/internal/web"
)

// socialOrgsApp assembles 社区社会组织 on the server's clock.
func socialOrgsApp(db *database.DB, cfg Config) *socialorgs.Service {
	return socialorgs.NewService(db, cfg.Now)
}

// socialOrgRoutes mounts the social organisations' pages.
func socialOrgRoutes(rt *web.Routes, kit *web.Kit, so *socialorgs.Service) {
	socialorgsweb.Routes(rt, kit, socialorgsweb.Deps{Orgs: so})
}
