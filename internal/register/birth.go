package register

import (
	"strconv"
	"strings"
	"time"

	"shequ/internal/fault"
	"shequ/internal/ident"
)

// How precisely a person's birth is known (persons.birth_precision).
const (
	BirthByDay   = "day"
	BirthByMonth = "month" // only the year and month: 出生年月 on a roster without an ID number
)

// MonthOnly reports whether only the year and month of the person's birth
// are known.
func (p Person) MonthOnly() bool { return p.BirthPrecision == BirthByMonth }

// Birth is the person's birth as known: YYYY-MM-DD, or YYYY-MM when only
// the month is; "" when unknown (or hidden from the viewer).
func (p Person) Birth() string {
	if p.MonthOnly() && len(p.BirthDate) >= 7 {
		return p.BirthDate[:7]
	}
	return p.BirthDate
}

// BirthShown is the birth as pages print it: 1990-09-17, or 1990年09月
// when only the month is known — never a day nobody knows.
func (p Person) BirthShown() string {
	if b := p.Birth(); len(b) == 7 {
		return b[:4] + "年" + b[5:] + "月"
	}
	return p.BirthDate
}

// EarliestBirth is the first day the person may have been born on: the
// birth date, or the first of the month when only the month is known.
func (p Person) EarliestBirth() string {
	if p.MonthOnly() && len(p.BirthDate) >= 7 {
		return p.BirthDate[:7] + "-01"
	}
	return p.BirthDate
}

// SameBirthMonth reports whether a full birth date falls in the month of a
// person whose birth is known to the month only: then the date is what the
// register lacked, not a disagreement.
func (p Person) SameBirthMonth(date string) bool {
	return p.MonthOnly() && len(date) == 10 && len(p.BirthDate) >= 7 && date[:7] == p.BirthDate[:7]
}

// ParseMonth reads a year and month as forms and rosters write them:
// 1990-09, 1990-9, 1990.09, 1990/9, 1990年09月, 1990年9月 or 199009, and
// returns it as YYYY-MM.
func ParseMonth(s string) (string, bool) {
	s = strings.TrimSpace(normalise(s))
	s = strings.TrimSuffix(s, "月")
	var y, m string
	if i := strings.IndexAny(s, "-./年"); i >= 0 {
		y, m = s[:i], s[i+1:]
		if strings.HasPrefix(s[i:], "年") {
			m = s[i+len("年"):]
		}
	} else if len(s) == 6 {
		y, m = s[:4], s[4:]
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 {
		return "", false
	}
	yn, err1 := strconv.Atoi(y)
	mn, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || strings.ContainsAny(y+m, "+-") || yn < 1890 || yn > 2200 || mn < 1 || mn > 12 {
		return "", false
	}
	return y + "-" + twoDigits(mn), true
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// MonthEnd is the last day of a month written YYYY-MM: what birth_date
// holds for a birth known to the month only.
func MonthEnd(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, -1).Format("2006-01-02")
}

const monthWithDocument = "有证件号码的须填写完整的出生日期(年-月-日);只知出生年月的仅限“无证件”人员"

// checkBirth reads the birth date of a person whose document does not give
// it (dt). A year and month alone are taken only from a person without a
// document: whoever has one has a full date on it. A month carried over
// from the stored person (precision month, the month's last day) stays a
// month; any other full date is a day.
func checkBirth(fe fault.Fields, p *Person, dt ident.DocType, today time.Time) {
	v := strings.TrimSpace(p.BirthDate)
	if v == "" {
		fe.Add("birth_date", FieldLabel("person", "birth_date")+"不能为空")
		p.BirthDate, p.BirthPrecision = "", BirthByDay
		return
	}
	if d, ok := ParseDate(v); ok {
		switch {
		case p.MonthOnly() && d == MonthEnd(d[:7]) && dt != ident.DocNone:
			fe.Add("birth_date", monthWithDocument)
		case p.MonthOnly() && d == MonthEnd(d[:7]):
			p.BirthDate = d
		default:
			p.BirthDate, p.BirthPrecision = d, BirthByDay
		}
		if p.EarliestBirth() > today.Format("2006-01-02") {
			fe.Add("birth_date", "出生日期不能晚于今天")
		}
		return
	}
	m, ok := ParseMonth(v)
	switch {
	case !ok && dt == ident.DocNone:
		fe.Add("birth_date", "出生日期不是有效日期,应为 年-月-日,如 2024-03-01;只知出生年月的可填 年-月,如 1990-09")
	case !ok:
		fe.Add("birth_date", FieldLabel("person", "birth_date")+"不是有效日期,应为 年-月-日,如 2024-03-01")
	case dt != ident.DocNone:
		fe.Add("birth_date", monthWithDocument)
	case m > today.Format("2006-01"):
		fe.Add("birth_date", "出生年月不能晚于本月")
	default:
		p.BirthDate, p.BirthPrecision = MonthEnd(m), BirthByMonth
		return
	}
	p.BirthDate, p.BirthPrecision = "", BirthByDay
}

// birthPrecision is what persons.birth_precision holds for p: a person
// made without saying (a snapshot from before the column, a loader's row)
// is known to the day.
func birthPrecision(p *Person) string {
	if p.MonthOnly() {
		return BirthByMonth
	}
	return BirthByDay
}
