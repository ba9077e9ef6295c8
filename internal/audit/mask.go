package audit

import (
	"strings"

	"shequ/internal/ident"
)

// A search or export entry's detail is "<what>: <term>", the term as typed.
// ID and phone numbers typed there are masked before the entry is stored,
// as the register masks them: an auditor, who may not read the register,
// must not learn the numbers others looked up.

// termSep separates what was searched from the term in a detail.
const termSep = ": "

// unmaskedKinds are searches whose terms are not personal: a tracking
// number (受理编号) is the case's, not its applicant's; an Open311 lookup
// names requests by their ids, codes and dates; a query of the audit log
// by users, actions, record ids and dates.
var unmaskedKinds = map[string]bool{"tracking": true, "open311": true, "audit": true}

// SearchDetail is the detail of a search: what was searched (persons,
// households …) and the term as typed.
func SearchDetail(what, term string) string { return what + termSep + term }

// maskDetail masks the numbers in the term of a search or export detail.
func maskDetail(detail string) string {
	what, term, ok := strings.Cut(detail, termSep)
	if !ok || unmaskedKinds[what] {
		return detail
	}
	return what + termSep + ident.MaskNumbers(term)
}
