package server

import (
	"context"
	"log/slog"
	"time"

	"shequ/internal/database"
	"shequ/internal/disclosure"
)

// disclosureEvery is how often the server runs the 居务公开 pass. The pass
// is idempotent (a period is scheduled once, an overdue row escalated
// once), so an hourly run puts a month ended on the lists in the first
// hour of the next day, after a restart as on a server that ran all night.
const disclosureEvery = time.Hour

// disclosureApp assembles 居务公开: the service on the server's clock and
// its pass while the server runs. stop ends the pass and waits for it.
func disclosureApp(db *database.DB, log *slog.Logger, now func() time.Time) (ds *disclosure.Service, stop func()) {
	ds = disclosure.NewService(db, now)
	return ds, runEvery(log, "disclosure: pass", disclosureEvery, func(ctx context.Context) ([]any, error) {
		n, esc, err := ds.PassAll(ctx)
		if err != nil || n+esc == 0 {
			return nil, err
		}
		return []any{"scheduled", n, "escalated", esc}, nil
	})
}
