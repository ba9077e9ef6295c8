package workdays

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// at is a Shanghai wall-clock time.
func at(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, Shanghai)
}

// The shipped calendar is read from each engine and the arithmetic checked
// against it: 2026 as the State Council published it, 2027 provisional.
func TestShippedCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cal, err := Load(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if !cal.Covers(2026) || !cal.Covers(2027) || cal.Covers(2028) {
			t.Errorf("years covered: %+v", cal.Years())
		}
		ys := cal.Years()
		if len(ys) != 2 || ys[0].Provisional || !ys[1].Provisional || !strings.Contains(ys[1].Source, "暂定") {
			t.Errorf("2027 should be marked 暂定: %+v", ys)
		}
		if got := len(cal.Days(2026)); got != 39 {
			t.Errorf("2026 lists %d dates, want 33 holidays and 6 make-up days", got)
		}
		if cal.DayLength() != 7*time.Hour {
			t.Errorf("day length %v", cal.DayLength())
		}
		checkArithmetic(t, cal)
	})
}

func checkArithmetic(t *testing.T, cal *Calendar) {
	t.Helper()
	d := func(y int, mo time.Month, day int) time.Time { return Date(y, mo, day) }
	for _, c := range []struct {
		day  time.Time
		work bool
		why  string
	}{
		{d(2026, 1, 1), false, "元旦"},
		{d(2026, 1, 2), false, "元旦调休 on a Friday"},
		{d(2026, 1, 4), true, "Sunday worked for 元旦"},
		{d(2026, 2, 13), true, "Friday before 春节"},
		{d(2026, 2, 14), true, "Saturday worked for 春节"},
		{d(2026, 2, 16), false, "除夕"},
		{d(2026, 2, 23), false, "春节 last day, a Monday"},
		{d(2026, 2, 24), true, "first day back"},
		{d(2026, 2, 28), true, "Saturday worked for 春节"},
		{d(2026, 3, 1), false, "ordinary Sunday"},
		{d(2026, 4, 6), false, "清明 Monday"},
		{d(2026, 5, 5), false, "劳动节 Tuesday"},
		{d(2026, 5, 9), true, "Saturday worked for 劳动节"},
		{d(2026, 9, 20), true, "Sunday worked for 国庆"},
		{d(2026, 9, 25), false, "中秋 Friday"},
		{d(2026, 10, 7), false, "国庆 last day"},
		{d(2026, 10, 8), true, "after 国庆"},
		{d(2026, 10, 10), true, "Saturday worked for 国庆"},
		{d(2026, 10, 11), false, "ordinary Sunday"},
		{d(2027, 1, 1), false, "元旦 2027 (暂定)"},
		{d(2027, 2, 10), false, "春节 补假 2027 (暂定)"},
		{d(2027, 2, 11), true, "after 春节 2027"},
		{d(2027, 10, 5), false, "国庆 补假 2027"},
		{d(2025, 12, 31), true, "uncovered year: a Wednesday"},
		{d(2025, 12, 27), false, "uncovered year: a Saturday"},
		{d(2028, 1, 3), true, "uncovered year: a Monday"},
	} {
		if got := cal.IsWorkday(c.day); got != c.work {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", c.day.Format("2006-01-02 Mon"), got, c.work, c.why)
		}
	}
	// The date is read in Shanghai, whatever the zone of the argument:
	// 2026-01-03 17:00 UTC is 2026-01-04 01:00 in Shanghai, a 调休 Sunday.
	if !cal.IsWorkday(time.Date(2026, 1, 3, 17, 0, 0, 0, time.UTC)) {
		t.Error("date read in UTC instead of Asia/Shanghai")
	}

	for _, c := range []struct {
		from time.Time
		n    int
		want time.Time
		why  string
	}{
		{at(2026, 3, 2, 10, 0), 1, at(2026, 3, 3, 17, 30), "the day received does not count"},
		{at(2026, 3, 1, 11, 0), 1, at(2026, 3, 2, 17, 30), "received on a Sunday"},
		{at(2026, 2, 13, 10, 0), 1, at(2026, 2, 14, 17, 30), "a 调休 Saturday counts"},
		{at(2026, 2, 13, 10, 0), 2, at(2026, 2, 24, 17, 30), "春节 skipped"},
		{at(2026, 2, 14, 16, 0), 1, at(2026, 2, 24, 17, 30), "from the 调休 Saturday over 春节"},
		{at(2026, 2, 24, 9, 0), 4, at(2026, 2, 28, 17, 30), "ending on a 调休 Saturday"},
		{at(2025, 12, 31, 9, 0), 1, at(2026, 1, 4, 17, 30), "over the year end to a 调休 Sunday"},
		{at(2025, 12, 31, 9, 0), 2, at(2026, 1, 5, 17, 30), "over the year end"},
		{at(2026, 12, 31, 15, 0), 1, at(2027, 1, 4, 17, 30), "into the provisional 2027"},
		{at(2026, 9, 18, 12, 0), 1, at(2026, 9, 20, 17, 30), "a 调休 Sunday before 国庆"},
		{at(2026, 9, 30, 9, 0), 1, at(2026, 10, 8, 17, 30), "国庆 skipped"},
		{at(2026, 9, 30, 9, 0), 3, at(2026, 10, 10, 17, 30), "国庆 skipped to a 调休 Saturday"},
		{at(2027, 2, 4, 9, 0), 1, at(2027, 2, 11, 17, 30), "春节 2027 with its 补假"},
		{at(2026, 3, 2, 10, 0), 0, at(2026, 3, 2, 10, 0), "zero days"},
		{at(2026, 3, 2, 10, 0), 15, at(2026, 3, 23, 17, 30), "three weeks"},
	} {
		if got := cal.AddWorkdays(c.from, c.n); !got.Equal(c.want) {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s (%s)", c.from.Format("01-02 15:04 Mon"), c.n,
				got.In(Shanghai).Format("2006-01-02 15:04 Mon"), c.want.Format("2006-01-02 15:04 Mon"), c.why)
		}
	}

	h := time.Hour
	for _, c := range []struct {
		from time.Time
		d    time.Duration
		want time.Time
		why  string
	}{
		{at(2026, 3, 2, 10, 0), h, at(2026, 3, 2, 11, 0), "inside a period"},
		{at(2026, 3, 2, 11, 0), 2 * h, at(2026, 3, 2, 15, 0), "over lunch"},
		{at(2026, 3, 2, 12, 30), 30 * time.Minute, at(2026, 3, 2, 14, 30), "starting at lunch"},
		{at(2026, 3, 2, 7, 0), h, at(2026, 3, 2, 9, 30), "starting before work"},
		{at(2026, 3, 2, 16, 30), h, at(2026, 3, 2, 17, 30), "ending exactly at closing time"},
		{at(2026, 3, 2, 16, 30), 2 * h, at(2026, 3, 3, 9, 30), "overnight"},
		{at(2026, 3, 2, 10, 0), 14 * h, at(2026, 3, 4, 10, 0), "two working days"},
		{at(2026, 2, 13, 17, 0), h, at(2026, 2, 14, 9, 0), "into a 调休 Saturday"},
		{at(2026, 2, 14, 17, 0), h, at(2026, 2, 24, 9, 0), "over 春节"},
		{at(2026, 12, 31, 17, 0), 7 * h, at(2027, 1, 4, 17, 0), "over the year end"},
		{at(2026, 3, 2, 10, 0), 0, at(2026, 3, 2, 10, 0), "zero"},
		{time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), h, at(2026, 3, 2, 11, 0), "a UTC argument"},
	} {
		if got := cal.AddWorkingHours(c.from, c.d); !got.Equal(c.want) {
			t.Errorf("AddWorkingHours(%s, %v) = %s, want %s (%s)", c.from.In(Shanghai).Format("01-02 15:04 Mon"), c.d,
				got.In(Shanghai).Format("2006-01-02 15:04 Mon"), c.want.Format("2006-01-02 15:04 Mon"), c.why)
		}
	}

	for _, c := range []struct {
		a, b time.Time
		want time.Duration
	}{
		{at(2026, 3, 2, 10, 0), at(2026, 3, 2, 15, 0), 3 * h},
		{at(2026, 3, 2, 15, 0), at(2026, 3, 2, 10, 0), -3 * h},
		{at(2026, 2, 13, 17, 0), at(2026, 2, 24, 9, 0), 8 * h},
		{at(2025, 12, 31, 8, 0), at(2026, 1, 5, 8, 0), 14 * h},
		{at(2026, 3, 7, 9, 0), at(2026, 3, 8, 18, 0), 0},
		{at(2026, 3, 2, 17, 30), at(2026, 3, 3, 8, 30), 0},
	} {
		if got := cal.WorkingTimeBetween(c.a, c.b); got != c.want {
			t.Errorf("WorkingTimeBetween(%s, %s) = %v, want %v", c.a.Format("01-02 15:04"), c.b.Format("01-02 15:04"), got, c.want)
		}
	}
	for _, c := range []struct {
		a, b time.Time
		want int
	}{
		{d(2026, 2, 13), d(2026, 2, 24), 2},
		{d(2026, 9, 30), d(2026, 10, 10), 3},
		{d(2026, 10, 10), d(2026, 9, 30), -3},
		{d(2026, 3, 2), d(2026, 3, 2), 0},
		{d(2026, 12, 30), d(2027, 1, 5), 3},
	} {
		if got := cal.WorkdaysBetween(c.a, c.b); got != c.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", c.a.Format("2006-01-02"), c.b.Format("2006-01-02"), got, c.want)
		}
	}

	// The operations agree with each other over two years of starting
	// times, every limit from 15 minutes to three days.
	for start := at(2025, 12, 1, 7, 45); start.Before(at(2027, 12, 31, 0, 0)); start = start.Add(29*h + 17*time.Minute) {
		for _, lim := range []time.Duration{15 * time.Minute, 2 * h, 7 * h, 24 * h} {
			due := cal.AddWorkingHours(start, lim)
			if got := cal.WorkingTimeBetween(start, due); got != lim {
				t.Fatalf("WorkingTimeBetween(%s, AddWorkingHours(+%v)) = %v", start, lim, got)
			}
			if cal.WorkingTimeBetween(start, due.Add(-time.Minute)) >= lim {
				t.Fatalf("AddWorkingHours(%s, %v) is later than needed", start, lim)
			}
		}
		for _, n := range []int{1, 3, 10} {
			due := cal.AddWorkdays(start, n)
			if got := cal.WorkdaysBetween(start, due); got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%d)) = %d", start, n, got)
			}
			if !cal.IsWorkday(due) {
				t.Fatalf("AddWorkdays(%s, %d) ends on a rest day", start, n)
			}
		}
	}
}

func TestOverdue(t *testing.T) {
	due := at(2026, 3, 2, 17, 30)
	if Overdue(due, due) {
		t.Error("overdue at the deadline instant")
	}
	if !Overdue(due, due.Add(time.Nanosecond)) {
		t.Error("not overdue after the deadline")
	}
	if Overdue(time.Time{}, due) {
		t.Error("no deadline but overdue")
	}
}

func TestCustomHours(t *testing.T) {
	cal, err := New(nil, []Period{{9 * 60, 12 * 60}, {13 * 60, 18 * 60}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.AddWorkdays(at(2026, 3, 2, 10, 0), 1); !got.Equal(at(2026, 3, 3, 18, 0)) {
		t.Errorf("custom closing time: %s", got)
	}
	if !cal.IsWorkday(Date(2026, 1, 1)) {
		t.Error("a calendar without dates treats 元旦 as a holiday")
	}
	if cal.IsWorkingTime(at(2026, 3, 2, 12, 30)) || !cal.IsWorkingTime(at(2026, 3, 2, 13, 0)) {
		t.Error("IsWorkingTime")
	}
	if got := cal.NextWorkingTime(at(2026, 3, 6, 18, 0)); !got.Equal(at(2026, 3, 9, 9, 0)) {
		t.Errorf("NextWorkingTime after Friday closing = %s", got)
	}
	for _, bad := range [][]Period{{}, {{600, 540}}, {{540, 720}, {700, 800}}, {{540, 24*60 + 1}}} {
		if _, err := New(nil, bad, nil); err == nil {
			t.Errorf("hours %v accepted", bad)
		}
	}
	for _, s := range []string{"8", "25:00", "08:61", "ab:cd"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
}
