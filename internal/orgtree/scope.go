package orgtree

import "shequ/internal/database"

// ScopeFilter returns a SQL condition restricting register rows (which carry
// community_id, grid_id and org_id) to the subtree of u, using the cheapest
// column for u's level: one community or grid is an equality, a street or
// district the set of its communities, anything finer the closure table.
// alias qualifies the columns ("p" gives p.community_id); u's id joins q.
func ScopeFilter(q *database.Args, u Unit, alias string) string {
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	id := q.Arg(u.ID)
	switch {
	case u.Level == LevelCommunity:
		return col("community_id") + " = " + id
	case u.Level == LevelGrid:
		return col("grid_id") + " = " + id
	case u.CommunityID == 0:
		// Above the communities: the set of communities below u.
		return col("community_id") + ` IN (SELECT sc.unit_id FROM org_closure sc JOIN org_units su ON su.id = sc.unit_id
			WHERE sc.ancestor_id = ` + id + ` AND su.level = 'community')`
	default:
		return col("org_id") + " IN (SELECT sc.unit_id FROM org_closure sc WHERE sc.ancestor_id = " + id + ")"
	}
}
