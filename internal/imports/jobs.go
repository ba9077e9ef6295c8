package imports

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"shequ/internal/access"
)

// jobs run imports in the background for the web: a page starts one and
// answers at once; the import's record carries its progress, which the
// page shows. Stopping the server cancels them between two batches' writes
// (a batch in flight is rolled back) and they resume from their checkpoint
// when started again.
type jobs struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (s *Service) jobCtx() context.Context {
	s.jobs.once.Do(func() { s.jobs.ctx, s.jobs.cancel = context.WithCancel(context.Background()) })
	return s.jobs.ctx
}

// Go runs an import in the background on behalf of v. It reports false when
// the import is already running in this process.
func (s *Service) Go(v *access.Viewer, id int64) bool {
	ctx := s.jobCtx()
	s.mu.Lock()
	if _, busy := s.running[id]; busy || ctx.Err() != nil {
		s.mu.Unlock()
		return false
	}
	ctx, cancel := context.WithCancel(ctx)
	s.running[id] = cancel
	s.jobs.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.jobs.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.running, id)
			s.mu.Unlock()
			cancel()
		}()
		if err := s.Run(ctx, v, id, "", nil); err != nil && !errors.Is(err, context.Canceled) {
			slog.Warn("import stopped", "import", id, "err", err)
		}
	}()
	return true
}

// Running reports whether an import runs in this process now.
func (s *Service) Running(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.running[id]
	return ok
}

// Stop cancels the background imports and waits for them to stop.
func (s *Service) Stop() {
	s.jobCtx()
	s.jobs.cancel()
	s.jobs.wg.Wait()
}

// ResumeInterrupted starts again, in the background, the imports a stopped
// server left running, each for the person who started it (viewerOf makes
// their viewer as it is now). Imports whose file is gone are marked failed
// by Run.
func (s *Service) ResumeInterrupted(ctx context.Context, viewerOf func(ctx context.Context, userID int64, name string) (*access.Viewer, error)) error {
	ims, err := s.list(ctx, ListQuery{Status: StatusRunning, Limit: 200})
	if err != nil {
		return err
	}
	pending, err := s.list(ctx, ListQuery{Status: StatusPending, Limit: 200})
	if err != nil {
		return err
	}
	for _, im := range append(ims, pending...) {
		if im.SpoolPath == "" || im.UserID == 0 {
			continue // a command-line import: resumed by running the command again
		}
		v, err := viewerOf(ctx, im.UserID, im.UserName)
		if err != nil {
			return err
		}
		s.Go(v, im.ID)
	}
	return nil
}
