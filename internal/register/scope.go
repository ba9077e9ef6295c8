package register

import (
	"fmt"

	"shequ/internal/orgtree"
)

// Scope is the part of the org tree a query may see. The zero Scope sees the
// whole register (administrators and command-line tools).
type Scope struct {
	Unit *orgtree.Unit
}

// Within returns a scope limited to the subtree of u.
func Within(u orgtree.Unit) Scope { return Scope{Unit: &u} }

// Everything is the scope without limits.
var Everything = Scope{}

// filter returns " AND <condition>" restricting rows that carry
// community_id, grid_id and org_id to the scope, numbering its placeholder
// arg, with its arguments; empty for the whole register.
func (s Scope) filter(alias string, arg int) (string, []any) {
	if s.Unit == nil {
		return "", nil
	}
	return " AND " + orgtree.ScopeFilter(*s.Unit, alias, arg), []any{s.Unit.ID}
}

// communityFilter is filter for tables that carry only community_id (change
// events): rows of the communities the scope touches.
func (s Scope) communityFilter(alias string, arg int) (string, []any) {
	if s.Unit == nil {
		return "", nil
	}
	col := "community_id"
	if alias != "" {
		col = alias + "." + col
	}
	if s.Unit.CommunityID != 0 {
		return fmt.Sprintf(" AND %s = $%d", col, arg), []any{s.Unit.CommunityID}
	}
	return fmt.Sprintf(` AND %s IN (SELECT sc.unit_id FROM org_closure sc JOIN org_units su ON su.id = sc.unit_id
		WHERE sc.ancestor_id = $%d AND su.level = 'community')`, col, arg), []any{s.Unit.ID}
}
