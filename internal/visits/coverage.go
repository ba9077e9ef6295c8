package visits

import (
	"context"
	"sort"

	"shequ/internal/access"
	"shequ/internal/database"
)

// Coverage splits households four ways, each household in exactly one:
// never visited (no visit where someone was met, ever); else overdue (a
// due visit past its overdue day); else due (a visit whose window is
// open); else visited within its cycle. The four add up to Households.
type Coverage struct {
	Households     int `json:"households"`
	VisitedInCycle int `json:"visited_in_cycle"`
	Due            int `json:"due"`
	Overdue        int `json:"overdue"`
	NeverVisited   int `json:"never_visited"`
}

// Rate is the households visited within their cycle, in percent of all
// (覆盖率), rounded down to a tenth; 0 with no households.
func (c Coverage) Rate() float64 {
	if c.Households == 0 {
		return 0
	}
	return float64(c.VisitedInCycle*1000/c.Households) / 10
}

func (c *Coverage) add(state int) {
	c.Households++
	switch state {
	case stateNever:
		c.NeverVisited++
	case stateOverdue:
		c.Overdue++
	case stateDue:
		c.Due++
	default:
		c.VisitedInCycle++
	}
}

func (c *Coverage) plus(o Coverage) {
	c.Households += o.Households
	c.VisitedInCycle += o.VisitedInCycle
	c.Due += o.Due
	c.Overdue += o.Overdue
	c.NeverVisited += o.NeverVisited
}

const (
	stateCurrent = iota
	stateDue
	stateOverdue
	stateNever
)

// GridCoverage is one grid's coverage.
type GridCoverage struct {
	GridID   int64  `json:"grid_id"`
	Name     string `json:"name"`
	Boundary string `json:"-"`
	Coverage
}

// WorkerCoverage is one worker's (their grids').
type WorkerCoverage struct {
	Worker Worker `json:"worker"`
	Coverage
}

// CoverageReport is the coverage of a part of the tree.
type CoverageReport struct {
	Day string `json:"day"`
	Coverage
	Grids   []GridCoverage   `json:"grids"`
	Workers []WorkerCoverage `json:"workers"`
}

// CoverageOf returns the coverage of the households in scope, by grid and
// by worker. Three reads: the households, those ever visited (their
// progress), and the due rows whose window is open (through the open
// rows' index).
func (s *Service) CoverageOf(ctx context.Context, scope access.Scope) (CoverageReport, error) {
	today := s.today()
	rep := CoverageReport{Day: today.String(), Grids: []GridCoverage{}, Workers: []WorkerCoverage{}}
	where, args := scope.And("h", 1)
	rows, err := s.db.QueryContext(ctx, `SELECT h.community_id, h.id, COALESCE(h.grid_id, 0) FROM households h
		WHERE h.status = 'active'`+where, args...)
	if err != nil {
		return rep, err
	}
	type hh struct {
		grid  int64
		state int
	}
	households := map[int64]*hh{}
	communities := map[int64]bool{}
	for rows.Next() {
		var c, id, grid int64
		if err := rows.Scan(&c, &id, &grid); err != nil {
			rows.Close()
			return rep, err
		}
		households[id] = &hh{grid: grid, state: stateNever}
		communities[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	cs := keys(communities)
	sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
	if len(cs) > 0 {
		a := s.db.Args()
		in := a.In("community_id", database.AnyOf(cs)...)
		// Ever visited: the progress's rule 0, one row per household visited.
		rows, err := s.db.QueryContext(ctx, `SELECT household_id FROM visit_progress WHERE `+in+` AND rule_id = 0`, a.Values()...)
		if err != nil {
			return rep, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return rep, err
			}
			if h := households[id]; h != nil {
				h.state = stateCurrent
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return rep, err
		}
		a = s.db.Args(today.String())
		in = a.In("community_id", database.AnyOf(cs)...)
		rows, err = s.db.QueryContext(ctx, `SELECT household_id, MIN(overdue_on) FROM visit_schedules
			WHERE `+in+` AND status = 'open' AND earliest_on <= $1 GROUP BY household_id`, a.Values()...)
		if err != nil {
			return rep, err
		}
		todayText := today.String()
		for rows.Next() {
			var id int64
			var overdue string
			if err := rows.Scan(&id, &overdue); err != nil {
				rows.Close()
				return rep, err
			}
			if h := households[id]; h != nil && h.state != stateNever {
				h.state = stateDue
				if overdue <= todayText {
					h.state = stateOverdue
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return rep, err
		}
	}
	byGrid := map[int64]*Coverage{}
	for _, h := range households {
		rep.Coverage.add(h.state)
		c := byGrid[h.grid]
		if c == nil {
			c = &Coverage{}
			byGrid[h.grid] = c
		}
		c.add(h.state)
	}
	if len(cs) == 0 {
		return rep, nil
	}
	// The grids of the communities, named and in the tree's order; those
	// outside the scope (a grid worker's neighbours) are left out.
	a := s.db.Args()
	rows, err = s.db.QueryContext(ctx, `SELECT id, name, boundary, COALESCE(community_id, 0) FROM org_units
		WHERE level = 'grid' AND `+a.In("community_id", database.AnyOf(cs)...)+` ORDER BY community_id, sort, name`, a.Values()...)
	if err != nil {
		return rep, err
	}
	for rows.Next() {
		var g GridCoverage
		var community int64
		if err := rows.Scan(&g.GridID, &g.Name, &g.Boundary, &community); err != nil {
			rows.Close()
			return rep, err
		}
		if !scope.Contains(access.Place{Community: community, Grid: g.GridID, Org: g.GridID}) {
			continue
		}
		if c := byGrid[g.GridID]; c != nil {
			g.Coverage = *c
		} else {
			byGrid[g.GridID] = &Coverage{} // in scope, no households
		}
		rep.Grids = append(rep.Grids, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	ws, err := s.Workers(ctx, cs)
	if err != nil {
		return rep, err
	}
	for _, w := range ws {
		wc := WorkerCoverage{Worker: w}
		in := false
		for _, g := range w.Grids {
			if c := byGrid[g]; c != nil {
				wc.Coverage.plus(*c)
				in = true
			}
		}
		if in {
			rep.Workers = append(rep.Workers, wc)
		}
	}
	return rep, nil
}
