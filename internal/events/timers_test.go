package events

import (
	"context"
	"slices"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// An event reported on the afternoon before 国庆 runs its clock over the
// holiday; the scheduler — a new one after each "restart", as timers live
// in the database — warns, then shows the yellow card when the deadline
// passes and the red card a working day later, each once; every list,
// count and the map agree on when it is overdue.
func TestTimersSurviveRestarts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		at := func(mo time.Month, d, h, mi int) time.Time {
			return time.Date(2026, mo, d, h, mi, 0, 0, workdays.Shanghai)
		}
		f.now = at(9, 30, 16, 0)
		e := f.report("env.garbage")
		// 4 working hours: 1.5 on Wednesday 30 September, 2.5 on Thursday
		// 8 October after the holiday.
		if due := at(10, 8, 11, 0); !e.DueAt.Equal(due) {
			t.Fatalf("due %s, want %s", e.DueAt.In(workdays.Shanghai), due)
		}
		if warn := at(10, 8, 10, 12); !e.TimerAt.Equal(warn) {
			t.Errorf("first timer %s, want the warning at %s", e.TimerAt.In(workdays.Shanghai), warn)
		}
		restart := func() (*Store, *Scheduler) {
			s := NewStore(db)
			s.SetClock(func() time.Time { return f.now })
			return s, &Scheduler{Store: s}
		}
		pass := func(want int) {
			t.Helper()
			_, sc := restart()
			n, err := sc.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("at %s: %d notices, want %d", f.now.In(workdays.Shanghai).Format("01-02 15:04:05"), n, want)
			}
		}
		grade := func() string {
			t.Helper()
			got, err := f.s.Get(ctx, f.admin, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Supervision
		}
		// overdueEverywhere asks every view whether the event is overdue.
		overdueEverywhere := func() []bool {
			t.Helper()
			s, _ := restart()
			got, _ := s.Get(ctx, f.admin, e.ID)
			list, _, err := s.List(ctx, f.admin, Filter{Overdue: true})
			if err != nil {
				t.Fatal(err)
			}
			kpi, err := s.KPIs(ctx, f.admin, KPIQuery{})
			if err != nil {
				t.Fatal(err)
			}
			grid, err := s.GridCounts(ctx, f.admin, 0)
			if err != nil {
				t.Fatal(err)
			}
			counts, err := s.Counts(ctx, f.admin.Scope(PermRead), CountQuery{Where: map[string]string{"overdue": "1"}})
			if err != nil {
				t.Fatal(err)
			}
			return []bool{got.Overdue(f.now), len(list) == 1, kpi[0].OverdueNow == 1, grid[f.grid1.ID].Overdue == 1,
				counts[0].Count == 1}
		}

		f.now = at(10, 1, 12, 0) // 国庆: nothing yet
		pass(0)
		f.now = at(10, 8, 10, 30)
		pass(1)
		pass(0)
		if grade() != GradeNormal {
			t.Fatalf("grade %q after the warning", grade())
		}
		f.now = at(10, 8, 11, 0) // the deadline instant itself: still on time
		pass(0)
		if got := overdueEverywhere(); !slices.Equal(got, []bool{false, false, false, false, false}) {
			t.Errorf("at the deadline instant: %v, want on time everywhere", got)
		}
		f.now = f.now.Add(time.Millisecond)
		if got := overdueEverywhere(); !slices.Equal(got, []bool{true, true, true, true, true}) {
			t.Errorf("just after the deadline: %v, want overdue everywhere", got)
		}
		pass(1)
		if grade() != GradeYellow {
			t.Fatalf("grade %q after the deadline", grade())
		}
		f.now = at(10, 9, 17, 30) // a working day after the deadline ends at 17:30
		pass(1)
		pass(0)
		if grade() != GradeRed {
			t.Fatalf("grade %q after the escalation delay", grade())
		}
		// Who was told: the community at each grade, the street from the
		// yellow card, the district with the red.
		got := f.outbox(e)
		count := func(phone string) int {
			n := 0
			for _, p := range got {
				if p == phone {
					n++
				}
			}
			return n
		}
		if count("13800000001") != 4 || count("13800000002") != 2 || count("13800000003") != 1 {
			t.Errorf("notices: community %d (want 1 report + 3), street %d (want 2), district %d (want 1): %v",
				count("13800000001"), count("13800000002"), count("13800000003"), got)
		}
		// Acting ends the supervision: the notices are resolved, the late
		// step marked, the clock restarted.
		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelCommunity})
		if e.Supervision != "" || e.DueStep != StepHandle {
			t.Errorf("after acceptance: grade %q step %q", e.Supervision, e.DueStep)
		}
		steps, _ := f.s.Steps(ctx, e)
		if last := steps[len(steps)-1]; last.Action != ActAccept || !last.Late {
			t.Errorf("the late acceptance is not marked: %+v", last)
		}
		var open, all int
		db.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN resolved_at = '' THEN 1 ELSE 0 END) FROM event_supervisions
			WHERE event_id = $1`, e.ID).Scan(&all, &open)
		if all != 3 || open != 0 {
			t.Errorf("supervision notices: %d, %d still open", all, open)
		}
	})
}

// A 督办 by hand is recorded and sent like the scheduler's.
func TestManualSupervision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFix(t, db)
		e := f.report("env.garbage")
		f.refused(f.staff, e, Action{Name: ActSupervise, Grade: GradeYellow}, ErrForbidden)
		f.refused(f.head, e, Action{Name: ActSupervise}, fault.Fields{"grade": ""})
		e = f.act(f.head, e, Action{Name: ActSupervise, Grade: GradeYellow, Note: "群众反映强烈,请加快"})
		if e.Supervision != GradeYellow {
			t.Errorf("grade %q", e.Supervision)
		}
		if got := f.outbox(e); !slices.Contains(got, "13800000002") {
			t.Errorf("the street was not told of a 黄牌: %v", got)
		}
	})
}
