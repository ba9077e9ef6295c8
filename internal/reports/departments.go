package reports

import (
	"slices"
	"sort"

	"shequ/internal/access"
	"shequ/internal/fault"
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

// ErrNoItem answers a ledger asked for an item the template does not have,
// or one of another department's: the two are answered alike, as a record
// outside the caller's part of the tree is.
var ErrNoItem = fault.New(fault.NotFound, "报表中没有这一项")

// LedgerItem is the item of t computing indicator code whose ledger v may
// read at place: the first such item in one of v's departments there (any
// item with reports.all). An indicator may sit in several sections, each
// filled by a different department; the ledger is the indicator's, so a
// department that fills any one of them may read it. ErrNoItem otherwise —
// also for a code the template does not have, whoever asks, since a ledger
// is always a ledger of some report's item.
func (s *Service) LedgerItem(v *access.Viewer, place access.Place, t *Template, code string) (*Item, error) {
	depts := DepartmentsAt(v, place)
	for _, it := range t.Items() {
		if it.Indicator != code {
			continue
		}
		if depts == nil || slices.Contains(depts, it.Department) {
			return it, nil
		}
	}
	return nil, ErrNoItem
}
