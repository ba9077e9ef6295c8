package server

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/notify"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/workdays"
)

// serviceHall assembles the one-stop service hall: deadlines on the
// working-day calendar, QR codes and SMS links to the public URL, the
// resolvers of its records for route rules, and the dispatcher that sends
// its SMS from the outbox while the server runs. wake asks the dispatcher
// for a pass after messages were committed; stop ends the dispatcher and
// waits for it.
func serviceHall(db *database.DB, reg *register.Store, acs *access.Service, log *slog.Logger, cfg Config) (svc *services.Service, wake func(), stop func()) {
	ctx := context.Background()
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		// Deadlines then count weekends only; everything else works.
		log.Error("services: working-day calendar not loaded; deadlines count weekends only", "err", err)
		cal = nil
	}
	svc = services.New(db, reg, services.Options{Calendar: cal, PublicURL: publicURL(cfg)})
	acs.Resolve("application", svc.PlaceOf)
	acs.Resolve("certificate", svc.CertificatePlace)

	sender := cfg.SMS
	if sender == nil {
		sender = notify.LogSender{Log: log}
	}
	d := notify.NewDispatcher(db, sender, log)
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.Run(runCtx)
	}()
	var once sync.Once
	return svc, d.Wake, func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}

// publicURL is the configured public address, or the listening address
// when it names a host residents could reach (the demo's 127.0.0.1:8080);
// "" leaves the service hall's default.
func publicURL(cfg Config) string {
	if cfg.PublicURL != "" {
		return strings.TrimRight(cfg.PublicURL, "/")
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return ""
	}
	return "http://" + cfg.Addr
}
