package partymembers

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

func TestNextDueIsSixMonthsLater(t *testing.T) {
	for day, want := range map[string]string{"2026-01-05": "2026-07-05", "2025-08-31": "2026-02-28",
		"2023-08-31": "2024-02-29", "2026-12-31": "2027-06-30"} {
		if got := NextDue(day); got != want {
			t.Errorf("NextDue(%s) = %s, want %s", day, got, want)
		}
	}
}

// TestRegisterAndReportAgain: a register person reports (one live
// registration per person, a person not on the register refused with the
// advice to register them), is due six months later, is flagged overdue
// the day after, and reporting again moves the due day.
func TestRegisterAndReportAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db) // 2026-01-05
		_, p := f.household(t, "13909110002")
		_, err := f.s.Register(ctx, f.staff, Registration{IDNumber: "610603198003091234", Employer: "区税务局"})
		if fe := fault.FieldsOf(err); fe["id_number"] == "" {
			t.Fatalf("a person not on the register: %v", err)
		}
		_, err = f.s.Register(ctx, f.staff, Registration{IDNumber: p.IDNumber, Employer: " ", ReportedOn: "2026-02-01"})
		if fe := fault.FieldsOf(err); fe["employer"] == "" || fe["reported_on"] == "" {
			t.Fatalf("no employer, a day in the future: %v", err)
		}
		m, err := f.s.Register(ctx, f.staff, Registration{IDNumber: p.IDNumber, Employer: "区税务局", ReportedOn: "2025-08-31"})
		if err != nil {
			t.Fatal(err)
		}
		if m.NextDueOn != "2026-02-28" || m.Phone != "13909110002" || m.Overdue {
			t.Fatalf("registered: %+v", m)
		}
		_, err = f.s.Register(ctx, f.staff, Registration{PersonID: p.ID, Employer: "市第一医院"})
		if fe := fault.FieldsOf(err); fe["id_number"] == "" {
			t.Fatalf("a second live registration: %v", err)
		}
		f.setDay(2026, 2, 28)
		if m, _ = f.s.Member(ctx, f.staff.Scope, m.ID); m.Overdue || !m.DueSoon {
			t.Fatalf("on the due day: %+v", m)
		}
		f.setDay(2026, 3, 1)
		if m, _ = f.s.Member(ctx, f.staff.Scope, m.ID); !m.Overdue {
			t.Fatalf("the day after the due day: %+v", m)
		}
		over, err := f.s.Members(ctx, f.staff.Scope, Filter{Overdue: true})
		if err != nil || len(over) != 1 {
			t.Fatalf("overdue list: %v %v", over, err)
		}
		if _, err := f.s.ReportAgain(ctx, f.staff, m.ID, m.Version, "2025-08-30", ""); fault.FieldsOf(err)["reported_on"] == "" {
			t.Fatalf("a report before the last: %v", err)
		}
		if _, err := f.s.ReportAgain(ctx, f.staff, m.ID, m.Version+1, "", ""); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale version: %v", err)
		}
		m, err = f.s.ReportAgain(ctx, f.staff, m.ID, m.Version, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.LastReportedOn != "2026-03-01" || m.NextDueOn != "2026-09-01" || m.Overdue {
			t.Fatalf("reported again: %+v", m)
		}
		if rs, _ := f.s.Reports(ctx, m); len(rs) != 2 || rs[0].Kind != "again" {
			t.Fatalf("reports: %+v", rs)
		}
		m, err = f.s.Leave(ctx, f.staff, m.ID, m.Version, "", "迁往外地")
		if err != nil || m.Status != StatusLeft {
			t.Fatalf("leave: %+v %v", m, err)
		}
		if _, err := f.s.ReportAgain(ctx, f.staff, m.ID, m.Version, "", ""); !fault.Is(err, fault.Illegal) {
			t.Fatalf("report after leaving: %v", err)
		}
		// Gone, they may register again (elsewhere or here).
		if _, err := f.s.Register(ctx, f.staff, Registration{PersonID: p.ID, Employer: "市第一医院"}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRemindersOncePerDueDay: the daily pass reminds a member from 14
// days before the due day, once for that due day however often it runs
// (one SMS in the outbox); reporting again makes a new due day, reminded
// again when it comes near; one who is overdue and never reminded is.
func TestRemindersOncePerDueDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a := f.member(t, "区税务局", "2025-07-15")  // due 2026-01-15: within 14 days
		b := f.member(t, "城北小学", "2025-07-21")  // due 2026-01-21: 16 days away
		c := f.member(t, "市第一医院", "2025-05-01") // due 2025-11-01: overdue
		r, err := f.s.Remind(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Reminders != 2 || r.SMS != 2 || r.Overdue != 1 {
			t.Fatalf("the first pass: %+v", r)
		}
		if r, _ = f.s.Remind(ctx); r.Reminders != 0 {
			t.Fatalf("the same day again: %+v", r)
		}
		f.setDay(2026, 1, 8)
		r, _ = f.s.Remind(ctx)
		if r.Reminders != 1 {
			t.Fatalf("three days later, b comes within 14 days: %+v", r)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notify_outbox WHERE ref LIKE 'party_member:%'`); n != 3 {
			t.Fatalf("%d messages, want 3", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notify_outbox WHERE ref = $1 AND body LIKE '%已于 2025-11-01 到期%'`,
			"party_member:"+itoa(c.ID)); n != 1 {
			t.Fatal("the overdue member's message says it is overdue")
		}
		a, _ = f.s.Member(ctx, f.staff.Scope, a.ID)
		if _, err := f.s.ReportAgain(ctx, f.staff, a.ID, a.Version, "", ""); err != nil {
			t.Fatal(err)
		}
		for _, d := range []int{9, 10, 11} {
			f.setDay(2026, 1, d)
			if r, _ = f.s.Remind(ctx); r.Reminders != 0 {
				t.Fatalf("nothing new on 01-%d: %+v", d, r)
			}
		}
		f.setDay(2026, 6, 24) // a's next due day 2026-07-08 is 14 days away
		if r, _ = f.s.Remind(ctx); r.Reminders != 1 || r.Overdue != 2 {
			t.Fatalf("a's new due day, b and c overdue and reminded already: %+v", r)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_reminders WHERE member_id = $1`, a.ID); n != 2 {
			t.Fatalf("a reminded %d times, want once per due day (2)", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_reminders WHERE member_id = $1`, b.ID); n != 1 {
			t.Fatalf("b reminded %d times, want 1", n)
		}
	})
}
