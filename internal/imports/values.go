package imports

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"shequ/internal/register"
	"shequ/internal/sheets"
)

// cellText is a cell as a person reads it in the spreadsheet: numbers
// without Excel's exponent where they are whole (13812345678, not
// 1.3812345678E10), dates as YYYY-MM-DD.
func cellText(c sheets.Cell, date1904 bool) string {
	if c.Date {
		if t, ok := sheets.SerialDate(c.Value, date1904); ok {
			return t.Format("2006-01-02")
		}
	}
	if c.Number {
		if f, err := strconv.ParseFloat(c.Value, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	return c.Value
}

// cleanText trims a text value and folds full-width digits, letters and
// spaces; runs of spaces inside become one.
func cleanText(s string) string {
	if plainText(s) {
		return s
	}
	s = foldWidth(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u200b', '\ufeff', '\t', '\r', '\n':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

var middleDots = strings.NewReplacer("•", "·", "∙", "·", "．", "·", "・", "·")

// plainText reports whether cleanText would leave s as it is: no space at
// either end, no two spaces together, nothing to fold. Most cells are.
func plainText(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case c < ' ' || c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF:
			// Control characters, and the lead bytes of NBSP (C2 A0), the
			// zero-width space (E2 80 8B), the ideographic space (E3 80 80)
			// and full-width forms and BOM (EF …).
			return false
		}
		prevSpace = false
	}
	return !prevSpace || s == ""
}

// cleanName writes a Chinese name without the spaces lists put in to line
// up two-character names (张  三), and with one form of the middle dot of
// minority names (买买提·艾力).
func cleanName(s string) string {
	s = cleanText(s)
	s = middleDots.Replace(s)
	han := true
	for _, r := range s {
		if r != ' ' && r != '·' && !unicode.Is(unicode.Han, r) {
			han = false
			break
		}
	}
	if han {
		s = strings.ReplaceAll(s, " ", "")
	}
	return s
}

var (
	exponent   = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
	dateTime   = regexp.MustCompile(`^([0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2})[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$`)
	yearMonth  = regexp.MustCompile(`^[0-9]{4}([-/.年])[0-9]{1,2}月?$`)
	allDigits  = regexp.MustCompile(`^[0-9]+$`)
	phoneSplit = regexp.MustCompile(`[、,，;；/ ]+`)
)

// lostDigits tells whether an ID number cell holds a number Excel rounded:
// a numeric cell or text in exponent form (6.10603E+17), or more than 15
// digits of which those after the 15th are all zero in a numeric cell.
// Excel keeps 15 significant digits, so the rest of an 18-digit number
// stored as a number is gone and cannot be guessed back.
func lostDigits(c sheets.Cell) (string, bool) {
	v := strings.TrimSpace(c.Value)
	if exponent.MatchString(v) {
		f, _, err := big.ParseFloat(v, 10, 64, big.ToNearestEven)
		if err == nil {
			n, _ := f.Int(nil)
			if len(n.String()) > 15 {
				return v, true
			}
		}
	}
	if c.Number && allDigits.MatchString(v) && len(v) > 15 && strings.Trim(v[15:], "0") == "" {
		return v, true
	}
	return "", false
}

// parseDateValue reads a date cell: an Excel date or serial number, or text
// as 1990-1-2, 1990/01/02, 1990.01.02, 1990年1月2日, 19900102, with full-width
// digits and a time of day after it.
func parseDateValue(c sheets.Cell, date1904 bool) (string, error) {
	v := strings.TrimSpace(foldWidth(c.Value))
	if v == "" {
		return "", nil
	}
	if c.Number || c.Date {
		if len(v) == 8 && allDigits.MatchString(v) {
			if d, ok := register.ParseDate(v); ok {
				return d, nil
			}
		}
		if t, ok := sheets.SerialDate(v, date1904); ok {
			return t.Format("2006-01-02"), nil
		}
		return "", fmt.Errorf("不是有效日期(%s)", v)
	}
	if m := dateTime.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	if d, ok := register.ParseDate(v); ok {
		return d, nil
	}
	// A serial number written as text (a csv saved from Excel).
	if allDigits.MatchString(v) && len(v) == 5 {
		if t, ok := sheets.SerialDate(v, date1904); ok {
			return t.Format("2006-01-02"), nil
		}
	}
	if yearMonth.MatchString(v) {
		return "", fmt.Errorf("缺少日(%s),请写成 年-月-日,如 1990-01-02", v)
	}
	return "", fmt.Errorf("不是有效日期(%s),应为 年-月-日,如 1990-01-02", v)
}

// monthLabel reports whether a column's label names a birth month rather
// than a date (出生年月, not 出生年月日 or 出生日期): its Excel dates are
// months, whatever day they carry.
func monthLabel(label string) bool {
	k := labelKey(label)
	return strings.HasSuffix(k, "出生年月") || strings.HasSuffix(k, "年月")
}

// parseBirthValue reads a birth date, or a birth month (1979年03月,
// 1979.03, 1979-3, 197903) as 计生 and 民政 rosters keep it: date is
// YYYY-MM-DD, month YYYY-MM; one of the two is set.
func parseBirthValue(c sheets.Cell, date1904, monthColumn bool) (date, month string, err error) {
	v := strings.TrimSpace(foldWidth(c.Value))
	if v == "" {
		return "", "", nil
	}
	if m, ok := yearMonthValue(v); ok && (!c.Date || monthColumn) {
		return "", m, nil
	}
	d, err := parseDateValue(c, date1904)
	if err != nil {
		return "", "", err
	}
	if monthColumn && (c.Date || c.Number) {
		return "", d[:7], nil
	}
	return d, "", nil
}

// yearMonthValue reads 1979年03月, 1979年3月, 1979.03, 1979-3, 1979/3 and
// 197903 as 1979-03.
func yearMonthValue(v string) (string, bool) {
	var y, m string
	if yearMonth.MatchString(v) {
		v = strings.TrimSuffix(v, "月")
		y, m = v[:4], strings.TrimLeft(v[4:], "-/.年")
		if strings.HasPrefix(v[4:], "年") {
			m = v[4+len("年"):]
		}
	} else if len(v) == 6 && allDigits.MatchString(v) {
		y, m = v[:4], v[4:]
	} else {
		return "", false
	}
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || yi < 1880 || yi > 2200 || mi < 1 || mi > 12 {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d", yi, mi), true
}

// genderCode reads 男/女 and their other spellings (GB/T 2261.1: 1 男, 2 女).
func genderCode(v string) (string, bool) {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "男", "男性", "M", "1", "MALE":
		return "M", true
	case "女", "女性", "F", "2", "FEMALE":
		return "F", true
	}
	return "", false
}

// residenceCode reads a 人口类别 as lists write it.
func residenceCode(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if _, ok := register.ResidenceNames[v]; ok {
		return v, true
	}
	v = strings.TrimSuffix(strings.TrimSuffix(v, "人口"), "人员")
	switch v {
	case "户籍", "本地", "户籍在册":
		return register.ResidenceRegistered, true
	case "常住", "人户分离", "寄住":
		return register.ResidenceResident, true
	case "流动", "外来", "暂住":
		return register.ResidenceFloating, true
	case "境外", "外籍", "境外人士":
		return register.ResidenceOverseas, true
	}
	return "", false
}

// firstPhone keeps the first of several numbers written in one cell
// (13812345678/0911-8123456).
func firstPhone(v string) string {
	v = strings.TrimSpace(v)
	if isDigits(v) {
		// One number, nothing to split (nearly every row).
		return v
	}
	if parts := phoneSplit.Split(v, -1); len(parts) > 1 && len(parts[0]) >= 7 {
		return parts[0]
	}
	return v
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// holdsTag reads a tag column's cell: whether the row holds the tag, and
// whether the cell says anything about it at all (不详 does not).
func holdsTag(v string) (held, said bool) {
	switch strings.ToUpper(strings.TrimSpace(foldWidth(v))) {
	case "", "不详", "未知", "待核实", "待查":
		return false, false
	case "无", "否", "没有", "不是", "非", "未孕", "未怀孕", "N", "NO", "0", "×", "X":
		return false, true
	}
	return true, true
}

// yesWord reports whether a tag column's cell says only that the row holds
// the tag, with nothing to keep as its note.
func yesWord(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(foldWidth(v))) {
	case "有", "是", "Y", "YES", "1", "√", "✓", "✔", "怀孕", "已孕", "在孕", "孕中", "独居", "退役军人":
		return true
	}
	return false
}
