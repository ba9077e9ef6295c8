package server

import (
	"context"
	"log/slog"
	"sync"

	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/workdays"
)

// visitsApp assembles 百家熟: the service on the working-day calendar and
// the follower that keeps the schedules up to date with the register's
// changes while the server runs. stop ends the follower and waits for it.
func visitsApp(db *database.DB, reg *register.Store, log *slog.Logger) (vs *visits.Service, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		log.Error("visits: working-day calendar not loaded; rounds count weekdays", "err", err)
		cal = nil
	}
	vs = visits.NewService(db, reg, cal, nil)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&visits.Follower{Visits: vs, Log: log}).Run(ctx)
	}()
	var once sync.Once
	return vs, func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}
