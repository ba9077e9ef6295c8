package workaccess

import (
	"strconv"
	"strings"
)

// parseDecimal reads a non-negative decimal of at most places digits after
// the point as an integer of that many places ("1.5", 2 → 150): staff-hours
// and money are typed as decimals and kept exact, never as floats.
func parseDecimal(s string, places int) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > places || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, false
	}
	if whole == "" {
		whole = "0"
	}
	frac += strings.Repeat("0", places-len(frac))
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || strings.ContainsAny(frac, "+-") {
			return 0, false
		}
	}
	scale := int64(1)
	for range places {
		scale *= 10
	}
	return w*scale + f, true
}

// formatDecimal writes n of places digits after the point without trailing
// zeros (150, 2 → "1.5").
func formatDecimal(n int64, places int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) <= places {
		s = "0" + s
	}
	out := s[:len(s)-places] + "." + s[len(s)-places:]
	out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	return out
}

// Yuan writes an amount in 分 as 元 ("1250" → "12.5").
func Yuan(fen int64) string { return formatDecimal(fen, 2) }

// Hours writes staff minutes as hours to two places at most (90 → "1.5").
func Hours(minutes int) string { return formatDecimal(int64((minutes*100+30)/60), 2) }

// HoursNumber is staff minutes as hours for JSON, rounded to two places.
func HoursNumber(minutes int) float64 { return float64((minutes*100+30)/60) / 100 }

// ParseYuan reads an amount in 元 with up to two decimals as 分.
func ParseYuan(s string) (int64, bool) { return parseDecimal(s, 2) }
