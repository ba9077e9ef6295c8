package services

import (
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/workdays"
)

// An application is late when it is finished after the instant its legal
// deadline ends, or still in progress past it (workdays.Late): one minute
// either side of the deadline decides, on the page's 按期, the overdue
// list, the queue badge and the replayed indicator alike.
func TestApplicationLateByTheDeadlineInstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		src, err := NewIndicatorSource(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		s := src.(*indicatorSource)
		hall, err := s.service(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 居住证明: one working day. Taken in on Friday 27 November, it is due
		// when work stops on Monday 30 November, 17:30 in China.
		deadline := time.Date(2026, 11, 30, 17, 30, 0, 0, cst)
		intake := func() *Application {
			t.Helper()
			f.now = friday
			a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "juzhu"})
			if err != nil || a.DueOn != "2026-11-30" || !f.svc.cal.c.DueBy(a.DueOn).Equal(deadline) {
				t.Fatalf("intake: %v %+v", err, a)
			}
			return a
		}
		overdueListed := func(id int64) bool {
			as, _, err := f.svc.List(ctx, access.Everything, Filter{Overdue: true, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.ID == id {
					return true
				}
			}
			return false
		}
		replayed := func(a *Application) pastState {
			steps, err := s.stepsBefore(ctx, a.CommunityID, "9999", []int64{a.ID})
			if err != nil {
				t.Fatal(err)
			}
			_, st := hall.replay(Application{Chain: a.Chain, TimeLimit: a.TimeLimit}, steps[a.ID], "9999")
			return st
		}
		for _, c := range []struct {
			name   string
			at     time.Time
			onTime bool
		}{{"one minute before", deadline.Add(-time.Minute), true}, {"one minute after", deadline.Add(time.Minute), false}} {
			a := intake()
			f.now = c.at
			if f.svc.Overdue(*a) == c.onTime || overdueListed(a.ID) == c.onTime {
				t.Errorf("%s: open case overdue %v, listed %v; want %v", c.name, f.svc.Overdue(*a), overdueListed(a.ID), !c.onTime)
			}
			if a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err != nil {
				t.Fatal(err)
			}
			if a.OnTime == nil || *a.OnTime != c.onTime || a.FinishedOn != "2026-11-30" {
				t.Errorf("%s: finished on %s, 按期 %v; want %v", c.name, a.FinishedOn, a.OnTime, c.onTime)
			}
			if st := replayed(a); st.OnTime == nil || *st.OnTime != c.onTime {
				t.Errorf("%s: replayed 按期 %v, want %v", c.name, st.OnTime, c.onTime)
			}
			if late := workdays.Late(deadline, c.at, c.at); late == c.onTime {
				t.Errorf("%s: workdays.Late %v", c.name, late)
			}
		}

		// A stage passed a minute late: the queue showed it 超期, so the case
		// is not 按期 though it ends well within its legal time.
		for _, c := range []struct {
			offset time.Duration
			onTime bool
		}{{-time.Minute, true}, {time.Minute, false}} {
			f.now = friday
			a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "jisheng"})
			if err != nil || a.StageDue != "2026-11-30" || a.DueOn != "2026-12-02" {
				t.Fatalf("jisheng: %v %+v", err, a)
			}
			f.now = deadline.Add(c.offset)
			if a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err != nil {
				t.Fatal(err)
			}
			f.now = time.Date(2026, 12, 1, 10, 0, 0, 0, cst)
			if a, err = f.svc.Approve(ctx, f.streetOp, a.ID, a.Version, ""); err != nil {
				t.Fatal(err)
			}
			if a.OnTime == nil || *a.OnTime != c.onTime {
				t.Errorf("community stage passed %v after its deadline: 按期 %v, want %v", c.offset, a.OnTime, c.onTime)
			}
			if st := replayed(a); st.OnTime == nil || *st.OnTime != c.onTime {
				t.Errorf("replayed 按期 %v, want %v", st.OnTime, c.onTime)
			}
		}

		// Still open past the deadline: overdue in the list and the queue
		// badge from 17:31, not only from the next day.
		a := intake()
		f.now = deadline.Add(time.Minute)
		if !f.svc.Overdue(*a) || !overdueListed(a.ID) {
			t.Error("an open case one minute past its deadline is not overdue")
		}
		qs, err := f.svc.Queues(ctx, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Queue == LevelCommunity && q.Overdue != 1 {
				t.Errorf("queue badge %+v, want 1 overdue", q)
			}
		}

		// Returned after the deadline and resubmitted: it stays late.
		if a, err = f.svc.Return(ctx, f.staff, a.ID, a.Version, "材料需补正", []string{a.Materials[len(a.Materials)-1].Code}, ""); err != nil {
			t.Fatal(err)
		}
		f.now = deadline.AddDate(0, 0, 1)
		var codes []string
		for _, m := range a.Missing() {
			codes = append(codes, m.Code)
		}
		if a, err = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, codes); err != nil {
			t.Fatal(err)
		}
		if !f.svc.Overdue(*a) {
			t.Errorf("a case returned after its deadline is on time again: due %s", a.DueOn)
		}
		if a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err != nil || a.OnTime == nil || *a.OnTime {
			t.Errorf("a case returned late and finished after: %v 按期 %v", err, a.OnTime)
		}
	})
}

// Over the demo, a case is 按期 exactly when it was never shown overdue
// while open (at any of its steps, by the lists' rule) and was finished by
// the instant its legal deadline ends; every case in progress is listed
// overdue exactly when workdays.Late says so now.
func TestDemoCasesLateByTheDeadlineInstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := LoadDemo(ctx, db, DemoOptions{Seed: 3, Today: friday, PerCommunity: 60}); err != nil {
			t.Fatal(err)
		}
		f.now = friday
		cal := f.svc.cal.c
		src, err := NewIndicatorSource(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		s := src.(*indicatorSource)
		hall, err := s.service(ctx)
		if err != nil {
			t.Fatal(err)
		}
		as, _, err := f.svc.List(ctx, access.Everything, Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		overdue, _, err := f.svc.List(ctx, access.Everything, Filter{Overdue: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		listed := map[int64]bool{}
		for _, a := range overdue {
			listed[a.ID] = true
		}
		late, stageLateOnly, finished := 0, 0, 0
		for _, a := range as {
			if a.Finished() && a.DueOn != "" {
				steps, err := s.stepsBefore(ctx, a.CommunityID, "9999", []int64{a.ID})
				if err != nil {
					t.Fatal(err)
				}
				// Shown overdue just before one of its steps?
				shown := false
				var at time.Time
				for i, st := range steps[a.ID] {
					at = database.ParseTime(st.at)
					_, before := hall.replay(Application{Chain: a.Chain, TimeLimit: a.TimeLimit}, steps[a.ID][:i], "9999")
					shown = shown || f.svc.OverdueAt(before.Application, at)
				}
				// The finishing step is the last approve or reject.
				for _, st := range steps[a.ID] {
					if st.action == ActApprove || st.action == ActReject {
						at = database.ParseTime(st.at)
					}
				}
				pastLegal := workdays.Late(cal.DueBy(a.DueOn), at, friday)
				want := !shown && !pastLegal
				if a.Status == StatusRejected && !shown && a.PausedDays > 0 {
					want = true // refused at the window while its clock was paused
				}
				if a.OnTime == nil || *a.OnTime != want {
					t.Errorf("%s finished %s, due %s, shown overdue %v: 按期 %v, want %v", a.TrackingNo, at.In(cst),
						cal.DueBy(a.DueOn), shown, a.OnTime, want)
				}
				finished++
				if !want {
					late++
					if !pastLegal {
						stageLateOnly++
					}
				}
			}
			want := a.Status == StatusProcessing && workdays.Late(cal.DueBy(a.StageDue), time.Time{}, friday)
			if listed[a.ID] != want || f.svc.Overdue(a) != want {
				t.Errorf("%s due %s: listed overdue %v, want %v", a.TrackingNo, a.StageDue, listed[a.ID], want)
			}
		}
		if finished == 0 || late == 0 || stageLateOnly == 0 {
			t.Errorf("%d finished, %d late, %d late at a stage only: the demo should have each", finished, late, stageLateOnly)
		}
	})
}
