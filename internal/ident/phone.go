package ident

import (
	"regexp"
	"strings"
)

var (
	mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// 区号 (3–4 digits starting with 0) - 号码 (7–8 digits, not starting with 0 or 1), optional extension.
	landlinePattern = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?$`)
)

// ParseMobile validates a mainland China mobile number, accepting +86, 86
// and 0086 prefixes, spaces and dashes, and returns its 11 digits.
func ParseMobile(s string) (string, error) {
	n := strings.ReplaceAll(normalise(s), "-", "")
	for _, p := range []string{"+86", "0086"} {
		n = strings.TrimPrefix(n, p)
	}
	if len(n) == 13 && strings.HasPrefix(n, "86") {
		n = n[2:]
	}
	if !mobilePattern.MatchString(n) {
		return "", fail("手机号应为11位中国大陆手机号,如 13812345678")
	}
	return n, nil
}

// ParsePhone accepts a mobile number or a fixed line with area code
// (0911-8123456) and returns it normalised.
func ParsePhone(s string) (string, error) {
	if m, err := ParseMobile(s); err == nil {
		return m, nil
	}
	n := normalise(s)
	n = strings.NewReplacer("(", "", ")", "-", "—", "-").Replace(n)
	if landlinePattern.MatchString(n) {
		if !strings.Contains(n, "-") {
			return n, nil
		}
		return n, nil
	}
	return "", fail("电话号码应为11位手机号或带区号的固定电话(如 0911-8123456)")
}
