package server

import (
	"context"
	"log/slog"
	"sync"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/events"
)

// eventsApp assembles events: the store, the resolver of event records for
// route rules, and the scheduler that issues 督办 notices while the server
// runs (its timers live in the database; the SMS go out through the
// dispatcher the service hall starts). stop ends the scheduler and waits
// for it.
func eventsApp(db *database.DB, acs *access.Service, log *slog.Logger, cfg Config) (ev *events.Store, stop func()) {
	ev = events.NewStore(db)
	ev.PublicURL = publicURL(cfg)
	ev.Zone = cfg.Zone
	acs.Resolve("event", ev.Resolve)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&events.Scheduler{Store: ev, Log: log}).Run(ctx)
	}()
	var once sync.Once
	return ev, func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}
