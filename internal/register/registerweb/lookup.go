package registerweb

import (
	"context"
	"slices"

	"shequ/internal/orgtree"
)

// Lists show, beside each row, the name of a related row (a person's grid,
// a household's head). These helpers fetch all of them in one query per
// list instead of one per row. The ids come from rows already read within
// the caller's scope.

// placeBelowGrid returns the units between a row's grid and its own unit
// (楼栋, 单元), to say where in the grid the row lives.
func (h *handler) placeBelowGrid(ctx context.Context, id int64) ([]orgtree.Unit, error) {
	path, err := h.Org.Ancestors(ctx, id)
	if err != nil {
		return nil, err
	}
	for i, u := range path {
		if u.Level == orgtree.LevelGrid {
			return path[i+1:], nil
		}
	}
	return nil, nil
}

// staffByRole counts the current staff of a subtree by role.
func (h *handler) staffByRole(ctx context.Context, unit int64) ([]roleCount, int, error) {
	rows, err := h.DB.QueryContext(ctx, `SELECT st.role, COUNT(*) FROM org_staff st
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL GROUP BY st.role ORDER BY st.role`, unit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []roleCount
	total := 0
	for rows.Next() {
		var rc roleCount
		if err := rows.Scan(&rc.Role, &rc.N); err != nil {
			return nil, 0, err
		}
		out = append(out, rc)
		total += rc.N
	}
	return out, total, rows.Err()
}

// counts is the active households and persons under one unit.
type counts struct{ Households, Persons int }

// childCounts counts active households and persons under each child of
// parent with one grouped query per table, using the cheapest column for the
// children's level: community_id or grid_id directly, otherwise the closure
// table (through the community for units above communities, so each row
// joins once).
func (h *handler) childCounts(ctx context.Context, parent orgtree.Unit, children []orgtree.Unit) (map[int64]counts, error) {
	out := map[int64]counts{}
	if len(children) == 0 {
		return out, nil
	}
	all := func(f func(orgtree.Unit) bool) bool {
		return !slices.ContainsFunc(children, func(u orgtree.Unit) bool { return !f(u) })
	}
	var query func(table string) string
	switch {
	case all(func(u orgtree.Unit) bool { return u.Level == orgtree.LevelCommunity }):
		query = func(t string) string {
			return `SELECT x.community_id, COUNT(*) FROM ` + t + ` x WHERE x.status = 'active'
				AND x.community_id IN (SELECT id FROM org_units WHERE parent_id = $1) GROUP BY x.community_id`
		}
	case all(func(u orgtree.Unit) bool { return u.Level == orgtree.LevelGrid }):
		query = func(t string) string {
			return `SELECT x.grid_id, COUNT(*) FROM ` + t + ` x WHERE x.status = 'active'
				AND x.grid_id IN (SELECT id FROM org_units WHERE parent_id = $1) GROUP BY x.grid_id`
		}
	case all(func(u orgtree.Unit) bool { return u.CommunityID == 0 }):
		query = func(t string) string {
			return `SELECT c.ancestor_id, COUNT(*) FROM ` + t + ` x
				JOIN org_closure c ON c.unit_id = x.community_id
				JOIN org_units ch ON ch.id = c.ancestor_id
				WHERE ch.parent_id = $1 AND x.status = 'active' GROUP BY c.ancestor_id`
		}
	default:
		query = func(t string) string {
			return `SELECT c.ancestor_id, COUNT(*) FROM ` + t + ` x
				JOIN org_closure c ON c.unit_id = x.org_id
				JOIN org_units ch ON ch.id = c.ancestor_id
				WHERE ch.parent_id = $1 AND x.status = 'active' GROUP BY c.ancestor_id`
		}
	}
	for _, table := range []string{"households", "persons"} {
		rows, err := h.DB.QueryContext(ctx, query(table), parent.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			c := out[id]
			if table == "households" {
				c.Households = n
			} else {
				c.Persons = n
			}
			out[id] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
