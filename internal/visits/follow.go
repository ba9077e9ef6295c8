package visits

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"shequ/internal/database"
)

// The follower keeps the schedules up to date while the server runs: it
// reads the register's change events after a stored cursor and recomputes
// the households they touch — a tag started or ended (the tag's person's
// household), a member moved between households (both), a household's kind
// or status changed.
//
// Change event ids are made before their transaction commits, so an event
// may appear below ids already read. The cursor therefore never passes
// the ids made settle before the pass: events above it are read again on
// the next pass (the ones already handled are skipped by id), and an event
// is missed only if its transaction took longer than settle to commit.
// Handling an event twice is harmless: recomputation is idempotent.

// Follower recomputes schedules from the register's change events.
type Follower struct {
	Visits   *Service
	Log      *slog.Logger
	Interval time.Duration // between passes (10 s)
	Settle   time.Duration // how long a transaction may take to commit (5 min)
	// Wide is how many events in one pass make it recompute every
	// household instead (a bulk load, an import): 20,000.
	Wide int

	seen     map[int64]bool // events above the cursor already handled
	lastFull day
}

const followName = "schedules"

func (f *Follower) defaults() {
	if f.Interval <= 0 {
		f.Interval = 10 * time.Second
	}
	if f.Settle <= 0 {
		f.Settle = 5 * time.Minute
	}
	if f.Wide <= 0 {
		f.Wide = 20000
	}
	if f.Log == nil {
		f.Log = slog.Default()
	}
	if f.seen == nil {
		f.seen = map[int64]bool{}
	}
}

// Run follows until ctx ends. It runs the nightly recomputation when it
// starts and each new day (series fall due, tags end on their day) and
// after a rule was saved.
func (f *Follower) Run(ctx context.Context) {
	f.defaults()
	t := time.NewTicker(f.Interval)
	defer t.Stop()
	for {
		if _, err := f.Pass(ctx); err != nil && ctx.Err() == nil {
			f.Log.Warn("visits: following the register failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass handles the events committed since the last pass and returns how
// many households it recomputed.
func (f *Follower) Pass(ctx context.Context) (int, error) {
	f.defaults()
	s := f.Visits
	var after int64
	if err := s.db.QueryRowContext(ctx, `SELECT after_id FROM visit_follow WHERE name = $1`, followName).Scan(&after); err != nil {
		return 0, err
	}
	settled := database.IDAt(s.now().Add(-f.Settle))
	if today := s.today(); f.lastFull != today || s.rulesChanged.Swap(false) {
		// The day's run (RecomputeAll: every household the first time or
		// with other rules, else those changed since the last run) sees
		// everything up to settled.
		c, _, err := s.RecomputeAll(ctx)
		if err != nil {
			s.rulesChanged.Store(true)
			return 0, err
		}
		f.lastFull = today
		return c.Households, f.store(ctx, max(after, settled))
	}
	const batch = 2000
	households := map[int64]bool{}
	persons := map[int64]bool{}
	next, read := after, 0
	for {
		// Through the events' id index (see changedSince).
		rows, err := s.db.QueryContext(ctx, `SELECT id, entity, entity_id, changes, snapshot FROM change_events
			WHERE id > $1 AND entity || '' IN ('household', 'person', 'tag') ORDER BY id LIMIT $2`, next, batch)
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			var id, entity int64
			var kind, changes, snapshot string
			if err := rows.Scan(&id, &kind, &entity, &changes, &snapshot); err != nil {
				rows.Close()
				return 0, err
			}
			n++
			next = id
			if f.seen[id] {
				continue
			}
			f.seen[id] = true
			read++
			touched(kind, entity, changes, snapshot, households, persons)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		if read > f.Wide {
			// A bulk load: one full recomputation is cheaper than following it.
			clear(f.seen)
			c, err := s.Recompute(ctx)
			if err != nil {
				return 0, err
			}
			return c.Households, f.store(ctx, min(next, settled))
		}
		if n < batch {
			break
		}
	}
	if err := s.householdsOfPersons(ctx, persons, households); err != nil {
		return 0, err
	}
	ids := keys(households)
	done := len(ids)
	if _, err := s.recomputeInChunks(ctx, ids); err != nil {
		return 0, err
	}
	cursor := min(next, settled)
	if cursor < after {
		cursor = after
	}
	for id := range f.seen {
		if id <= cursor {
			delete(f.seen, id)
		}
	}
	return done, f.store(ctx, cursor)
}

func (f *Follower) store(ctx context.Context, cursor int64) error {
	_, err := f.Visits.db.ExecContext(ctx, `UPDATE visit_follow SET after_id = $1 WHERE name = $2 AND after_id < $1`,
		cursor, followName)
	return err
}

// touched adds the households (and the persons, whose households are
// looked up) an event concerns.
func touched(entity string, id int64, changes, snapshot string, households, persons map[int64]bool) {
	switch entity {
	case "household":
		households[id] = true
	case "person":
		persons[id] = true
		// A member moving out of a household changes the one left too.
		// Ids pass 2^53: read as numbers, not floats.
		var c map[string]json.RawMessage
		var hh [2]json.Number
		if json.Unmarshal([]byte(changes), &c) == nil && c["household_id"] != nil &&
			json.Unmarshal(c["household_id"], &hh) == nil {
			for _, v := range hh {
				if n, err := v.Int64(); err == nil && n > 0 {
					households[n] = true
				}
			}
		}
	case "tag":
		var t struct {
			PersonID int64 `json:"person_id"`
		}
		if json.Unmarshal([]byte(snapshot), &t) == nil && t.PersonID != 0 {
			persons[t.PersonID] = true
		}
	}
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
