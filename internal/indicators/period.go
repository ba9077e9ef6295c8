package indicators

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Frequencies of reports and report items.
const (
	Monthly   = "month"
	Quarterly = "quarter"
	Yearly    = "year"
)

// FrequencyNames gives the Chinese name of each frequency.
var FrequencyNames = map[string]string{Monthly: "月报", Quarterly: "季报", Yearly: "年报"}

// Period is a reporting period: a month, a quarter or a year.
type Period struct {
	Freq string // month, quarter, year
	Year int
	N    int // month 1–12, quarter 1–4; 0 for a year
}

// ParsePeriod reads 2026-10 (a month), 2026-Q4 (a quarter) or 2026 (a year).
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("报告期 %q 无效,应为 2026-10(月)、2026-Q4(季)或 2026(年)", s)
	year, rest, found := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 || y < 1900 || y > 2999 {
		return Period{}, bad
	}
	if !found {
		return Period{Freq: Yearly, Year: y}, nil
	}
	if strings.HasPrefix(rest, "Q") || strings.HasPrefix(rest, "q") {
		q, err := strconv.Atoi(rest[1:])
		if err != nil || q < 1 || q > 4 {
			return Period{}, bad
		}
		return Period{Freq: Quarterly, Year: y, N: q}, nil
	}
	m, err := strconv.Atoi(rest)
	if err != nil || m < 1 || m > 12 || len(rest) != 2 {
		return Period{}, bad
	}
	return Period{Freq: Monthly, Year: y, N: m}, nil
}

// String is the period's canonical form: 2026-10, 2026-Q4, 2026.
func (p Period) String() string {
	switch p.Freq {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case Quarterly:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// Label is the period in Chinese: 2026年10月, 2026年第4季度, 2026年.
func (p Period) Label() string {
	switch p.Freq {
	case Monthly:
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	case Quarterly:
		return fmt.Sprintf("%d年第%d季度", p.Year, p.N)
	}
	return fmt.Sprintf("%d年", p.Year)
}

// IsZero reports whether p is unset.
func (p Period) IsZero() bool { return p.Year == 0 }

func (p Period) firstMonth() int {
	switch p.Freq {
	case Monthly:
		return p.N
	case Quarterly:
		return 3*(p.N-1) + 1
	}
	return 1
}

func (p Period) months() int {
	switch p.Freq {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	}
	return 12
}

// StartTime is the first instant of the period (UTC midnight).
func (p Period) StartTime() time.Time {
	return time.Date(p.Year, time.Month(p.firstMonth()), 1, 0, 0, 0, 0, time.UTC)
}

// Start is the first day of the period, YYYY-MM-DD.
func (p Period) Start() string { return p.StartTime().Format("2006-01-02") }

// End is the last day of the period, YYYY-MM-DD.
func (p Period) End() string {
	return p.StartTime().AddDate(0, p.months(), -1).Format("2006-01-02")
}

// Before is the day before the period starts: the state "at the start" is
// the register as it stood at the end of that day.
func (p Period) Before() string { return p.StartTime().AddDate(0, 0, -1).Format("2006-01-02") }

// Of returns the period of frequency freq that contains p's last day: the
// quarter of a month, the year of a quarter.
func (p Period) Of(freq string) Period {
	end := p.StartTime().AddDate(0, p.months(), -1)
	m := int(end.Month())
	switch freq {
	case Monthly:
		return Period{Freq: Monthly, Year: end.Year(), N: m}
	case Quarterly:
		return Period{Freq: Quarterly, Year: end.Year(), N: (m-1)/3 + 1}
	}
	return Period{Freq: Yearly, Year: end.Year()}
}

// Due reports whether an item of frequency freq is reported in period p: a
// quarterly item in the last month of each quarter, a yearly one in
// December (or the fourth quarter, or the year).
func (p Period) Due(freq string) bool {
	if rank(freq) < rank(p.Freq) {
		return false // a monthly item has no value in a yearly report
	}
	return p.Of(freq).End() == p.End()
}

func rank(freq string) int {
	switch freq {
	case Monthly:
		return 1
	case Quarterly:
		return 2
	}
	return 3
}

// Previous returns the period before p, of the same frequency.
func (p Period) Previous() Period {
	switch p.Freq {
	case Monthly:
		if p.N == 1 {
			return Period{Freq: Monthly, Year: p.Year - 1, N: 12}
		}
		return Period{Freq: Monthly, Year: p.Year, N: p.N - 1}
	case Quarterly:
		if p.N == 1 {
			return Period{Freq: Quarterly, Year: p.Year - 1, N: 4}
		}
		return Period{Freq: Quarterly, Year: p.Year, N: p.N - 1}
	}
	return Period{Freq: Yearly, Year: p.Year - 1}
}

// Current returns the period of frequency freq containing t.
func Current(freq string, t time.Time) Period {
	t = t.UTC()
	return Period{Freq: Monthly, Year: t.Year(), N: int(t.Month())}.Of(freq)
}

// ageOn returns the age in whole years on date d (YYYY-MM-DD) of someone
// born on birth (YYYYMMDD as an integer); NaN when birth is unknown.
func ageOn(birth int64, d int64) float64 {
	if birth <= 0 {
		return nan
	}
	age := d/10000 - birth/10000
	if d%10000 < birth%10000 {
		age--
	}
	return float64(age)
}

// dateInt turns YYYY-MM-DD into YYYYMMDD; 0 when malformed.
func dateInt(s string) int64 {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	var n int64
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
