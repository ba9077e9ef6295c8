package server

import (
	"shequ/internal/database"
	"shequ/internal/proposals"
)

// proposalsApp assembles 议事协商 on the server's clock; residents act
// through their verified session (residentsweb.SignedIn).
func proposalsApp(db *database.DB, cfg Config) *proposals.Service {
	return proposals.NewService(db, cfg.Now)
}
