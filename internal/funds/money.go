package funds

import (
	"strconv"
	"strings"
)

// ParseYuan reads an amount typed in 元 with at most two decimals into 分,
// exactly: the digits are read as text, never through a float.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (dot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	return n, err == nil
}

// Yuan writes 分 as 元 with two decimals (-1234 is "-12.34").
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	f := strconv.FormatInt(fen%100, 10)
	if len(f) < 2 {
		f = "0" + f
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + f
}
