package visits

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"sync"

	"shequ/internal/database"
)

// Worklist is a worker's list for a day: the households with a visit due,
// overdue ones first, each part along the walking route, cut to the
// worker's daily share. A household owed visits by several rules is one
// stop (合并走访): one visit satisfies them all.
type Worklist struct {
	Worker   Worker `json:"worker"`
	Day      string `json:"day"`
	Stops    []Stop `json:"stops"`    // today's, at most Capacity
	Due      int    `json:"due"`      // households with a visit due (overdue included)
	Overdue  int    `json:"overdue"`  // of those, overdue
	Capacity int    `json:"capacity"` // the worker's daily share
}

// Stop is one household on the list.
type Stop struct {
	HouseholdID int64  `json:"household_id"`
	Number      string `json:"number"` // 户号
	GridID      int64  `json:"grid_id"`
	Building    string `json:"building"`
	House       string `json:"house"` // 房号
	Overdue     bool   `json:"overdue"`
	Due         string `json:"due"`   // the earliest due day of its lines
	Lines       []Line `json:"lines"` // the rules it is visited for
	place       place
}

// Line is one rule a stop is visited for.
type Line struct {
	RuleID  int64  `json:"rule_id"`
	Rule    string `json:"rule"`
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
}

// Worklists returns the lists of every worker of the communities (nil:
// all): one read of each community's due rows.
func (s *Service) Worklists(ctx context.Context, communities []int64) ([]Worklist, error) {
	ws, err := s.Workers(ctx, communities)
	if err != nil {
		return nil, err
	}
	return s.worklistsOf(ctx, ws)
}

// WorklistOf returns one worker's list.
func (s *Service) WorklistOf(ctx context.Context, w Worker) (Worklist, error) {
	ls, err := s.worklistsOf(ctx, []Worker{w})
	if err != nil || len(ls) == 0 {
		return Worklist{Worker: w}, err
	}
	return ls[0], nil
}

func (s *Service) worklistsOf(ctx context.Context, ws []Worker) ([]Worklist, error) {
	rules, err := s.Rules(ctx, nil)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	today := s.today()
	byCommunity := map[int64][]int{}
	var order []int64
	for i, w := range ws {
		if _, ok := byCommunity[w.CommunityID]; !ok {
			order = append(order, w.CommunityID)
		}
		byCommunity[w.CommunityID] = append(byCommunity[w.CommunityID], i)
	}
	out := make([]Worklist, len(ws))
	// Communities are read four at a time, each on a connection of its own.
	jobs := make(chan int64)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for k := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if errs[k] == nil {
					errs[k] = s.communityLists(ctx, ws, byCommunity[c], c, today, names, out)
				}
			}
		}()
	}
	for _, c := range order {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return out, errors.Join(errs...)
}

// communityLists fills out[i] for the workers idx of one community.
func (s *Service) communityLists(ctx context.Context, ws []Worker, idx []int, c int64, today day, names map[int64]string,
	out []Worklist) error {
	grids := map[int64]int{} // grid → worker index
	var gridIDs []int64
	for _, i := range idx {
		for _, g := range ws[i].Grids {
			grids[g] = i
			gridIDs = append(gridIDs, g)
		}
	}
	stops, err := s.dueStops(ctx, c, gridIDs, today, names)
	if err != nil {
		return err
	}
	per := map[int][]Stop{}
	for _, st := range stops {
		i := grids[st.GridID]
		per[i] = append(per[i], st)
	}
	for _, i := range idx {
		out[i] = cut(ws[i], per[i], today)
	}
	return nil
}

// cut orders a worker's due stops and keeps today's share.
func cut(w Worker, stops []Stop, today day) Worklist {
	l := Worklist{Worker: w, Day: today.String(), Due: len(stops), Capacity: w.DailyShare()}
	sort.Slice(stops, func(a, b int) bool {
		if stops[a].Overdue != stops[b].Overdue {
			return stops[a].Overdue
		}
		return routeLess(stops[a].place, stops[b].place)
	})
	for _, st := range stops {
		if st.Overdue {
			l.Overdue++
		}
	}
	l.Stops = stops[:min(len(stops), l.Capacity)]
	if l.Stops == nil {
		l.Stops = []Stop{}
	}
	return l
}

// dueStops reads the households of the grids of a community with a visit
// due today, one stop each.
func (s *Service) dueStops(ctx context.Context, community int64, grids []int64, today day, names map[int64]string) ([]Stop, error) {
	if len(grids) == 0 {
		return nil, nil
	}
	a := s.db.Args(community, today.String())
	rows, err := s.db.QueryContext(ctx, `SELECT s.household_id, s.rule_id, s.due_on, s.overdue_on, h.number, h.grid_id,
		COALESCE(ho.number, ''), COALESCE(b.name, ''), COALESCE(b.id, 0)
		FROM visit_schedules s
		JOIN households h ON h.community_id = s.community_id AND h.id = s.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		LEFT JOIN buildings b ON b.community_id = ho.community_id AND b.id = ho.building_id
		WHERE s.community_id = $1 AND s.status = 'open' AND s.earliest_on <= $2 AND h.status = 'active'
		AND `+a.In("h.grid_id", database.AnyOf(grids)...)+` ORDER BY s.household_id, s.due_on`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stop
	todayText := today.String()
	for rows.Next() {
		var hid, rule, grid, building int64
		var due, overdue, number, house, buildingName string
		if err := rows.Scan(&hid, &rule, &due, &overdue, &number, &grid, &house, &buildingName, &building); err != nil {
			return nil, err
		}
		late := overdue <= todayText
		line := Line{RuleID: rule, Rule: names[rule], Due: due, Overdue: late}
		if n := len(out); n > 0 && out[n-1].HouseholdID == hid {
			st := &out[n-1]
			if !slices.ContainsFunc(st.Lines, func(l Line) bool { return l.RuleID == rule }) {
				st.Lines = append(st.Lines, line)
			}
			st.Overdue = st.Overdue || late
			continue
		}
		out = append(out, Stop{HouseholdID: hid, Number: number, GridID: grid, Building: buildingName, House: house,
			Overdue: late, Due: due, Lines: []Line{line}, place: placeOf(buildingName, building, house)})
	}
	return out, rows.Err()
}

// RecomputeAll is the nightly run for the city: every household's
// schedule brought up to date and every grid worker's list for the day.
// After a run over every household (the first, or with other rules) it
// recomputes only the households changed since the last run (see
// nightly.go) and reads the lists from the stored rows.
func (s *Service) RecomputeAll(ctx context.Context) (Counts, []Worklist, error) {
	rules, err := rulesOf(ctx, s.db, nil)
	if err != nil {
		return Counts{}, nil, err
	}
	ws, err := s.Workers(ctx, nil)
	if err != nil {
		return Counts{}, nil, err
	}
	today := s.today()
	settled := database.IDAt(s.now().Add(-settle))
	last, ok, err := s.lastRun(ctx)
	if err != nil {
		return Counts{}, nil, err
	}
	if !ok || last.rules != rulesPrint(rules) || last.day > today {
		return s.recomputeAll(ctx, rules, ws, today, settled)
	}
	ids, next, wide, err := s.changedSince(ctx, rules, last.after, last.day, today)
	if err != nil {
		return Counts{}, nil, err
	}
	if wide {
		return s.recomputeAll(ctx, rules, ws, today, settled)
	}
	c, err := s.recomputeInChunks(ctx, ids)
	if err != nil {
		return c, nil, err
	}
	lists, err := s.dueLists(ctx, rules, ws, today)
	if err != nil {
		return c, nil, err
	}
	return c, lists, s.storeRun(ctx, today, rules, max(last.after, min(next, settled)))
}

// recomputeAll is the run over every household: every schedule derived
// and compared with the stored rows, and the lists made from the same
// reading of the register.
func (s *Service) recomputeAll(ctx context.Context, rules []Rule, ws []Worker, today day, after int64) (Counts, []Worklist, error) {
	names := map[int64]string{}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	f, err := s.readFacts(ctx, s.db, rules, factsOf{parallel: true, places: true}, today)
	if err != nil {
		return Counts{}, nil, err
	}
	worker := map[int64]int{} // grid → worker
	for i, w := range ws {
		for _, g := range w.Grids {
			worker[g] = i
		}
	}
	per := make([][]Stop, len(ws))
	todayText := today.String()
	collect := func(h *householdFacts, owed []dueRow) {
		i, ok := worker[h.grid]
		if !ok {
			return
		}
		var st *Stop
		for _, o := range owed {
			if o.earliest > today {
				continue
			}
			if st == nil {
				per[i] = append(per[i], Stop{HouseholdID: h.id, Number: h.number, GridID: h.grid, Building: h.place.building,
					House: h.place.house, Due: o.due.String(), place: h.place})
				st = &per[i][len(per[i])-1]
			}
			late := o.overdue.String() <= todayText
			st.Lines = append(st.Lines, Line{RuleID: o.rule, Rule: names[o.rule], Due: o.due.String(), Overdue: late})
			st.Overdue = st.Overdue || late
			if d := o.due.String(); d < st.Due {
				st.Due = d
			}
		}
	}
	var c Counts
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.applyEach(ctx, tx, rules, f, today, collect)
		return err
	})
	if err != nil {
		return c, nil, err
	}
	lists := make([]Worklist, len(ws))
	for i, w := range ws {
		lists[i] = cut(w, per[i], today)
	}
	return c, lists, s.storeRun(ctx, today, rules, after)
}
