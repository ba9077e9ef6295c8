package database

import "time"

// Times are stored as TEXT in one fixed UTC layout so that they sort and
// compare the same way on both engines; dates as YYYY-MM-DD.
const (
	TimeLayout = "2006-01-02 15:04:05.000000"
	DateLayout = "2006-01-02"
)

// FormatTime renders t for storage.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored time; a malformed value yields the zero time.
func ParseTime(s string) time.Time {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// EndOfDay is the last stored instant of date d (YYYY-MM-DD), for "as of"
// comparisons that include the whole day.
func EndOfDay(d string) string { return d + " 23:59:59.999999" }

func nowUTC() time.Time { return time.Now().UTC() }
