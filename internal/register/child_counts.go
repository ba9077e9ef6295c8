package register

import (
	"context"
	"slices"

	"shequ/internal/orgtree"
)

// Counts is the active households and persons under one unit.
type Counts struct{ Households, Persons int }

// ChildCounts counts active households and persons under each child of
// parent with one grouped query per table, using the cheapest column for the
// children's level: community_id or grid_id directly, otherwise the closure
// table (through the community for units above communities, so each row
// joins once).
func (s *Store) ChildCounts(ctx context.Context, parent orgtree.Unit, children []orgtree.Unit) (map[int64]Counts, error) {
	out := map[int64]Counts{}
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
		rows, err := s.db.QueryContext(ctx, query(table), parent.ID)
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
