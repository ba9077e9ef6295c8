package server

import (
	"context"
	"log/slog"
	"sync"
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
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(disclosureEvery)
		defer t.Stop()
		for {
			if n, esc, err := ds.PassAll(ctx); err != nil {
				if ctx.Err() == nil {
					log.Error("disclosure: pass", "err", err)
				}
			} else if n+esc > 0 {
				log.Info("disclosure: pass", "scheduled", n, "escalated", esc)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return ds, func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}
