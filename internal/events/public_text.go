package events

import (
	"strings"

	"shequ/internal/ident"
)

// What the public feed shows of a report's own words: the description as
// the resident wrote it (FixMyStreet shows residents' reports so), unless
// they kept it private, with any phone or ID number in it masked — people
// write "请联系我 13912345678" without thinking who reads the feed.

// PublicDescription is the description the public feed shows, "" when the
// reporter kept it private.
func PublicDescription(e *Event) string {
	if e.Private {
		return ""
	}
	return MaskNumbers(e.Description)
}

// MaskNumbers masks every run of seven or more digits in a text: an
// identity number as MaskID shows it (6101**********1234), anything else —
// mobile, fixed line, a number written with dashes or spaces between its
// groups — as a phone number (139****5678).
func MaskNumbers(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !digit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		// A run: digits, with single dashes or spaces between groups and
		// an ID number's final X.
		j, n := i, 0
		var run []rune
	scan:
		for j < len(rs) {
			switch {
			case digit(rs[j]):
				run = append(run, halfWidth(rs[j]))
				n++
				j++
				continue
			case (rs[j] == '-' || rs[j] == ' ') && j+1 < len(rs) && digit(rs[j+1]):
				j++
				continue
			case (rs[j] == 'X' || rs[j] == 'x') && n == 17:
				run = append(run, 'X')
				j++
			}
			break scan
		}
		switch {
		case n < 7:
			b.WriteString(string(rs[i:j]))
		case n == 15 || n == 17 && len(run) == 18 || n == 18:
			b.WriteString(ident.MaskID(string(run)))
		default:
			b.WriteString(ident.MaskPhone(string(run)))
		}
		i = j
	}
	return b.String()
}

func digit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func halfWidth(r rune) rune {
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}
