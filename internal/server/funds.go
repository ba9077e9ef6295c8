package server

import (
	"shequ/internal/database"
	"shequ/internal/funds"
	"shequ/internal/funds/fundsweb"
	"shequ/internal/web"
)

// fundsApp assembles 社区经费 on the server's clock.
func fundsApp(db *database.DB, cfg Config) *funds.Service {
	return funds.NewService(db, cfg.Now)
}

// fundRoutes mounts the accounts' pages.
func fundRoutes(rt *web.Routes, kit *web.Kit, fs *funds.Service) {
	fundsweb.Routes(rt, kit, fundsweb.Deps{Funds: fs})
}
