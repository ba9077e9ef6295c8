package demo

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/services"
)

// loadServices adds the service hall's demo data (stations, applications in
// every stage, certificates) after the register's. The city preset gets it
// in its first three communities only, so that the large load stays a
// measure of the register.
func loadServices(ctx context.Context, db *database.DB, opt Options) error {
	o := services.DemoOptions{Seed: opt.Seed, Today: opt.Today}
	if opt.Preset == "city" {
		o.Communities = 3
	}
	_, err := services.LoadDemo(ctx, db, o)
	return err
}
