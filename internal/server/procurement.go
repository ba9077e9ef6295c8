package server

import (
	"shequ/internal/database"
	"shequ/internal/procurement"
	"shequ/internal/procurement/procurementweb"
	"shequ/internal/web"
)

// procurementApp assembles 政府购买服务 on the server's clock. Payments are
// recorded without a fund entry until the community accounts are wired
// with UsePayer.
func procurementApp(db *database.DB, cfg Config) *procurement.Service {
	return procurement.NewService(db, cfg.Now)
}

// procurementRoutes mounts the projects' pages, the public tender and
// award pages and the OCDS packages.
func procurementRoutes(rt *web.Routes, kit *web.Kit, ps *procurement.Service) {
	procurementweb.Routes(rt, kit, procurementweb.Deps{Projects: ps})
}
