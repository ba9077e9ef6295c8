package exports

import (
	"sort"

	"shequ/internal/access"
)

// Departments lists the departments whose templates v may use: those of
// v's department roles that carry the export permission; nil for a viewer
// of the whole tree (every department).
func Departments(v *access.Viewer) []string {
	if v.Scope(Perm).Whole() {
		return nil
	}
	out := []string{}
	for d := range v.DepartmentScopes(Perm) {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// ScopeFor is where, and with which field set, v exports for a department:
// the places of v's grants of that department's role (a user who is 公安 in
// one street and 民政 in another exports 民政's list only from the second,
// with 民政's fields); everything for a viewer of the whole tree. ok is false
// when v does not act for the department.
func ScopeFor(v *access.Viewer, department string) (access.Scope, bool) {
	if sc := v.Scope(Perm); sc.Whole() {
		return sc, true
	}
	sc, ok := v.DepartmentScopes(Perm)[department]
	return sc, ok
}
