package server

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// runEvery runs pass at once and then every d until stop is called, which
// waits for a pass under way to end. A pass reports what it did as log
// attributes (nil: nothing done), said at Debug: the background passes
// must not speak over what the terminal shows last (the address and the
// demo's password); a failure is said as an error.
func runEvery(log *slog.Logger, name string, d time.Duration, pass func(ctx context.Context) ([]any, error)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			if did, err := pass(ctx); err != nil {
				if ctx.Err() == nil {
					log.Error(name, "err", err)
				}
			} else if did != nil {
				log.Debug(name, did...)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
}
