package visits

import (
	"context"
	"sort"
	"time"
)

// The capacity planner: how long one round through a worker's households
// takes — households × team size ÷ the team's visits a day, in working
// days (1,000 households, a pair visiting 10 a day: 200 working days) —
// and what a shorter round would take: more workers, or buildings moved
// from a worker over the target to a neighbouring grid's worker under it.

// Load is a worker's round.
type Load struct {
	Worker        Worker `json:"worker"`
	Households    int    `json:"households"`
	VisitsPerDay  int    `json:"visits_per_day"`
	TeamSize      int    `json:"team_size"`
	CycleDays     int    `json:"cycle_days"`     // working days for one round
	CycleEnds     string `json:"cycle_ends"`     // the day a round begun today ends, on the working-day calendar
	RequiredYear  int    `json:"required_year"`  // visits the rules ask of the households in a year (merged)
	AvailableYear int    `json:"available_year"` // visits the worker's share of the team makes in a year
}

// CycleDays is households × team ÷ visits a day, rounded up.
func CycleDays(households, visitsPerDay, team int) int {
	if visitsPerDay <= 0 {
		return 0
	}
	return (households*max(team, 1) + visitsPerDay - 1) / visitsPerDay
}

// LoadPercent is the required visits in percent of those available.
func (l Load) LoadPercent() int {
	if l.AvailableYear == 0 {
		return 0
	}
	return l.RequiredYear * 100 / l.AvailableYear
}

// workdaysFrom counts working days in [from, from+days) on the calendar,
// or weekdays without one.
func (s *Service) workdaysFrom(from time.Time, days int) int {
	if s.cal != nil {
		return s.cal.WorkdaysBetween(from, from.AddDate(0, 0, days))
	}
	n := 0
	for d := 0; d < days; d++ {
		if wd := from.AddDate(0, 0, d).Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// afterWorkdays is the day n working days after from.
func (s *Service) afterWorkdays(from time.Time, n int) time.Time {
	if s.cal != nil {
		return s.cal.AddWorkdays(from, n)
	}
	t := from
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// yearly is how many visits a household needs in a year: the most any of
// its interval rules asks (one visit satisfies every rule due, so rules do
// not add up), plus the follow-up visits of series falling due in the year.
func yearly(rules []Rule, h *householdFacts, today day) int {
	most, series := 0, 0
	for i := range rules {
		r := &rules[i]
		if !r.appliesIn(h.community) {
			continue
		}
		applies := false
		switch r.Applies {
		case AppliesAll:
			applies = true
		case AppliesKind:
			applies = h.kind == r.Target
		case AppliesTag:
			for _, t := range h.tags {
				if t.code != r.Target || t.start > today {
					continue
				}
				if r.Series() {
					for _, n := range r.SeriesDays {
						if due := t.start + day(n); due >= today && due < today+365 {
							series++
						}
					}
					continue
				}
				applies = true
			}
		}
		if applies && !r.Series() {
			most = max(most, max(1, 365/r.IntervalDays))
		}
	}
	return most + series
}

// Loads returns the round of every worker of the communities.
func (s *Service) Loads(ctx context.Context, communities []int64) ([]Load, error) {
	ws, err := s.Workers(ctx, communities)
	if err != nil {
		return nil, err
	}
	rules, err := s.Rules(ctx, nil)
	if err != nil {
		return nil, err
	}
	grids, err := s.gridHouseholds(ctx, communities, rules)
	if err != nil {
		return nil, err
	}
	start := s.today().time()
	year := s.workdaysFrom(start, 365)
	out := make([]Load, 0, len(ws))
	for _, w := range ws {
		l := Load{Worker: w, VisitsPerDay: w.VisitsPerDay, TeamSize: w.TeamSize}
		for _, g := range w.Grids {
			l.Households += grids[g].households
			l.RequiredYear += grids[g].yearly
		}
		l.CycleDays = CycleDays(l.Households, l.VisitsPerDay, l.TeamSize)
		l.CycleEnds = s.afterWorkdays(start, l.CycleDays).Format("2006-01-02")
		l.AvailableYear = year * l.VisitsPerDay / max(l.TeamSize, 1)
		out = append(out, l)
	}
	return out, nil
}

type gridLoad struct{ households, yearly int }

// gridHouseholds counts the households of each grid of the communities and
// the visits the rules ask of them in a year: the households and their
// members' tags read once for all the communities (a city's planner reads
// two tables, not two for each of its communities).
func (s *Service) gridHouseholds(ctx context.Context, communities []int64, rules []Rule) (map[int64]gridLoad, error) {
	out := map[int64]gridLoad{}
	if len(communities) == 0 {
		return out, nil
	}
	today := s.today()
	f, err := s.readFacts(ctx, s.db, rules, factsOf{communities: communities, noStored: true}, today)
	if err != nil {
		return nil, err
	}
	for _, h := range f.households {
		g := out[h.grid]
		g.households++
		g.yearly += yearly(rules, h, today)
		out[h.grid] = g
	}
	return out, nil
}

// Move is a building handed from one worker's grid to another's.
type Move struct {
	Building   string `json:"building"`
	BuildingID int64  `json:"building_id"`
	Households int    `json:"households"`
	FromWorker string `json:"from_worker"`
	FromGrid   int64  `json:"from_grid"`
	ToWorker   string `json:"to_worker"`
	ToGrid     int64  `json:"to_grid"`
}

// Plan is what reaching a target round would take in a community.
type Plan struct {
	TargetDays    int    `json:"target_days"`
	Before        []Load `json:"before"`
	Households    int    `json:"households"`
	Workers       int    `json:"workers"`
	WorkersNeeded int    `json:"workers_needed"` // at the community's visits a day and team size
	Moves         []Move `json:"moves"`
	After         []Load `json:"after"`   // after the moves
	Reached       bool   `json:"reached"` // the moves alone bring every worker within the target
}

// PlanFor works out, for one community, how many workers a round of
// targetDays needs and which buildings could move between its grids
// (the community's grids are each other's neighbours) to even the rounds.
func (s *Service) PlanFor(ctx context.Context, community int64, targetDays int) (Plan, error) {
	p := Plan{TargetDays: targetDays, Moves: []Move{}}
	loads, err := s.Loads(ctx, []int64{community})
	if err != nil {
		return p, err
	}
	p.Before = loads
	perDay, team := DefaultVisitsPerDay, 1
	caps, err := s.capacities(ctx, s.db, []int64{community})
	if err != nil {
		return p, err
	}
	if c, ok := caps[capKey{community, 0}]; ok {
		perDay, team = c.perDay, c.team
	}
	for _, l := range loads {
		p.Households += l.Households
	}
	p.Workers = len(loads)
	if targetDays > 0 {
		p.WorkersNeeded = (p.Households*team + perDay*targetDays - 1) / (perDay * targetDays)
	}
	// Buildings of each grid with their households.
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(h.grid_id, 0), COALESCE(b.id, 0), COALESCE(b.name, ''), COUNT(*)
		FROM households h LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		LEFT JOIN buildings b ON b.community_id = ho.community_id AND b.id = ho.building_id
		WHERE h.community_id = $1 AND h.status = 'active' GROUP BY COALESCE(h.grid_id, 0), COALESCE(b.id, 0), COALESCE(b.name, '')`,
		community)
	if err != nil {
		return p, err
	}
	byGrid := map[int64][]building{}
	for rows.Next() {
		var grid int64
		var b building
		if err := rows.Scan(&grid, &b.id, &b.name, &b.n); err != nil {
			rows.Close()
			return p, err
		}
		if b.id != 0 {
			byGrid[grid] = append(byGrid[grid], b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	after := append([]Load(nil), loads...)
	cycle := func(l Load) int { return CycleDays(l.Households, l.VisitsPerDay, l.TeamSize) }
	// Greedy: the longest round gives its smallest building that fits to
	// the shortest round that stays within the target, until no move helps.
	for range 1000 {
		sort.SliceStable(after, func(i, j int) bool { return cycle(after[i]) > cycle(after[j]) })
		if len(after) < 2 || cycle(after[0]) <= targetDays {
			break
		}
		from := &after[0]
		moved := false
		for ti := len(after) - 1; ti > 0 && !moved; ti-- {
			to := &after[ti]
			var bs []building
			for _, g := range from.Worker.Grids {
				bs = append(bs, byGrid[g]...)
			}
			sort.Slice(bs, func(i, j int) bool { return bs[i].n < bs[j].n })
			for _, b := range bs {
				toAfter := to.Households + b.n
				if CycleDays(toAfter, to.VisitsPerDay, to.TeamSize) > targetDays ||
					CycleDays(toAfter, to.VisitsPerDay, to.TeamSize) >= cycle(*from) {
					continue
				}
				src := gridOf(byGrid, from.Worker.Grids, b.id)
				dst := to.Worker.Grids[0]
				p.Moves = append(p.Moves, Move{Building: b.name, BuildingID: b.id, Households: b.n,
					FromWorker: from.Worker.Name, FromGrid: src, ToWorker: to.Worker.Name, ToGrid: dst})
				byGrid[src] = removeBuilding(byGrid[src], b.id)
				byGrid[dst] = append(byGrid[dst], b)
				from.Households -= b.n
				to.Households += b.n
				moved = true
				break
			}
		}
		if !moved {
			break
		}
	}
	for i := range after {
		after[i].CycleDays = cycle(after[i])
		after[i].CycleEnds = s.afterWorkdays(s.today().time(), after[i].CycleDays).Format("2006-01-02")
	}
	sort.SliceStable(after, func(i, j int) bool { return after[i].Worker.StaffID < after[j].Worker.StaffID })
	p.After = after
	p.Reached = len(after) > 0
	for _, l := range after {
		if l.CycleDays > targetDays {
			p.Reached = false
		}
	}
	return p, nil
}

// building is one building of a grid with its households.
type building struct {
	id   int64
	name string
	n    int
}

func gridOf(byGrid map[int64][]building, grids []int64, id int64) int64 {
	for _, g := range grids {
		for _, b := range byGrid[g] {
			if b.id == id {
				return g
			}
		}
	}
	return 0
}

func removeBuilding(bs []building, id int64) []building {
	out := bs[:0]
	for _, b := range bs {
		if b.id != id {
			out = append(out, b)
		}
	}
	return out
}
