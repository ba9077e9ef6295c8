package ident

import "strings"

// MaskNumbers masks every ID or phone number inside a text people wrote —
// a search term, a resident's report — and keeps the rest: a run of seven
// or more digits (full-width ones too; single dashes or spaces between
// groups, an ID number's final X) says too much, a house number or the
// last four digits of a phone do not. "张三 610102199001011234" → "张三
// 6101**********1234", "手机 139 1234 5678" → "手机 139****5678",
// "0911-8123456" → "091****3456".
func MaskNumbers(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !digit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
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
		b.WriteString(maskRun(string(rs[i:j]), string(run), n))
		i = j
	}
	return b.String()
}

// minMasked is the shortest run of digits masked: part of an ID number as
// long as a birth date says too much.
const minMasked = 7

// maskRun masks one run of n digits, written as typed and as its digits.
func maskRun(typed, digits string, n int) string {
	switch {
	case n < minMasked:
		return typed
	case n == 11 && digits[0] == '1', digits[0] == '0' && n != 15 && n != 18:
		return MaskPhone(digits) // a mobile, or a fixed line with its area code
	default:
		return MaskID(digits)
	}
}

func digit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func halfWidth(r rune) rune {
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}
