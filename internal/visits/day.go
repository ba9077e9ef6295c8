package visits

import (
	"strconv"
	"time"

	"shequ/internal/workdays"
)

// day is a calendar day as a count of days since 1970-01-01: schedules add
// and compare days by the hundred thousand, which a number does cheaply.
type day int

const noDay day = 0

func dayOfTime(t time.Time) day {
	t = t.In(workdays.Shanghai)
	return day(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// parseDay reads YYYY-MM-DD (and the date part of a timestamp); noDay when
// it is not one.
func parseDay(s string) day {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return noDay
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return noDay
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return noDay
	}
	return day(t.Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (d day) String() string {
	if d == noDay {
		return ""
	}
	return d.time().Format("2006-01-02")
}

// dayNames formats days once each: a recomputation writes a few hundred
// distinct days on hundreds of thousands of rows.
type dayNames map[day]string

func (n dayNames) of(d day) string {
	s, ok := n[d]
	if !ok {
		s = d.String()
		n[d] = s
	}
	return s
}
