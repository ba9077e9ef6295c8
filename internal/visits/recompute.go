package visits

import (
	"context"
	"database/sql"
	"strings"

	"shequ/internal/database"
)

// Recomputation: the rows the register and the rules owe each household,
// against the rows stored. A row owed and missing is inserted, one whose
// days changed is updated, a void one owed again reopens, an open one no
// longer owed becomes void; a done row is never touched. All writes are
// upserts on the row's key guarded against reopening a done row, so that
// running it twice, or beside a visit being recorded, changes nothing more.

// storedRow is a schedule row as stored.
type storedRow struct {
	dueRow
	status string
	doneOn day
}

// Counts says what a recomputation changed.
type Counts struct {
	Households int `json:"households"`
	Inserted   int `json:"inserted"`
	Updated    int `json:"updated"`
	Voided     int `json:"voided"`
}

// facts is what a recomputation read.
type facts struct {
	households map[int64]*householdFacts
	order      []int64 // households in the order read
	stored     map[int64][]storedRow
}

// Recompute brings the schedules of every household up to date: the full
// recomputation after rules change, and the city's nightly one.
func (s *Service) Recompute(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.recompute(ctx, tx, nil)
		return err
	})
	return c, err
}

// RecomputeHouseholds brings the schedules of the named households up to
// date (households gone or dissolved have their open rows voided).
func (s *Service) RecomputeHouseholds(ctx context.Context, ids []int64) (Counts, error) {
	var c Counts
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.recompute(ctx, tx, ids)
		return err
	})
	return c, err
}

// recompute runs in tx over the households ids (nil: all).
func (s *Service) recompute(ctx context.Context, tx *sql.Tx, ids []int64) (Counts, error) {
	if ids != nil && len(ids) == 0 {
		return Counts{}, nil
	}
	rules, err := rulesOf(ctx, tx, nil)
	if err != nil {
		return Counts{}, err
	}
	today := s.today()
	f, err := s.readFacts(ctx, tx, rules, factsOf{ids: ids}, today)
	if err != nil {
		return Counts{}, err
	}
	w := newScheduleWriter(s.db, tx, database.FormatTime(s.now()))
	c := Counts{Households: len(f.households)}
	var owed []dueRow
	lastDone := map[int64]day{}
	seen := map[dueKey]bool{}
	visit := func(hid int64, h *householdFacts) error {
		stored := f.stored[hid]
		clear(lastDone)
		clear(seen)
		byKey := make(map[dueKey]*storedRow, len(stored))
		for i := range stored {
			r := &stored[i]
			byKey[r.key()] = r
			if r.status == statusDone && r.doneOn > lastDone[r.rule] {
				lastDone[r.rule] = r.doneOn
			}
		}
		owed = owed[:0]
		if h != nil {
			owed = derive(rules, h, lastDone, today, owed)
		}
		for _, o := range owed {
			seen[o.key()] = true
			old, ok := byKey[o.key()]
			switch {
			case !ok:
				c.Inserted++
			case old.status == statusDone:
				continue
			case old.status == statusOpen && old.earliest == o.earliest && old.due == o.due && old.overdue == o.overdue &&
				old.anchorOn == o.anchorOn:
				continue
			default:
				c.Updated++
			}
			if err := w.upsert(ctx, o); err != nil {
				return err
			}
		}
		for i := range stored {
			r := &stored[i]
			if r.status == statusOpen && !seen[r.key()] {
				c.Voided++
				if err := w.void(ctx, r.dueRow); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, hid := range f.order {
		if err := visit(hid, f.households[hid]); err != nil {
			return c, err
		}
	}
	// Households with rows but no longer on the register (dissolved, gone to
	// another community): their open rows become void.
	for hid := range f.stored {
		if _, ok := f.households[hid]; !ok {
			if err := visit(hid, nil); err != nil {
				return c, err
			}
		}
	}
	return c, w.flush(ctx)
}

// Statuses of a schedule row.
const (
	statusOpen = "open"
	statusDone = "done"
	statusVoid = "void"
)

// factsOf says which households to read: ids, or a community's, or (both
// zero) all; noStored skips their schedule rows.
type factsOf struct {
	ids       []int64
	community int64
	noStored  bool
}

// readFacts reads the households (all, or ids), their members' tags of the
// kinds rules name and their stored rows.
func (s *Service) readFacts(ctx context.Context, q database.Querier, rules []Rule, which factsOf, today day) (*facts, error) {
	f := &facts{households: map[int64]*householdFacts{}, stored: map[int64][]storedRow{}}
	ids := which.ids
	filter := func(col, communityCol string) (string, []any) {
		a := s.db.InOrder()
		switch {
		case which.community != 0:
			return " AND " + communityCol + " = " + a.Arg(which.community), a.Values()
		case ids == nil:
			return "", nil
		}
		return " AND " + a.In(col, database.AnyOf(ids)...), a.Values()
	}
	where, args := filter("h.id", "h.community_id")
	rows, err := q.QueryContext(ctx, `SELECT h.community_id, h.id, h.kind, h.created_at, COALESCE(h.grid_id, 0) FROM households h
		WHERE h.status = 'active'`+where, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		h := &householdFacts{}
		var created string
		if err := rows.Scan(&h.community, &h.id, &h.kind, &created, &h.grid); err != nil {
			rows.Close()
			return nil, err
		}
		h.since = parseDay(created)
		f.households[h.id] = h
		f.order = append(f.order, h.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var codes []any
	for _, r := range rules {
		if r.Active && r.Applies == AppliesTag {
			codes = append(codes, r.Target)
		}
	}
	if len(codes) > 0 {
		a := s.db.InOrder()
		in := a.In("t.tag", codes...)
		todayArg := a.Arg(today.String())
		where := ""
		switch {
		case which.community != 0:
			where = " AND t.community_id = " + a.Arg(which.community)
		case ids != nil:
			where = " AND " + a.In("p.household_id", database.AnyOf(ids)...)
		}
		rows, err := q.QueryContext(ctx, `SELECT p.household_id, t.id, t.tag, t.started_on, COALESCE(t.ended_on, '')
			FROM person_tags t JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
			WHERE `+in+` AND (t.ended_on IS NULL OR t.ended_on >= `+todayArg+`) AND p.household_id IS NOT NULL
			AND p.status = 'active'`+where, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var hid int64
			var t tagFact
			var start, end string
			if err := rows.Scan(&hid, &t.id, &t.code, &start, &end); err != nil {
				rows.Close()
				return nil, err
			}
			t.start, t.end = parseDay(start), parseDay(end)
			if h := f.households[hid]; h != nil {
				h.tags = append(h.tags, t)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if which.noStored {
		return f, nil
	}
	where, args = filter("household_id", "community_id")
	rows, err = q.QueryContext(ctx, `SELECT community_id, household_id, rule_id, anchor, seq, anchor_on, earliest_on, due_on,
		overdue_on, status, done_on FROM visit_schedules WHERE status <> 'void'`+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := map[string]day{}
	dayOf := func(s string) day {
		d, ok := days[s]
		if !ok {
			d = parseDay(s)
			days[s] = d
		}
		return d
	}
	anchors := map[string]string{}
	for rows.Next() {
		var r storedRow
		var anchorOn, earliest, due, overdue, doneOn string
		if err := rows.Scan(&r.community, &r.household, &r.rule, &r.anchor, &r.seq, &anchorOn, &earliest, &due, &overdue,
			&r.status, &doneOn); err != nil {
			return nil, err
		}
		if a, ok := anchors[r.anchor]; ok {
			r.anchor = a
		} else {
			r.anchor = strings.Clone(r.anchor)
			anchors[r.anchor] = r.anchor
		}
		r.anchorOn, r.earliest, r.due, r.overdue, r.doneOn = dayOf(anchorOn), dayOf(earliest), dayOf(due), dayOf(overdue), dayOf(doneOn)
		f.stored[r.household] = append(f.stored[r.household], r)
	}
	return f, rows.Err()
}

// scheduleWriter batches the upserts and voids of a recomputation into
// multi-row statements.
type scheduleWriter struct {
	db      *database.DB
	tx      *sql.Tx
	stamp   string
	names   dayNames
	upserts []dueRow
	voids   []dueRow
}

func newScheduleWriter(db *database.DB, tx *sql.Tx, stamp string) *scheduleWriter {
	return &scheduleWriter{db: db, tx: tx, stamp: stamp, names: dayNames{}}
}

const writeBatch = 500

func (w *scheduleWriter) upsert(ctx context.Context, r dueRow) error {
	w.upserts = append(w.upserts, r)
	if len(w.upserts) >= writeBatch {
		return w.flushUpserts(ctx)
	}
	return nil
}

func (w *scheduleWriter) void(ctx context.Context, r dueRow) error {
	w.voids = append(w.voids, r)
	if len(w.voids) >= writeBatch {
		return w.flushVoids(ctx)
	}
	return nil
}

func (w *scheduleWriter) flush(ctx context.Context) error {
	if err := w.flushUpserts(ctx); err != nil {
		return err
	}
	return w.flushVoids(ctx)
}

func (w *scheduleWriter) flushUpserts(ctx context.Context) error {
	if len(w.upserts) == 0 {
		return nil
	}
	a := w.db.InOrder()
	var b strings.Builder
	b.WriteString(`INSERT INTO visit_schedules (community_id, household_id, rule_id, anchor, seq, anchor_on, earliest_on,
		due_on, overdue_on, status, updated_at) VALUES `)
	for i, r := range w.upserts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Row(r.community, r.household, r.rule, r.anchor, r.seq, w.names.of(r.anchorOn),
			w.names.of(r.earliest), w.names.of(r.due), w.names.of(r.overdue), statusOpen, w.stamp))
	}
	// A row done meanwhile (a visit recorded beside this recomputation)
	// stays done.
	b.WriteString(` ON CONFLICT (community_id, household_id, rule_id, anchor, seq) DO UPDATE SET
		anchor_on = excluded.anchor_on, earliest_on = excluded.earliest_on, due_on = excluded.due_on,
		overdue_on = excluded.overdue_on, status = excluded.status, updated_at = excluded.updated_at
		WHERE visit_schedules.status <> 'done'`)
	w.upserts = w.upserts[:0]
	_, err := w.tx.ExecContext(ctx, b.String(), a.Values()...)
	return err
}

func (w *scheduleWriter) flushVoids(ctx context.Context) error {
	if len(w.voids) == 0 {
		return nil
	}
	a := w.db.InOrder()
	var b strings.Builder
	b.WriteString(`UPDATE visit_schedules SET status = 'void', updated_at = ` + a.Arg(w.stamp) + ` WHERE status = 'open' AND (`)
	for i, r := range w.voids {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("(community_id = " + a.Arg(r.community) + " AND household_id = " + a.Arg(r.household) +
			" AND rule_id = " + a.Arg(r.rule) + " AND anchor = " + a.Arg(r.anchor) + " AND seq = " + a.Arg(r.seq) + ")")
	}
	b.WriteString(")")
	w.voids = w.voids[:0]
	_, err := w.tx.ExecContext(ctx, b.String(), a.Values()...)
	return err
}
