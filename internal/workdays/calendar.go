package workdays

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database
)

// Shanghai is the zone dates and working hours are read in.
var Shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable with time/tzdata embedded; China has had no daylight
		// saving since 1991, so a fixed zone is the same thing.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Kind says how a listed date differs from the default week.
type Kind string

const (
	Holiday Kind = "holiday" // 休: a rest day, whatever the weekday
	Workday Kind = "workday" // 班: a weekend day worked in exchange (调休上班)
)

// Label is the one-character mark shown on calendars.
func (k Kind) Label() string {
	if k == Workday {
		return "班"
	}
	return "休"
}

// Day is one date that differs from the default week.
type Day struct {
	Date        string `json:"date"` // YYYY-MM-DD
	Kind        Kind   `json:"kind"`
	Name        string `json:"name"`                  // 春节, 国庆节调休上班 …
	Provisional bool   `json:"provisional,omitempty"` // 暂定
}

// Year is a year the calendar has a schedule for.
type Year struct {
	Year        int    `json:"year"`
	Provisional bool   `json:"provisional,omitempty"`
	Source      string `json:"source"`
}

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock reads HH:MM.
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("时间 %q 应为 时:分,如 08:30", s)
	}
	return Clock(hh*60 + mm), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Period is a working period of a working day, [Start, End).
type Period struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

func (p Period) String() string { return p.Start.String() + "–" + p.End.String() }

// DefaultHours are the working hours when none are configured.
var DefaultHours = []Period{{8*60 + 30, 12 * 60}, {14 * 60, 17*60 + 30}}

// Calendar answers working-day questions. It is an immutable snapshot,
// safe for concurrent use; Load a new one after changing the data.
type Calendar struct {
	days  map[int]Day // by day number (days since 1970-01-01)
	years map[int]Year
	hours []Period
}

// New builds a calendar from its parts, checking them. Nil hours mean
// DefaultHours.
func New(days []Day, hours []Period, years []Year) (*Calendar, error) {
	if hours == nil {
		hours = DefaultHours
	}
	if err := checkHours(hours); err != nil {
		return nil, err
	}
	c := &Calendar{days: map[int]Day{}, years: map[int]Year{}, hours: append([]Period(nil), hours...)}
	for _, d := range days {
		n, err := parseDate(d.Date)
		if err != nil {
			return nil, err
		}
		if d.Kind != Holiday && d.Kind != Workday {
			return nil, fmt.Errorf("%s: 类型应为 holiday(休)或 workday(班)", d.Date)
		}
		c.days[n] = d
	}
	for _, y := range years {
		c.years[y.Year] = y
	}
	return c, nil
}

func checkHours(hours []Period) error {
	if len(hours) == 0 {
		return errors.New("至少需要一个工作时段")
	}
	prev := Clock(-1)
	for _, p := range hours {
		if p.Start < 0 || p.End > 24*60 || p.End <= p.Start {
			return fmt.Errorf("工作时段 %s 无效:结束应晚于开始", p)
		}
		if p.Start < prev {
			return fmt.Errorf("工作时段 %s 与前一时段重叠或顺序颠倒", p)
		}
		prev = p.End
	}
	return nil
}

// Hours returns the working periods of a working day.
func (c *Calendar) Hours() []Period { return append([]Period(nil), c.hours...) }

// DayLength is the working time of one working day.
func (c *Calendar) DayLength() time.Duration {
	var d time.Duration
	for _, p := range c.hours {
		d += time.Duration(p.End-p.Start) * time.Minute
	}
	return d
}

// Covers reports whether the calendar has a schedule for the year; a year
// it does not cover is counted on weekends alone.
func (c *Calendar) Covers(year int) bool { _, ok := c.years[year]; return ok }

// Years lists the years with a schedule, in order.
func (c *Calendar) Years() []Year {
	out := make([]Year, 0, len(c.years))
	for _, y := range c.years {
		out = append(out, y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

// Days lists the listed dates of a year, in order.
func (c *Calendar) Days(year int) []Day {
	var out []Day
	for _, d := range c.days {
		if strings.HasPrefix(d.Date, strconv.Itoa(year)+"-") {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// DayInfo describes the date of an instant.
type DayInfo struct {
	Date        string
	Workday     bool
	Name        string // the holiday or 调休 name, "" on an ordinary day
	Provisional bool
}

// Day describes the date of t in Asia/Shanghai.
func (c *Calendar) Day(t time.Time) DayInfo {
	n := dayNumber(t)
	info := DayInfo{Date: t.In(Shanghai).Format("2006-01-02"), Workday: c.workday(n)}
	if d, ok := c.days[n]; ok {
		info.Name, info.Provisional = d.Name, d.Provisional
	}
	return info
}

// IsWorkday reports whether the date of t (in Asia/Shanghai) is a working
// day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.workday(dayNumber(t)) }

// IsWorkingTime reports whether t lies inside a working period of a working
// day.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	n := dayNumber(t)
	if !c.workday(n) {
		return false
	}
	m := minuteOfDay(t)
	for _, p := range c.hours {
		if m >= p.Start && m < p.End {
			return true
		}
	}
	return false
}

// AddWorkdays returns the deadline of n working days counted from t: the
// end of the last working period of the n-th working day after the date of
// t. n <= 0 returns t.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	day := dayNumber(t)
	for left := n; left > 0; {
		day++
		if c.workday(day) {
			left--
		}
	}
	return c.instant(day, c.hours[len(c.hours)-1].End)
}

// maxScanDays bounds the search for working time, so that a calendar of
// nothing but holidays cannot hang a caller.
const maxScanDays = 366 * 50

// AddWorkingHours returns the instant at which d of working time has run
// from t. d <= 0 returns t.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	day := dayNumber(t)
	for i := 0; i < maxScanDays; i, day = i+1, day+1 {
		if !c.workday(day) {
			continue
		}
		for _, p := range c.hours {
			start, end := c.instant(day, p.Start), c.instant(day, p.End)
			if !end.After(t) {
				continue
			}
			if start.Before(t) {
				start = t
			}
			if avail := end.Sub(start); d <= avail {
				return start.Add(d)
			} else {
				d -= avail
			}
		}
	}
	return t.Add(d) // no working time for fifty years: count natural time
}

// NextWorkingTime returns t if it lies in working time, else the start of
// the next working period.
func (c *Calendar) NextWorkingTime(t time.Time) time.Time {
	day := dayNumber(t)
	for i := 0; i < maxScanDays; i, day = i+1, day+1 {
		if !c.workday(day) {
			continue
		}
		for _, p := range c.hours {
			start, end := c.instant(day, p.Start), c.instant(day, p.End)
			if end.After(t) {
				if start.Before(t) {
					return t
				}
				return start
			}
		}
	}
	return t
}

// WorkingTimeBetween returns the working time inside [a, b); negative when
// b is before a.
func (c *Calendar) WorkingTimeBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.WorkingTimeBetween(b, a)
	}
	var sum time.Duration
	last := dayNumber(b)
	for day := dayNumber(a); day <= last; day++ {
		if !c.workday(day) {
			continue
		}
		for _, p := range c.hours {
			start, end := c.instant(day, p.Start), c.instant(day, p.End)
			if start.Before(a) {
				start = a
			}
			if end.After(b) {
				end = b
			}
			if end.After(start) {
				sum += end.Sub(start)
			}
		}
	}
	return sum
}

// WorkdaysBetween counts the working days after the date of a up to and
// including the date of b; negative when b's date is before a's.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	from, to := dayNumber(a), dayNumber(b)
	sign := 1
	if to < from {
		from, to, sign = to, from, -1
	}
	n := 0
	for day := from + 1; day <= to; day++ {
		if c.workday(day) {
			n++
		}
	}
	return sign * n
}

// Overdue reports whether a matter with this deadline is overdue at now:
// strictly after the deadline instant. A zero deadline is never overdue.
func Overdue(deadline, now time.Time) bool {
	return !deadline.IsZero() && now.After(deadline)
}

// Late is Overdue for a matter that may be finished: finished after the
// deadline instant, or not finished (finished zero) and now after it.
// Events and applications, their lists, KPIs, indicators and 督办 all
// judge lateness by it.
func Late(deadline, finished, now time.Time) bool {
	if !finished.IsZero() {
		return Overdue(deadline, finished)
	}
	return Overdue(deadline, now)
}

// DueBy is the deadline instant of a matter due on a civil date
// (YYYY-MM-DD): when work stops that day, as AddWorkdays counts it, so a
// deadline kept as a date and one kept as an instant are the same
// deadline. A malformed or empty date gives the zero time (never overdue).
func (c *Calendar) DueBy(date string) time.Time {
	n, err := parseDate(date)
	if err != nil {
		return time.Time{}
	}
	return c.instant(n, c.hours[len(c.hours)-1].End)
}

// FirstDueDate is the earliest due date not yet past at now: a matter due
// on an earlier date is overdue (Overdue(DueBy(date), now)). It is the form
// of Overdue that SQL over stored dates uses: due_date < FirstDueDate(now).
func (c *Calendar) FirstDueDate(now time.Time) string {
	n := dayNumber(now)
	if Overdue(c.instant(n, c.hours[len(c.hours)-1].End), now) {
		n++
	}
	return time.Unix(int64(n)*86400, 0).UTC().Format("2006-01-02")
}

// Date returns midnight of a civil date in Asia/Shanghai.
func Date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, Shanghai)
}

// ParseDate reads YYYY-MM-DD as midnight in Asia/Shanghai.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("日期 %q 应为 年-月-日,如 2026-10-01", s)
	}
	return t, nil
}

func (c *Calendar) workday(n int) bool {
	if d, ok := c.days[n]; ok {
		return d.Kind == Workday
	}
	wd := time.Weekday(((n+4)%7 + 7) % 7) // 1970-01-01 was a Thursday
	return wd != time.Saturday && wd != time.Sunday
}

// instant is the moment at minute m of day number n in Asia/Shanghai.
func (c *Calendar) instant(n int, m Clock) time.Time {
	y, mo, d := time.Unix(int64(n)*86400, 0).UTC().Date()
	return time.Date(y, mo, d, int(m)/60, int(m)%60, 0, 0, Shanghai)
}

// dayNumber is the civil date of t in Asia/Shanghai as days since
// 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, d := t.In(Shanghai).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func minuteOfDay(t time.Time) Clock {
	l := t.In(Shanghai)
	return Clock(l.Hour()*60 + l.Minute())
}

func parseDate(s string) (int, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("日期 %q 应为 年-月-日,如 2026-10-01", s)
	}
	return int(t.Unix() / 86400), nil
}
