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
	return what + termSep + MaskNumbers(term)
}

// minMasked is the shortest run of digits masked: part of an ID number as
// long as a birth date says too much; a house number or the last four
// digits of a phone do not.
const minMasked = 7

// MaskNumbers masks every ID or phone number in s, whole or partial, and
// keeps the rest of the text: "张三 610102199001011234" → "张三
// 6101**********1234", "13812345678" → "138****5678", "0911-8123456" →
// "091****3456".
func MaskNumbers(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && (isDigit(s[j]) || s[j] == '-' || ((s[j] == 'X' || s[j] == 'x') && j > i)) {
			j++
		}
		for j > i+1 && s[j-1] == '-' {
			j--
		}
		b.WriteString(maskRun(s[i:j]))
		i = j
	}
	return b.String()
}

// maskRun masks one run of digits (with dashes or a final X).
func maskRun(run string) string {
	digits := strings.ReplaceAll(run, "-", "")
	switch {
	case len(digits) < minMasked:
		return run
	case strings.Contains(run, "-") && run[0] == '0', len(digits) == 11 && digits[0] == '1':
		return ident.MaskPhone(run)
	default:
		return ident.MaskID(digits)
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
