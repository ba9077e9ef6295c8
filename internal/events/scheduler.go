package events

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// Scheduler issues the 督办 notices the clock calls for. Each event stores
// when it next needs attention (timer_at: the warning, the deadline, the
// escalation); the scheduler looks for events whose time has come, so the
// timers survive restarts, and several servers sharing a database issue
// each notice once (the event's version is checked on update).
type Scheduler struct {
	Store    *Store
	Log      *slog.Logger
	Interval time.Duration // how often to look (1 minute)
	Batch    int           // events looked at per pass (500)
}

// Run issues notices until ctx ends.
func (sc *Scheduler) Run(ctx context.Context) error {
	if sc.Interval <= 0 {
		sc.Interval = time.Minute
	}
	if sc.Log == nil {
		sc.Log = slog.Default()
	}
	t := time.NewTicker(sc.Interval)
	defer t.Stop()
	for {
		if n, err := sc.RunOnce(ctx); err != nil && ctx.Err() == nil {
			sc.Log.Warn("events: supervision pass failed", "err", err)
		} else if n > 0 {
			sc.Log.Debug("events: supervision notices issued", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce issues the notices due now and returns how many it issued.
func (sc *Scheduler) RunOnce(ctx context.Context) (int, error) {
	s := sc.Store
	batch := sc.Batch
	if batch <= 0 {
		batch = 500
	}
	now := s.now()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM events WHERE timer_at <> '' AND timer_at <= $1
		ORDER BY timer_at LIMIT $2`, fmtT(now), batch)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	issued := 0
	for _, id := range ids {
		if ctx.Err() != nil {
			return issued, ctx.Err()
		}
		n, err := sc.visit(ctx, id, now)
		if err != nil {
			if _, ok := err.(*ConflictError); ok {
				continue // someone acted on it meanwhile; the next pass sees its new clock
			}
			return issued, err
		}
		issued += n
	}
	return issued, nil
}

// visit issues the notice an event's clock has reached, if any, and sets
// its next timer.
func (sc *Scheduler) visit(ctx context.Context, id int64, now time.Time) (int, error) {
	s := sc.Store
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return 0, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	issued := 0
	err = s.tx(ctx, func(tx *sql.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.TimerAt.IsZero() || e.TimerAt.After(now) {
			return nil
		}
		grade := gradeDue(cat, cal, e, now)
		if gradeRank(grade) > gradeRank(e.Supervision) {
			e.Supervision = grade
			st := &Step{Action: ActTimeout, FromStatus: e.Status, ToStatus: e.Status, ActorName: "系统",
				Level: e.Level, Data: jsonData(map[string]string{"grade": grade, "step": e.DueStep}), DueAt: e.DueAt,
				CreatedAt: now, Late: overdue(e.DueAt, now)}
			if err := s.insertStep(ctx, tx, e, st, nil); err != nil {
				return err
			}
			if err := s.supervise(ctx, tx, e, grade, nil, "", now); err != nil {
				return err
			}
			issued++
		}
		next := nextTimer(cat, cal, e)
		// The timer and grade change without a new version: a notice is not
		// an edit, and must not make a user's pending action conflict.
		res, err := tx.ExecContext(ctx, `UPDATE events SET supervision = $1, timer_at = $2
			WHERE community_id = $3 AND id = $4 AND version = $5`, e.Supervision, fmtT(next), e.CommunityID, e.ID, e.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &ConflictError{}
		}
		return nil
	})
	return issued, err
}
