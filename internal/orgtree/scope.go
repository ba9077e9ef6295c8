package orgtree

import "fmt"

// ScopeFilter returns a SQL condition restricting register rows (which carry
// community_id, grid_id and org_id) to the subtree of u, using the cheapest
// column for u's level: one community or grid is an equality, a street or
// district the set of its communities, anything finer the closure table.
// alias qualifies the columns ("p" gives p.community_id); arg is the number
// of the placeholder to use for u's id.
func ScopeFilter(u Unit, alias string, arg int) string {
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	switch {
	case u.Level == LevelCommunity:
		return fmt.Sprintf("%s = $%d", col("community_id"), arg)
	case u.Level == LevelGrid:
		return fmt.Sprintf("%s = $%d", col("grid_id"), arg)
	case u.CommunityID == 0:
		// Above the communities: the set of communities below u.
		return fmt.Sprintf(`%s IN (SELECT sc.unit_id FROM org_closure sc JOIN org_units su ON su.id = sc.unit_id
			WHERE sc.ancestor_id = $%d AND su.level = 'community')`, col("community_id"), arg)
	default:
		return fmt.Sprintf("%s IN (SELECT sc.unit_id FROM org_closure sc WHERE sc.ancestor_id = $%d)", col("org_id"), arg)
	}
}
