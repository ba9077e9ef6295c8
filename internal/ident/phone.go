package ident

import (
	"regexp"
	"strings"
)

var (
	// 1[3-9] followed by nine digits: every mainland mobile range in use.
	mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// 400/800 service numbers, which property companies and hotlines list.
	serviceNumberPattern = regexp.MustCompile(`^[48]00[0-9]{7}$`)
	// Separators people put inside a mobile number.
	mobileSeparators = strings.NewReplacer("-", "", "—", "", "–", "", "(", "", ")", "", ".", "", "/", "")
	// Separators and extension marks of a fixed line, all turned into "-"
	// (0911-8123456转123, (010)62345678 ext.801, …). Input is upper-cased.
	phoneMarks = strings.NewReplacer("分机", "-", "转", "-", "EXT.", "-", "EXT", "-", "X", "-", "#", "-", ",", "-",
		"—", "-", "–", "-", "(", "-", ")", "-", ".", "-", "/", "-")
)

// ParseMobile validates a mainland China mobile number and returns its 11
// digits. It accepts +86, 0086 and 86 prefixes, spaces, dashes, brackets and
// full-width digits ("+86 138-1234-5678", "（86）13812345678").
func ParseMobile(s string) (string, error) {
	if len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && allDigits(s) {
		// Written as it is stored: what the steps below would give back.
		return s, nil
	}
	n := mobileSeparators.Replace(normalise(s))
	for _, p := range []string{"+86", "0086"} {
		n = strings.TrimPrefix(n, p)
	}
	// A bare 86 only counts as the country code when a mobile number
	// follows; 13 digits cannot be a mobile number otherwise.
	if len(n) == 13 && strings.HasPrefix(n, "86") {
		n = n[2:]
	}
	if !mobilePattern.MatchString(n) {
		return "", fail(KindFormat, "手机号应为11位中国大陆手机号,如 13812345678")
	}
	return n, nil
}

// ParsePhone accepts a mobile number, a fixed line with its area code, or a
// 400/800 service number, and returns it normalised:
//
//	mobile        13812345678
//	fixed line    0911-8123456, 010-62345678-801 (with extension)
//	service       400-123-4567
//
// A fixed line may be written with or without separators, in brackets, with
// 转, 分机, # or ext before an extension, or in international form (+86 10
// 62345678). The split between area code and number needs no separator
// because it is fixed: 010 and 020–029 are the only 3-digit area codes (with
// 8-digit numbers), all others have 4 digits (with 7- or 8-digit numbers).
// An extension, having no fixed length, must be separated.
func ParsePhone(s string) (string, error) {
	if m, err := ParseMobile(s); err == nil {
		return m, nil
	}
	n := normalise(s)
	if n == "" {
		return "", fail(KindEmpty, "电话号码不能为空")
	}
	bad := fail(KindFormat, "电话号码应为11位手机号或带区号的固定电话(如 0911-8123456)")
	n = phoneMarks.Replace(n)
	international := false
	for _, p := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(n, p); ok {
			n, international = rest, true
			break
		}
	}
	groups := strings.FieldsFunc(n, func(r rune) bool { return r == '-' })
	if len(groups) == 0 {
		return "", bad
	}
	for _, g := range groups {
		if !allDigits(g) {
			return "", bad
		}
	}
	if international && groups[0][0] != '0' {
		groups[0] = "0" + groups[0] // the international form drops the trunk 0
	}
	all := strings.Join(groups, "")
	if fl := fixedLine(all); fl != "" {
		return fl, nil
	}
	if last := groups[len(groups)-1]; len(groups) > 1 && len(last) <= 6 {
		if fl := fixedLine(strings.Join(groups[:len(groups)-1], "")); fl != "" {
			return fl + "-" + last, nil
		}
	}
	if serviceNumberPattern.MatchString(all) {
		return all[:3] + "-" + all[3:6] + "-" + all[6:], nil
	}
	return "", bad
}

// fixedLine writes digits as 区号-号码, or returns "" if they are not exactly
// an area code and a local number (which never starts with 0 or 1).
func fixedLine(d string) string {
	if len(d) < 10 || d[0] != '0' {
		return ""
	}
	areaLen := 4
	switch {
	case d[1] == '1' && d[2] == '0', d[1] == '2': // 010, 020–029
		areaLen = 3
	case d[1] == '0' || d[1] == '1':
		return ""
	}
	area, number := d[:areaLen], d[areaLen:]
	if len(number) != 8 && !(len(number) == 7 && areaLen == 4) || number[0] < '2' {
		return ""
	}
	return area + "-" + number
}
