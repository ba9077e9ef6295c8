package workaccess

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"time"
)

// VisitsDone is the visits recorded (百家熟, 入户走访), the work done of the
// catalogue item counted from them (work_items.counted_from 'visits'): the
// visits capability answers it; the server wires it (CountVisits).
type VisitsDone interface {
	// DoneByMonth counts the visits made in the months from..to (YYYY-MM)
	// by month and community, of the communities named.
	DoneByMonth(ctx context.Context, communities []int64, from, to string) (map[string]map[int64]int, error)
}

// CountVisits has the ledger and the board count v's visits as the work
// done of the catalogue's visit item.
func (s *Service) CountVisits(v VisitsDone) { s.visits = v }

// CountedFromVisits is work_items.counted_from of the item whose work the
// visits are.
const CountedFromVisits = "visits"

// visitItem is the item the visits count for (the first, should an
// administrator have marked two), 0 when none is or no visits are wired.
func (s *Service) visitItem(ctx context.Context) (int64, error) {
	if s.visits == nil {
		return 0, nil
	}
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM work_items WHERE counted_from = $1 AND kind <> 'negative'
		ORDER BY id LIMIT 1`, CountedFromVisits).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// visitsDone is the visits of the communities in the months from..to as
// the visit item's work, by community and month. The rule is workDone's:
// a month the staff recorded the item by hand stands as they recorded it,
// so the caller adds these only where there is no hand record; the visits
// add to the item's done demands of the inbox, both being work the
// community did.
func (s *Service) visitsDone(ctx context.Context, communities []int64, from, to string) (map[doneKey]int64, error) {
	item, err := s.visitItem(ctx)
	if err != nil || item == 0 || len(communities) == 0 {
		return nil, err
	}
	byMonth, err := s.visits.DoneByMonth(ctx, communities, from, to)
	if err != nil {
		return nil, err
	}
	out := map[doneKey]int64{}
	for period, cs := range byMonth {
		for c, n := range cs {
			if n > 0 {
				out[doneKey{c, item, period}] = int64(n)
			}
		}
	}
	return out, nil
}

// yearVisits is what the visits add to a board's year of sums (readYear,
// kept while the ledger's generation stands, which visits do not advance:
// so they are read each time, one grouped read): by month, the visits of
// the communities that recorded nothing by hand for the visit item, and
// the communities newly counted as having done it (not already by a done
// demand).
func (s *Service) yearVisits(ctx context.Context, scope areaScope, ids []int64, m time.Time) (map[monthItem]monthSums, error) {
	first := m.AddDate(0, -11, 0)
	from, to := first.Format("2006-01"), m.Format("2006-01")
	visits, err := s.visitsDone(ctx, ids, from, to)
	if err != nil || len(visits) == 0 {
		return nil, err
	}
	var item int64
	for k := range visits {
		item = k.item
		break
	}
	type cm struct {
		community int64
		period    string
	}
	hand, inbox := map[cm]bool{}, map[cm]bool{}
	read := func(into map[cm]bool, query string, args []any) error {
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k cm
			if err := rows.Scan(&k.community, &k.period); err != nil {
				return err
			}
			into[k] = true
		}
		return rows.Err()
	}
	a := s.db.Args(item, from, to)
	if err := read(hand, `SELECT d.community_id, d.period FROM work_done d WHERE d.item_id = $1 AND d.period >= $2
		AND d.period <= $3 AND `+scope.where(a, "d.community_id"), a.Values()); err != nil {
		return nil, err
	}
	a = s.db.Args(item, dateOf(first), dateOf(m.AddDate(0, 1, -1)))
	if err := read(inbox, `SELECT DISTINCT m.community_id, SUBSTR(m.done_on, 1, 7) FROM demands m
		WHERE m.status = 'done' AND m.work_item_id = $1 AND m.done_on >= $2 AND m.done_on <= $3
		AND `+scope.where(a, "m.community_id"), a.Values()); err != nil {
		return nil, err
	}
	out := map[monthItem]monthSums{}
	for k, n := range visits {
		at := cm{k.community, k.period}
		if hand[at] {
			continue
		}
		sums := out[monthItem{k.period, k.item}]
		sums.occurrences += n
		if !inbox[at] {
			sums.communities++
		}
		out[monthItem{k.period, k.item}] = sums
	}
	return out, nil
}

// withVisits is the year y with the visits added, leaving y (kept for
// other boards) as it was.
func (y *yearData) withVisits(add map[monthItem]monthSums) *yearData {
	if len(add) == 0 {
		return y
	}
	out := *y
	out.done = maps.Clone(y.done)
	for k, v := range add {
		sums := out.done[k]
		sums.occurrences += v.occurrences
		sums.communities += v.communities
		out.done[k] = sums
	}
	return &out
}
