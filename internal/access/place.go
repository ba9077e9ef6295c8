package access

import (
	"strings"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// Place is where a record lies in the org tree: its community, its grid and
// the deepest unit it hangs on (a 单元, 楼栋 or 网格). Register rows carry
// these three as community_id, grid_id and org_id; other capabilities'
// records (events, applications) carry the same columns so that they filter
// the same way.
type Place struct {
	Community int64
	Grid      int64
	Org       int64
}

// region is the part of the tree one grant covers: the subtrees of its
// units. Membership of a Place is decided in memory from sets resolved when
// the Viewer is built; SQL filters use the same units.
type region struct {
	units       []orgtree.Unit
	communities map[int64]bool // communities below units above the community level
	// orgs are units known by id: every unit below a unit finer than a
	// community (居民小组, 楼栋 …), and the units above the communities
	// below a street or district.
	orgs map[int64]bool
}

func (g *region) contains(p Place) bool {
	for _, u := range g.units {
		switch {
		case u.Level == orgtree.LevelCommunity:
			if p.Community == u.ID {
				return true
			}
		case u.Level == orgtree.LevelGrid:
			if p.Grid == u.ID {
				return true
			}
		}
	}
	return g.communities[p.Community] || g.orgs[p.Org]
}

// filter is the SQL condition selecting rows of alias inside the region,
// its arguments added to q.
func (g *region) filter(q *database.Args, alias string) string {
	var conds []string
	for _, u := range g.units {
		conds = append(conds, orgtree.ScopeFilter(q, u, alias))
	}
	if len(conds) == 1 {
		return conds[0]
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// covers reports whether a unit, given as the ids of its ancestors and
// itself, lies inside the region.
func (g *region) covers(ancestors []int64) bool {
	for _, gu := range g.units {
		for _, a := range ancestors {
			if a == gu.ID {
				return true
			}
		}
	}
	return false
}
