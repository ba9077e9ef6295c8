package reports

import (
	"sort"

	"shequ/internal/access"
)

// Permissions of the reports capability (rows of the permissions table,
// migration 020).
const (
	PermRead    = "reports.read"    // reports and their ledgers in the holder's places
	PermAll     = "reports.all"     // every item, not only the holder's departments'
	PermSignoff = "reports.signoff" // a community confirms a period's report
	PermManual  = "reports.manual"  // manual items typed in
	PermManage  = "reports.manage"  // indicators, templates, rules
)

// DepartmentsAt is the item filter of a viewer for the report of the unit
// at place: nil (every item) with reports.all there; else the departments
// the viewer reads reports for at that place (a user who is 公安 in one
// street and 民政 in another sees only 民政's items in the second), never
// nil.
func DepartmentsAt(v *access.Viewer, place access.Place) []string {
	if v.CanAt(PermAll, place) {
		return nil
	}
	out := []string{}
	for dept, sc := range v.DepartmentScopes(PermRead) {
		if sc.Contains(place) {
			out = append(out, dept)
		}
	}
	sort.Strings(out)
	return out
}
