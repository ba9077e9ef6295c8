package visits

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"sync"
	"time"

	"shequ/internal/database"
)

// The nightly run brings every household's schedule up to date and makes
// every worker's list. A household's due visits change only when what
// derive reads of it changes: the rules, the household and its members
// (the register's change events say which), its visits (recorded with a
// recomputation of the household in the same transaction) and the day —
// which matters only where a tag starts, ends or its follow-ups lapse. So
// after a first run over everything, a run recomputes the households
// changed since the last one and reads the lists from the stored rows:
// on the city, a few thousand households instead of 300,000 derived and
// compared.

const nightlyRun = "nightly"

// settle is how long a transaction may take to commit: change events are
// read again from that long before a run (see Follower).
const settle = 5 * time.Minute

// wideRun is how many change events since the last run make a run go
// over every household instead (a bulk load, an import).
const wideRun = 20000

type lastRun struct {
	day   day
	rules string
	after int64
}

// rulesPrint is a fingerprint of the rules: a run with other rules than
// the last goes over every household.
func rulesPrint(rules []Rule) string {
	h := fnv.New64a()
	for _, r := range rules {
		fmt.Fprintf(h, "%d|%d|%s|%s|%d|%v|%d|%d|%v|%d;", r.ID, r.CommunityID, r.Applies, r.Target, r.IntervalDays,
			r.SeriesDays, r.WindowDays, r.GraceDays, r.Active, r.Version)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

func (s *Service) lastRun(ctx context.Context) (lastRun, bool, error) {
	var r lastRun
	var on string
	err := s.db.QueryRowContext(ctx, `SELECT ran_on, rules, after_id FROM visit_runs WHERE name = $1`, nightlyRun).
		Scan(&on, &r.rules, &r.after)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.day = parseDay(on)
	return r, err == nil && r.day != noDay, err
}

// storeRun records a run over every household made for today with rules,
// that saw the change events up to after.
func (s *Service) storeRun(ctx context.Context, today day, rules []Rule, after int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO visit_runs (name, ran_on, rules, after_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET ran_on = excluded.ran_on, rules = excluded.rules, after_id = excluded.after_id`,
		nightlyRun, today.String(), rulesPrint(rules), after)
	return err
}

// changedSince returns the households whose due visits may have changed
// since a run on day from that had read the change events up to after:
// those the events since touch, and those with a tag starting, ending or
// its follow-ups lapsing on a day in between. wide: too many events to
// follow one by one. next is how far the events were read.
func (s *Service) changedSince(ctx context.Context, rules []Rule, after int64, from, today day) (ids []int64, next int64, wide bool, err error) {
	households, persons := map[int64]bool{}, map[int64]bool{}
	next, read := after, 0
	const batch = 2000
	for {
		// Through the events' id index (entity || '' keeps SQLite off the
		// entity index, which would read every event of the three kinds
		// ever made to find the few after the cursor).
		rows, err := s.db.QueryContext(ctx, `SELECT id, entity, entity_id, changes, snapshot FROM change_events
			WHERE id > $1 AND entity || '' IN ('household', 'person', 'tag') ORDER BY id LIMIT $2`, next, batch)
		if err != nil {
			return nil, 0, false, err
		}
		n := 0
		for rows.Next() {
			var id, entity int64
			var kind, changes, snapshot string
			if err := rows.Scan(&id, &kind, &entity, &changes, &snapshot); err != nil {
				rows.Close()
				return nil, 0, false, err
			}
			n++
			next = id
			touched(kind, entity, changes, snapshot, households, persons)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, false, err
		}
		if read += n; read > wideRun {
			return nil, next, true, nil
		}
		if n < batch {
			break
		}
	}
	if err := s.householdsOfPersons(ctx, persons, households); err != nil {
		return nil, 0, false, err
	}
	if today > from {
		if err := s.tagBoundaries(ctx, rules, from, today, households); err != nil {
			return nil, 0, false, err
		}
	}
	return keys(households), next, false, nil
}

// householdsOfPersons adds the households of the persons.
func (s *Service) householdsOfPersons(ctx context.Context, persons, households map[int64]bool) error {
	ids := keys(persons)
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		a := s.db.InOrder()
		rows, err := s.db.QueryContext(ctx, `SELECT household_id FROM persons WHERE household_id IS NOT NULL AND `+
			a.In("id", database.AnyOf(chunk)...), a.Values()...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h int64
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			households[h] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// tagBoundaries adds the households with a tag of the rules' kinds that
// started in (from, today], ended in [from, today) (read while it holds,
// through its last day) or whose follow-ups lapsed (seriesOwedFor days
// after its start) in between: on those days derive's reading of the tag
// changes without an event.
func (s *Service) tagBoundaries(ctx context.Context, rules []Rule, from, today day, households map[int64]bool) error {
	var codes []any
	for _, r := range rules {
		if r.Active && r.Applies == AppliesTag {
			codes = append(codes, r.Target)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	a := s.db.Args()
	in := a.In("t.tag", codes...)
	f, t := a.Arg(from.String()), a.Arg(today.String())
	lf, lt := a.Arg((from - seriesOwedFor).String()), a.Arg((today - seriesOwedFor).String())
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT p.household_id FROM person_tags t
		JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
		WHERE `+in+` AND p.household_id IS NOT NULL AND ((t.started_on > `+f+` AND t.started_on <= `+t+`)
		OR (t.ended_on >= `+f+` AND t.ended_on < `+t+`) OR (t.started_on >= `+lf+` AND t.started_on < `+lt+`))`, a.Values()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return err
		}
		households[h] = true
	}
	return rows.Err()
}

// dueLists makes every worker's list from the stored due rows: the rows
// whose window is open today, through the open rows' index, with the
// households and their doors read at once beside them.
func (s *Service) dueLists(ctx context.Context, rules []Rule, ws []Worker, today day) ([]Worklist, error) {
	names := map[int64]string{}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	type due struct {
		household, rule int64
		rank            int // the rule's place in the rules' order
		due, overdue    string
	}
	var rows []due
	var f *facts
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		f, errs[0] = s.readFacts(ctx, s.db, rules, factsOf{parallel: true, places: true, noStored: true, noTags: true}, today)
	}()
	go func() {
		defer wg.Done()
		q, err := s.db.QueryContext(ctx, `SELECT household_id, rule_id, due_on, overdue_on FROM visit_schedules
			WHERE status = 'open' AND earliest_on <= $1`, today.String())
		if err != nil {
			errs[1] = err
			return
		}
		defer q.Close()
		for q.Next() {
			var d due
			if err := q.Scan(&d.household, &d.rule, &d.due, &d.overdue); err != nil {
				errs[1] = err
				return
			}
			rows = append(rows, d)
		}
		errs[1] = q.Err()
	}()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	worker := map[int64]int{} // grid → worker
	for i, w := range ws {
		for _, g := range w.Grids {
			worker[g] = i
		}
	}
	// One stop a household, its lines in the order derive gives them
	// (the rules' order), as the full run makes them.
	order := map[int64]int{}
	for i, r := range rules {
		order[r.ID] = i
	}
	for i := range rows {
		rows[i].rank = order[rows[i].rule]
	}
	slices.SortFunc(rows, func(a, b due) int {
		if c := cmp.Compare(a.household, b.household); c != 0 {
			return c
		}
		return cmp.Compare(a.rank, b.rank)
	})
	per := make([][]Stop, len(ws))
	todayText := today.String()
	for i := 0; i < len(rows); {
		hid := rows[i].household
		j := i
		for j < len(rows) && rows[j].household == hid {
			j++
		}
		h := f.households[hid]
		w, ok := 0, false
		if h != nil {
			w, ok = worker[h.grid]
		}
		if ok {
			st := Stop{HouseholdID: h.id, Number: h.number, GridID: h.grid, Building: h.place.building,
				House: h.place.house, Due: rows[i].due, place: h.place}
			for _, d := range rows[i:j] {
				late := d.overdue <= todayText
				st.Lines = append(st.Lines, Line{RuleID: d.rule, Rule: names[d.rule], Due: d.due, Overdue: late})
				st.Overdue = st.Overdue || late
				st.Due = min(st.Due, d.due)
			}
			per[w] = append(per[w], st)
		}
		i = j
	}
	lists := make([]Worklist, len(ws))
	for i, w := range ws {
		lists[i] = cut(w, per[i], today)
	}
	return lists, nil
}
