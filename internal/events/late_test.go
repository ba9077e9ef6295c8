package events

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/workdays"
)

// An event is late as an application is (workdays.Late): handled one
// minute after its deadline instant it is not 按期, one minute before it
// is; still open one minute past it, it is overdue in the list, the KPIs'
// 当前超期 and the 督办 grade. The services package tests the same three
// cases for applications.
func TestEventLateByTheDeadlineInstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		for _, c := range []struct {
			name   string
			offset time.Duration
			onTime bool
		}{{"one minute before", -time.Minute, true}, {"one minute after", time.Minute, false}} {
			e := f.report("rental.unregistered")
			e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelCommunity})
			deadline := e.DueAt
			f.now = deadline.Add(c.offset)
			if e.Overdue(f.now) == c.onTime {
				t.Errorf("%s: open event overdue %v", c.name, e.Overdue(f.now))
			}
			e = f.act(f.staff, e, Action{Name: ActFeedback, PublicNote: "已登记"})
			if e.OnTime == nil || *e.OnTime != c.onTime || workdays.Late(deadline, f.now, f.now) == c.onTime {
				t.Errorf("%s: 按期 %v, want %v", c.name, e.OnTime, c.onTime)
			}
			f.now = workdays.Date(2026, 3, 2).Add(9 * time.Hour)
		}

		e := f.report("rental.unregistered")
		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelCommunity})
		for _, c := range []struct {
			at      time.Time
			overdue bool
		}{{e.DueAt.Add(-time.Minute), false}, {e.DueAt.Add(time.Minute), true}} {
			f.now = c.at
			list, _, err := f.s.List(ctx, f.head, Filter{Overdue: true})
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, x := range list {
				listed = listed || x.ID == e.ID
			}
			rows, err := f.s.KPIs(ctx, f.head, KPIQuery{})
			if err != nil || len(rows) != 1 {
				t.Fatalf("KPIs: %v %+v", err, rows)
			}
			if e.Overdue(f.now) != c.overdue || listed != c.overdue || (rows[0].OverdueNow == 1) != c.overdue ||
				workdays.Late(e.DueAt, time.Time{}, f.now) != c.overdue {
				t.Errorf("at %s: overdue %v, listed %v, KPI %d; want %v", c.at, e.Overdue(f.now), listed, rows[0].OverdueNow, c.overdue)
			}
		}
	})
}
