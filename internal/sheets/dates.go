package sheets

import (
	"math"
	"strconv"
	"time"
)

// SerialDate converts an Excel serial date (days since 1899-12-30 in the
// 1900 system, counting Lotus's phantom 1900-02-29; since 1904-01-01 in the
// 1904 system) to a calendar date. ok is false for values that are not a
// date between 1900 and 2200, and for serial 60, the phantom day.
func SerialDate(value string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(f) || f < 1 {
		return time.Time{}, false
	}
	days := int(math.Floor(f))
	var base time.Time
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		if days == 60 {
			return time.Time{}, false
		}
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if days < 60 {
			base = base.AddDate(0, 0, 1) // before the phantom leap day
		}
	}
	t := base.AddDate(0, 0, days)
	if t.Year() > 2200 {
		return time.Time{}, false
	}
	return t, true
}

// Serial is the inverse of SerialDate in the 1900 system, for writing dates
// as numbers the way Excel stores them.
func Serial(t time.Time) int {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	d := int(t.Sub(base).Hours() / 24)
	if d < 61 {
		d--
	}
	return d
}
