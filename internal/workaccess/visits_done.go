package workaccess

import (
	"context"
	"maps"
	"slices"
	"time"

	"shequ/internal/database"
)

// DoneCounter counts another capability's records as the work done of the
// catalogue item whose work_items.counted_from names it: the visits
// recorded (百家熟, 入户走访) for 'visits', the volunteer activities held
// for 'volunteers'. The capability answers it; the server wires it
// (CountVisits, CountVolunteers).
type DoneCounter interface {
	// DoneByMonth counts the records of the months from..to (YYYY-MM) by
	// month and community, of the communities named.
	DoneByMonth(ctx context.Context, communities []int64, from, to string) (map[string]map[int64]int, error)
}

// VisitsDone is the visits recorded, the work done of the catalogue's
// visit item.
type VisitsDone = DoneCounter

// CountVisits has the ledger and the board count v's visits as the work
// done of the catalogue's visit item.
func (s *Service) CountVisits(v VisitsDone) { s.countFrom(CountedFromVisits, v) }

// CountVolunteers has the ledger and the board count the volunteer
// activities v held (志愿服务活动, one per shift with a volunteer checked
// in) as the work done of the catalogue's volunteer item: organising them
// is the community staff's work, the volunteers' hours are not.
func (s *Service) CountVolunteers(v DoneCounter) { s.countFrom(CountedFromVolunteers, v) }

// CountParty has the ledger and the board count the staff's acts of
// 在职党员双报到 p recorded (registrations, re-reports, 微心愿 recorded and
// confirmed, employers' cards sent) as the work done of the catalogue's
// party item; the members' own service hours are not the staff's work.
func (s *Service) CountParty(p DoneCounter) { s.countFrom(CountedFromParty, p) }

// work_items.counted_from of the items whose work other capabilities count.
const (
	CountedFromVisits     = "visits"
	CountedFromVolunteers = "volunteers"
	CountedFromParty      = "party"
)

type counter struct {
	name string
	src  DoneCounter
}

func (s *Service) countFrom(name string, src DoneCounter) {
	for i, c := range s.counted {
		if c.name == name {
			s.counted[i].src = src
			return
		}
	}
	s.counted = append(s.counted, counter{name, src})
}

// countedItems is, by item, the counter whose records are its work: for
// each counter wired, the first item marked with its name (should an
// administrator have marked two); none where no item is marked.
func (s *Service) countedItems(ctx context.Context) (map[int64]DoneCounter, error) {
	if len(s.counted) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, counted_from FROM work_items WHERE counted_from <> ''
		AND kind <> 'negative' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out, seen := map[int64]DoneCounter{}, map[string]bool{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, c := range s.counted {
			if c.name == name {
				out[id] = c.src
			}
		}
	}
	return out, rows.Err()
}

// countedDone is the counted records of the communities in the months
// from..to as their items' work, by community, item and month. The rule
// is workDone's: a month the staff recorded an item by hand stands as
// they recorded it, so the caller adds these only where there is no hand
// record; they add to the item's done demands of the inbox, both being
// work the community did.
func (s *Service) countedDone(ctx context.Context, communities []int64, from, to string) (map[doneKey]int64, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	items, err := s.countedItems(ctx)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	out := map[doneKey]int64{}
	for item, src := range items {
		byMonth, err := src.DoneByMonth(ctx, communities, from, to)
		if err != nil {
			return nil, err
		}
		for period, cs := range byMonth {
			for c, n := range cs {
				if n > 0 {
					out[doneKey{c, item, period}] = int64(n)
				}
			}
		}
	}
	return out, nil
}

// yearCounted is what the counted records add to a board's year of sums
// (readYear, kept while the ledger's generation stands, which other
// capabilities do not advance: so they are read each time, one grouped
// read each): by month and item, the records of the communities that
// recorded nothing by hand for the item, and the communities newly
// counted as having done it (not already by a done demand).
func (s *Service) yearCounted(ctx context.Context, scope areaScope, ids []int64, m time.Time) (map[monthItem]monthSums, error) {
	first := m.AddDate(0, -11, 0)
	from, to := first.Format("2006-01"), m.Format("2006-01")
	counted, err := s.countedDone(ctx, ids, from, to)
	if err != nil || len(counted) == 0 {
		return nil, err
	}
	var items []int64
	for k := range counted {
		if !slices.Contains(items, k.item) {
			items = append(items, k.item)
		}
	}
	type cmi struct {
		community int64
		period    string
		item      int64
	}
	hand, inbox := map[cmi]bool{}, map[cmi]bool{}
	read := func(into map[cmi]bool, query string, args []any) error {
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k cmi
			if err := rows.Scan(&k.community, &k.period, &k.item); err != nil {
				return err
			}
			into[k] = true
		}
		return rows.Err()
	}
	a := s.db.Args(from, to)
	if err := read(hand, `SELECT d.community_id, d.period, d.item_id FROM work_done d WHERE `+
		a.In("d.item_id", database.AnyOf(items)...)+` AND d.period >= $1 AND d.period <= $2 AND `+
		scope.where(a, "d.community_id"), a.Values()); err != nil {
		return nil, err
	}
	a = s.db.Args(dateOf(first), dateOf(m.AddDate(0, 1, -1)))
	if err := read(inbox, `SELECT DISTINCT m.community_id, SUBSTR(m.done_on, 1, 7), m.work_item_id FROM demands m
		WHERE m.status = 'done' AND `+a.In("m.work_item_id", database.AnyOf(items)...)+` AND m.done_on >= $1
		AND m.done_on <= $2 AND `+scope.where(a, "m.community_id"), a.Values()); err != nil {
		return nil, err
	}
	out := map[monthItem]monthSums{}
	for k, n := range counted {
		at := cmi{k.community, k.period, k.item}
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

// withCounted is the year y with the counted records added, leaving y
// (kept for other boards) as it was.
func (y *yearData) withCounted(add map[monthItem]monthSums) *yearData {
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
