package server

import (
	"shequ/internal/database"
	"shequ/internal/volunteers"
)

// volunteersApp assembles 志愿服务: the registry, activities and hours
// ledger on the server's clock.
func volunteersApp(db *database.DB) *volunteers.Service {
	return volunteers.NewService(db, nil)
}
