package visits

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"shequ/internal/database"
)

// Recomputation: the rows the register and the rules owe each household,
// against the rows stored. A row owed and missing is inserted, one whose
// days changed is updated, a void one owed again reopens, an open one no
// longer owed becomes void; a done row is never touched. All writes are
// upserts on the row's key guarded against reopening a done row, so that
// running it twice, or beside a visit being recorded, changes nothing more.

// storedRow is an open schedule row as stored.
type storedRow struct {
	dueRow
	status string
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
	order      []int64               // households in the order read
	stored     map[int64][]storedRow // open rows
	progress   map[int64][]progressRow
}

// progressRow is a row of visit_progress.
type progressRow struct {
	rule   int64
	anchor string
	doneOn day
	seq    int
}

// Recompute brings the schedules of every household up to date: the full
// recomputation after rules change, and the city's nightly one.
//
// The four tables are read at once, each on a connection of its own,
// before the writing transaction opens: what changes meanwhile (a visit, a
// tag) is seen by the follower's next pass; the writes' guards keep a row
// done meanwhile done.
func (s *Service) Recompute(ctx context.Context) (Counts, error) {
	rules, err := rulesOf(ctx, s.db, nil)
	if err != nil {
		return Counts{}, err
	}
	today := s.today()
	// The change events read again by the next run start before this one:
	// what commits meanwhile is seen by that run.
	after := database.IDAt(s.now().Add(-settle))
	f, err := s.readFacts(ctx, s.db, rules, factsOf{parallel: true}, today)
	if err != nil {
		return Counts{}, err
	}
	var c Counts
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.apply(ctx, tx, rules, f, today)
		return err
	})
	if err != nil {
		return c, err
	}
	return c, s.storeRun(ctx, today, rules, after)
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

// recomputeInChunks recomputes the households ids 500 to a transaction, so
// that a day's thousands of changed households never hold the write lock
// long, and sums what the chunks did.
func (s *Service) recomputeInChunks(ctx context.Context, ids []int64) (Counts, error) {
	var c Counts
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		n, err := s.RecomputeHouseholds(ctx, chunk)
		if err != nil {
			return c, err
		}
		c.Households += n.Households
		c.Inserted += n.Inserted
		c.Updated += n.Updated
		c.Voided += n.Voided
	}
	return c, nil
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
	return s.apply(ctx, tx, rules, f, today)
}

// apply writes what the facts owe against their stored rows, in tx.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, rules []Rule, f *facts, today day) (Counts, error) {
	return s.applyEach(ctx, tx, rules, f, today, nil)
}

// applyEach is apply calling each with every household's owed rows.
func (s *Service) applyEach(ctx context.Context, tx *sql.Tx, rules []Rule, f *facts, today day,
	each func(h *householdFacts, owed []dueRow)) (Counts, error) {
	w := newScheduleWriter(s.db, tx, database.FormatTime(s.now()))
	c := Counts{Households: len(f.households)}
	var owed []dueRow
	pr := newProgress()
	seen := map[dueKey]bool{}
	byKey := map[dueKey]*storedRow{}
	visit := func(hid int64, h *householdFacts) error {
		stored := f.stored[hid]
		pr.reset()
		clear(seen)
		clear(byKey)
		for i := range stored {
			r := &stored[i]
			byKey[r.key()] = r
		}
		for _, p := range f.progress[hid] {
			if p.anchor == "" {
				pr.lastDone[p.rule] = p.doneOn
			} else {
				pr.seriesDone[seriesKey{p.rule, p.anchor}] = p.seq
			}
		}
		owed = owed[:0]
		if h != nil {
			owed = derive(rules, h, pr, today, owed)
			if each != nil {
				each(h, owed)
			}
		}
		for _, o := range owed {
			seen[o.key()] = true
			old, ok := byKey[o.key()]
			switch {
			case !ok:
				c.Inserted++ // or a void row reopened; a done one stays done (see flushUpserts)
			case old.earliest == o.earliest && old.due == o.due && old.overdue == o.overdue:
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
			if !seen[r.key()] {
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
	// Households with open rows but no longer on the register (dissolved, gone to
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
	ids         []int64
	community   int64
	communities []int64 // several communities' households, in one read
	noStored    bool
	noTags      bool // the members' tags are not needed (the lists of stored rows)
	parallel    bool // read the tables at once, outside the transaction
	places      bool // read where each household's door is (its house and building), for worklists
}

// readFacts reads the households (all, or ids), their members' tags of the
// kinds rules name and their stored rows.
func (s *Service) readFacts(ctx context.Context, q database.Querier, rules []Rule, which factsOf, today day) (*facts, error) {
	f := &facts{households: map[int64]*householdFacts{}, stored: map[int64][]storedRow{}, progress: map[int64][]progressRow{}}
	r := factReader{s: s, which: which, today: today}
	var tags map[int64][]tagFact
	parts := []func(q database.Querier) error{
		func(q database.Querier) error { return r.households(ctx, q, f) },
	}
	if !which.noTags {
		parts = append(parts, func(q database.Querier) (err error) { tags, err = r.tags(ctx, q, rules, f); return err })
	}
	if !which.noStored {
		parts = append(parts, func(q database.Querier) error { return r.progress(ctx, q, f) },
			func(q database.Querier) error { return r.open(ctx, q, f) })
	}
	var houses map[houseKey]houseRow
	var buildings map[int64]string
	if which.places {
		parts = append(parts, func(q database.Querier) (err error) { houses, err = r.houses(ctx, q); return err },
			func(q database.Querier) (err error) { buildings, err = r.buildings(ctx, q); return err })
	}
	if which.parallel {
		// The city's full recomputation reads its four tables at once, each
		// on a connection of its own, outside the writing transaction: what
		// changes meanwhile is the follower's next pass.
		errs := make([]error, len(parts))
		var wg sync.WaitGroup
		for i, part := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = part(s.db)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	} else {
		for _, part := range parts {
			if err := part(q); err != nil {
				return nil, err
			}
		}
	}
	for hid, ts := range tags {
		if h := f.households[hid]; h != nil {
			h.tags = ts
		}
	}
	if which.places {
		for _, h := range f.households {
			if ho, ok := houses[houseKey{h.community, h.house}]; ok {
				h.place = placeOf(buildings[ho.building], ho.building, ho.number)
			}
		}
	}
	return f, nil
}

type houseKey struct{ community, id int64 }

type houseRow struct {
	building int64
	number   string
}

// houses reads every house's building and 房号: one pass over the table,
// cheaper than looking each household's house up.
func (r factReader) houses(ctx context.Context, q database.Querier) (map[houseKey]houseRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT community_id, id, building_id, number FROM houses`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[houseKey]houseRow{}
	for rows.Next() {
		var k houseKey
		var h houseRow
		if err := rows.Scan(&k.community, &k.id, &h.building, &h.number); err != nil {
			return nil, err
		}
		out[k] = h
	}
	return out, rows.Err()
}

func (r factReader) buildings(ctx context.Context, q database.Querier) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM buildings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// factReader reads the parts of the facts.
type factReader struct {
	s     *Service
	which factsOf
	today day
}

func (r factReader) filter(col, communityCol string) (string, []any) {
	a := r.s.db.InOrder()
	switch {
	case r.which.community != 0:
		return " AND " + communityCol + " = " + a.Arg(r.which.community), a.Values()
	case r.which.communities != nil:
		return " AND " + a.In(communityCol, database.AnyOf(r.which.communities)...), a.Values()
	case r.which.ids == nil:
		return "", nil
	}
	return " AND " + a.In(col, database.AnyOf(r.which.ids)...), a.Values()
}

// households reads the households. Their kind, registration day and
// number come as one text, split here: the driver makes a string of every
// text column of every row, and on the city's 300,000 households one
// string a row instead of three is a good part of the read.
func (r factReader) households(ctx context.Context, q database.Querier, f *facts) error {
	where, args := r.filter("h.id", "h.community_id")
	rows, err := q.QueryContext(ctx, `SELECT h.community_id, h.id, COALESCE(h.grid_id, 0), COALESCE(h.house_id, 0),
		SUBSTR(h.created_at, 1, 10) || h.kind || '|' || h.number FROM households h WHERE h.status = 'active'`+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	kinds := map[string]string{}
	days := map[string]day{}
	for rows.Next() {
		h := &householdFacts{}
		var text string
		if err := rows.Scan(&h.community, &h.id, &h.grid, &h.house, &text); err != nil {
			return err
		}
		created, rest := text[:min(10, len(text))], text[min(10, len(text)):]
		kind, number, _ := strings.Cut(rest, "|")
		if k, ok := kinds[kind]; ok {
			h.kind = k
		} else {
			h.kind = strings.Clone(kind)
			kinds[h.kind] = h.kind
		}
		h.number = number
		d, ok := days[created]
		if !ok {
			d = parseDay(created)
			days[strings.Clone(created)] = d
		}
		h.since = d
		f.households[h.id] = h
		f.order = append(f.order, h.id)
	}
	return rows.Err()
}

// tags reads the tags of the households' members. Households named by id
// are read first (parts run in order unless parallel) and their tags
// through their communities: a visit recorded reads its community's tags,
// not every tag of the rules' kinds in the city.
func (r factReader) tags(ctx context.Context, q database.Querier, rules []Rule, f *facts) (map[int64][]tagFact, error) {
	out := map[int64][]tagFact{}
	var codes []any
	for _, rule := range rules {
		if rule.Active && rule.Applies == AppliesTag {
			codes = append(codes, rule.Target)
		}
	}
	if len(codes) == 0 {
		return out, nil
	}
	a := r.s.db.InOrder()
	in := a.In("t.tag", codes...)
	todayArg := a.Arg(r.today.String())
	where := ""
	switch {
	case r.which.community != 0:
		where = " AND t.community_id = " + a.Arg(r.which.community)
	case r.which.communities != nil:
		where = " AND " + a.In("t.community_id", database.AnyOf(r.which.communities)...)
	case r.which.ids != nil:
		seen := map[int64]bool{}
		var cs []int64
		for _, h := range f.households {
			if !seen[h.community] {
				seen[h.community] = true
				cs = append(cs, h.community)
			}
		}
		if len(cs) == 0 {
			return out, nil // none of them is on the register
		}
		where = " AND " + a.In("p.community_id", database.AnyOf(cs)...) + " AND " + a.In("p.household_id", database.AnyOf(r.which.ids)...)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.household_id, t.id, t.tag, t.started_on, COALESCE(t.ended_on, '')
		FROM person_tags t JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
		WHERE `+in+` AND (t.ended_on IS NULL OR t.ended_on >= `+todayArg+`) AND p.household_id IS NOT NULL
		AND p.status = 'active'`+where, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var hid int64
		var t tagFact
		var start, end string
		if err := rows.Scan(&hid, &t.id, &t.code, &start, &end); err != nil {
			return nil, err
		}
		t.start, t.end = parseDay(start), parseDay(end)
		out[hid] = append(out[hid], t)
	}
	return out, rows.Err()
}

func (r factReader) progress(ctx context.Context, q database.Querier, f *facts) error {
	where, args := r.filter("household_id", "community_id")
	rows, err := q.QueryContext(ctx, `SELECT household_id, rule_id, anchor, done_on, done_seq FROM visit_progress
		WHERE 1 = 1`+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var hid int64
		var p progressRow
		var on string
		if err := rows.Scan(&hid, &p.rule, &p.anchor, &on, &p.seq); err != nil {
			return err
		}
		p.doneOn = parseDay(on)
		f.progress[hid] = append(f.progress[hid], p)
	}
	return rows.Err()
}

// open reads the open rows, through their index: done and void rows are
// history. The anchor and the three days come as one text (see
// households): fixed-width days first, then the anchor.
func (r factReader) open(ctx context.Context, q database.Querier, f *facts) error {
	where, args := r.filter("household_id", "community_id")
	// From the open rows' index alone. anchor_on is not compared: a
	// changed start changes the anchor or the days.
	rows, err := q.QueryContext(ctx, `SELECT community_id, household_id, rule_id, seq,
		earliest_on || due_on || overdue_on || anchor FROM visit_schedules WHERE status = 'open'`+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	days := map[string]day{}
	dayOf := func(s string) day {
		d, ok := days[s]
		if !ok {
			d = parseDay(s)
			days[strings.Clone(s)] = d
		}
		return d
	}
	anchors := map[string]string{}
	for rows.Next() {
		var sr storedRow
		var text string
		if err := rows.Scan(&sr.community, &sr.household, &sr.rule, &sr.seq, &text); err != nil {
			return err
		}
		if len(text) < 30 {
			return errors.New("visits: an open schedule row without its days")
		}
		sr.status = statusOpen
		anchor := text[30:]
		if a, ok := anchors[anchor]; ok {
			sr.anchor = a
		} else {
			sr.anchor = strings.Clone(anchor)
			anchors[sr.anchor] = sr.anchor
		}
		sr.earliest, sr.due, sr.overdue = dayOf(text[:10]), dayOf(text[10:20]), dayOf(text[20:30])
		f.stored[sr.household] = append(f.stored[sr.household], sr)
	}
	return rows.Err()
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

// markDone marks the open rows of a household whose window a visit on day
// on falls in as done by it, and records the progress, in tx; it returns
// how many rows it satisfied.
func (s *Service) markDone(ctx context.Context, tx *sql.Tx, community, household, visit int64, on, stamp string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE visit_schedules SET status = 'done', visit_id = $1, done_on = $2, updated_at = $3
		WHERE community_id = $4 AND household_id = $5 AND status = 'open' AND earliest_on <= $2`,
		visit, on, stamp, community, household)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	// A late record (a phone syncing a visit older than one already
	// recorded) does not move the progress back.
	_, err = tx.ExecContext(ctx, `INSERT INTO visit_progress (community_id, household_id, rule_id, anchor, done_on, done_seq)
		SELECT community_id, household_id, rule_id, CASE WHEN anchor LIKE 'd%' THEN '' ELSE anchor END, done_on, MAX(seq)
		FROM visit_schedules WHERE community_id = $1 AND household_id = $2 AND visit_id = $3
		GROUP BY community_id, household_id, rule_id, CASE WHEN anchor LIKE 'd%' THEN '' ELSE anchor END, done_on
		ON CONFLICT (community_id, household_id, rule_id, anchor) DO UPDATE SET
		done_on = CASE WHEN excluded.done_on > visit_progress.done_on THEN excluded.done_on ELSE visit_progress.done_on END,
		done_seq = CASE WHEN excluded.done_seq > visit_progress.done_seq THEN excluded.done_seq ELSE visit_progress.done_seq END`,
		community, household, visit)
	return int(n), err
}
