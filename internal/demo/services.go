package demo

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/services"
)

// loadServices adds the service hall's demo data (stations, applications in
// every stage, certificates) after the register's. The city preset gets it
// in its first three communities only, so that the large load stays a
// measure of the register. The tags that approved cases gave the
// applicants (低保, 残疾 …) count in the summary's tags.
func loadServices(ctx context.Context, db *database.DB, opt Options, sum *Summary) error {
	o := services.DemoOptions{Seed: opt.Seed, Today: opt.Today}
	if opt.Preset == "city" {
		o.Communities = 3
	}
	hall, err := services.LoadDemo(ctx, db, o)
	for tag, n := range hall.Granted {
		sum.Tags[tag] += n
	}
	return err
}
