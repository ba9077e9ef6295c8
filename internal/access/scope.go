package access

import (
	"slices"
	"strings"

	"shequ/internal/database"
)

// Scope is the part of a viewer's grants that carry one permission: the
// places it covers and, for each, the fields it may see. Every list, search,
// count, export and feed of personal data filters by a Scope and passes
// each row through its Fields, so that no route sees more than another.
// The zero Scope covers nothing.
type Scope struct {
	perm      string
	parts     []part
	revealing bool
}

type part struct {
	region *region // nil: the whole tree
	fields Fields
	reveal bool // the grant may reveal masked values
}

// Everything is the scope of the system: every place and field.
var Everything = System.Scope("")

// Empty reports whether the scope covers no place at all.
func (s Scope) Empty() bool { return len(s.parts) == 0 }

// Whole reports whether the scope covers the whole tree.
func (s Scope) Whole() bool {
	for _, p := range s.parts {
		if p.region == nil {
			return true
		}
	}
	return false
}

// And returns " AND <condition>" restricting rows of alias — which carry
// community_id, grid_id and org_id — to the scope, numbering placeholders
// from arg; "" for the whole tree, and a condition nothing meets for an
// empty scope. It is Where for a statement whose parameters are written
// by hand.
func (s Scope) And(alias string, arg int) (string, []any) {
	q := database.ArgsAfter(arg)
	return s.Where(q, alias), q.Values()
}

// Where is And with the arguments added to q.
func (s Scope) Where(q *database.Args, alias string) string {
	if s.Whole() {
		return ""
	}
	if len(s.parts) == 0 {
		return " AND 1 = 0"
	}
	var conds []string
	for _, p := range s.parts {
		conds = append(conds, p.region.filter(q, alias))
	}
	if len(conds) == 1 {
		return " AND " + conds[0]
	}
	return " AND (" + strings.Join(conds, " OR ") + ")"
}

// CommunityAnd is And for tables that carry only community_id (change
// events, report snapshots): rows of the communities the scope touches. A
// part finer than a community touches its community.
func (s Scope) CommunityAnd(alias string, arg int) (string, []any) {
	q := database.ArgsAfter(arg)
	return s.CommunityWhere(q, alias), q.Values()
}

// CommunityWhere is CommunityAnd with the arguments added to q.
func (s Scope) CommunityWhere(q *database.Args, alias string) string {
	if s.Whole() {
		return ""
	}
	ids := s.Communities()
	if len(ids) == 0 {
		return " AND 1 = 0"
	}
	col := "community_id"
	if alias != "" {
		col = alias + "." + col
	}
	return " AND " + q.In(col, database.AnyOf(ids)...)
}

// Communities lists the communities the scope touches (wholly or in part);
// nil for the whole tree.
func (s Scope) Communities() []int64 {
	if s.Whole() {
		return nil
	}
	seen := map[int64]bool{}
	var out []int64
	add := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, p := range s.parts {
		for _, u := range p.region.units {
			add(u.CommunityID)
		}
		for id := range p.region.communities {
			add(id)
		}
	}
	slices.Sort(out)
	return out
}

// Contains reports whether p lies in the scope.
func (s Scope) Contains(p Place) bool {
	for _, pt := range s.parts {
		if pt.region == nil || pt.region.contains(p) {
			return true
		}
	}
	return false
}

// Fields returns what the scope may see and edit of a record at p: the
// union of the field sets of the parts covering it. Outside the scope
// nothing is visible.
func (s Scope) Fields(p Place) Fields {
	var f Fields
	reveal := false
	for _, pt := range s.parts {
		if pt.region == nil || pt.region.contains(p) {
			f = f.union(pt.fields)
			reveal = reveal || pt.reveal
		}
	}
	f.reveal = s.revealing && reveal
	return f
}

// Revealing returns the scope with masked values shown in full where a
// grant allows it. The caller records the reveal in the audit log.
func (s Scope) Revealing() Scope {
	s.revealing = true
	return s
}

// Units lists the units the scope is bound to; nil for the whole tree.
func (s Scope) Units() []int64 {
	if s.Whole() {
		return nil
	}
	var out []int64
	for _, p := range s.parts {
		for _, u := range p.region.units {
			out = append(out, u.ID)
		}
	}
	return out
}

// UnitAnd is And for tables whose rows are org units themselves (org_units,
// buildings): their own id stands where register rows carry org_id.
func (s Scope) UnitAnd(alias string, arg int) (string, []any) {
	where, args := s.And(alias, arg)
	return strings.ReplaceAll(where, alias+".org_id", alias+".id"), args
}

// Small reports whether the scope is bound to grids or finer places only (a
// grid worker's grid, a building head's buildings): a few thousand rows at
// most, which a query reads through the scope's own index faster than
// through a search index over the whole register.
func (s Scope) Small() bool {
	if s.Whole() || len(s.parts) == 0 {
		return false
	}
	for _, p := range s.parts {
		for _, u := range p.region.units {
			if u.GridID == 0 {
				return false
			}
		}
	}
	return true
}
