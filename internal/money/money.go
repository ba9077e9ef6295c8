// Package money is how shequ reads and writes amounts of 人民币: kept as
// whole 分 (int64), typed and shown in 元 with at most two decimals, and
// never passed through a float. The community accounts, the register's
// rents, work access's payments and the purchased services' contracts
// all read and write their amounts here.
package money

import (
	"strconv"
	"strings"
)

// ParseYuan reads an amount typed in 元 with at most two decimals
// ("1200", "1200.5", "1,200.50") into 分, the digits read as text. It
// refuses signs, exponents, units and more than twelve digits of 元.
func ParseYuan(s string) (fen int64, ok bool) {
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

// Yuan writes 分 as 元 with two decimals, as ledgers show money (-1234 is
// "-12.34").
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
