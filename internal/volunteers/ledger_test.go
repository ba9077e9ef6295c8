package volunteers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

func refusedWith(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(fault.Message(err)+err.Error(), want) {
		t.Fatalf("%s: %v, want a refusal saying %q", what, err, want)
	}
}

// TestRegistry: a person registers once, under the community's numbers;
// the resident's own join needs the register's name, ID number and phone.
func TestRegistry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, 0)
		if v.Number != "610603100001-00001" {
			t.Fatalf("number %q", v.Number)
		}
		_, err := f.s.Register(ctx, f.staff, Registration{CommunityID: f.cb.ID, IDNumber: f.persons[0].IDNumber})
		var dup *DuplicateError
		if !errors.As(err, &dup) || !strings.Contains(err.Error(), "610603100001-00001") {
			t.Fatalf("second registration: %v", err)
		}
		p := f.persons[1]
		if _, _, err := f.s.Join(ctx, f.cb.ID, p.Name, p.IDNumber, "13800000000", Profile{}); fault.FieldsOf(err)["id_number"] == "" {
			t.Fatalf("join with another phone: %v", err)
		}
		w, token, err := f.s.Join(ctx, f.cb.ID, p.Name, p.IDNumber, p.Phone, Profile{Skills: []string{"culture", "nope"}})
		if fault.FieldsOf(err)["skills"] == "" {
			t.Fatalf("unknown skill: %v", err)
		}
		w, token, err = f.s.Join(ctx, f.cb.ID, p.Name, p.IDNumber, p.Phone, Profile{Skills: []string{"culture"},
			Availability: Availability{Weekdays: []int{6, 7}, From: "08:00", To: "12:00"}})
		if err != nil || w.Number != "610603100001-00002" || len(token) < 40 {
			t.Fatalf("join: %+v %q %v", w, token, err)
		}
		if _, _, err := f.s.Join(ctx, f.cb.ID, p.Name, p.IDNumber, p.Phone, Profile{}); !strings.Contains(fault.Message(err), w.Number) {
			t.Fatalf("joining twice: %v", err)
		}
		got, err := f.s.ByKey(ctx, token)
		if err != nil || got.ID != w.ID {
			t.Fatalf("by key: %v", err)
		}
		if _, err := f.s.Reissue(ctx, f.staff, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ByKey(ctx, token); !errors.Is(err, ErrNoKey) {
			t.Fatalf("a reissued key's old token: %v", err)
		}
		other := Staff{Name: "x", May: func(int64) bool { return false }}
		if _, err := f.s.Volunteer(ctx, other, w.ID); !errors.Is(err, ErrNoVolunteer) {
			t.Fatalf("outside the scope: %v", err)
		}
	})
}

// TestLedger: sign-up, the QR's window, a second check-in, the check-out's
// one row, no double count, reversal, 24 hours a day, change of shift
// until the day before, and the unit's totals.
func TestLedger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, 0)
		w := f.volunteer(t, 1)
		a, err := f.s.CreateActivity(ctx, f.staff, ActivityInput{CommunityID: f.cb.ID, Title: "义诊", Kind: "service",
			Shift: ShiftInput{Day: "2026-05-06", From: "08:30", To: "11:30", Slots: 1}})
		if err != nil {
			t.Fatal(err)
		}
		sh := a.Shifts[0]
		second, err := f.s.AddShift(ctx, f.staff, a.ID, ShiftInput{Day: "2026-05-07", From: "14:00", To: "16:00", Slots: 5})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SignUp(ctx, v, sh.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SignUp(ctx, w, sh.ID); !errors.Is(err, ErrFull) {
			t.Fatalf("a full shift: %v", err)
		}
		// Change on the 5th (the day before the 6th): allowed; back again.
		*f.clock = at(2026, 5, 5, 20, 0)
		if err := f.s.Change(ctx, v, sh.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Change(ctx, v, second.ID, sh.ID); err != nil {
			t.Fatal(err)
		}
		*f.clock = at(2026, 5, 6, 7, 0)
		refusedWith(t, "change on the day", f.s.Change(ctx, v, sh.ID, second.ID), "班次当天及之后不能更改")
		refusedWith(t, "cancel on the day", f.s.Cancel(ctx, v, sh.ID), "前一天")

		_, err = f.s.Scan(ctx, v, sh.ID, "wrong")
		if !errors.Is(err, ErrBadQR) {
			t.Fatalf("a wrong secret: %v", err)
		}
		_, err = f.s.Scan(ctx, v, sh.ID, sh.Secret)
		refusedWith(t, "check-in at 07:00", err, "签到时间未到")
		*f.clock = at(2026, 5, 6, 8, 20)
		r, err := f.s.Scan(ctx, v, sh.ID, sh.Secret)
		if err != nil || !r.CheckedIn {
			t.Fatalf("check-in: %+v %v", r, err)
		}
		*f.clock = at(2026, 5, 6, 8, 22)
		_, err = f.s.Scan(ctx, v, sh.ID, sh.Secret)
		refusedWith(t, "a second check-in", err, "不能重复签到")
		// w walks in: no slot left.
		_, err = f.s.Scan(ctx, w, sh.ID, sh.Secret)
		refusedWith(t, "a walk-in on a full shift", err, "名额已满")
		*f.clock = at(2026, 5, 6, 11, 40)
		r, err = f.s.Scan(ctx, v, sh.ID, sh.Secret)
		if err != nil || r.CheckedIn || r.Minutes != 200 || r.Planned != 180 || r.Verifier != "张书记" {
			t.Fatalf("check-out: %+v %v", r, err)
		}
		_, err = f.s.Scan(ctx, v, sh.ID, sh.Secret)
		refusedWith(t, "a scan after the check-out", err, "已于 11:40 签退")
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_hours WHERE volunteer_id = $1`, v.ID).Scan(&n)
		if n != 1 {
			t.Fatalf("%d rows after one check-out", n)
		}
		// After the window.
		*f.clock = at(2026, 5, 7, 18, 30)
		if err := f.s.SignUp(ctx, w, second.ID); !errors.Is(err, ErrShiftOver) {
			t.Fatalf("sign-up after the end: %v", err)
		}
		_, err = f.s.Scan(ctx, w, second.ID, second.Secret)
		refusedWith(t, "check-in after the end", err, "已于 2026-05-07 16:00 结束")

		// Hand records: 24 hours a day.
		if _, err := f.s.RecordHours(ctx, f.staff, v.ID, Manual{Kind: "service", ServedOn: "2026-05-06", Hours: "20.5", Content: "通宵值守"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.RecordHours(ctx, f.staff, v.ID, Manual{Kind: "training", ServedOn: "2026-05-06", Hours: "0.5", Content: "培训"})
		if !strings.Contains(fault.FieldsOf(err)["hours"], "超过每天24小时") {
			t.Fatalf("25 hours a day: %v", err)
		}
		_, err = f.s.RecordHours(ctx, f.staff, v.ID, Manual{Kind: "training", ServedOn: "2026-05-05", Hours: "2", Content: "急救培训"})
		if err != nil {
			t.Fatal(err)
		}
		// Reversal: exact, once.
		rows, _ := f.s.Ledger(ctx, v, 10)
		var night HoursRow
		for _, r := range rows {
			if r.Content == "通宵值守" {
				night = r
			}
		}
		if _, err := f.s.Reverse(ctx, f.staff, night.ID, ""); fault.FieldsOf(err)["reason"] == "" {
			t.Fatalf("a reversal without a reason: %v", err)
		}
		rev, err := f.s.Reverse(ctx, f.staff, night.ID, "重复登记")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Reverse(ctx, f.staff, night.ID, "再冲"); !errors.Is(err, ErrReversed) {
			t.Fatalf("reversed twice: %v", err)
		}
		if _, err := f.s.Reverse(ctx, f.staff, rev.ID, "冲冲销"); !errors.Is(err, ErrReversing) {
			t.Fatalf("a reversal reversed: %v", err)
		}
		sum, err := f.s.SumOf(ctx, v)
		if err != nil || sum.Service != 200 || sum.Training != 120 || sum.Records != 2 {
			t.Fatalf("sum: %+v %v", sum, err)
		}
		tot, err := f.s.TotalsOf(ctx, []int64{f.cb.ID}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if tot.Volunteers != 2 || tot.Records != 2 || tot.Minutes != 200 || tot.Hours != 3.3 || tot.TrainingHours != 2 ||
			tot.Serving != 1 || len(tot.ByMonth) != 12 || tot.ByMonth[4].Records != 2 {
			t.Fatalf("totals: %+v", tot)
		}
		// The summaries the write path kept are those rebuilt from the ledger.
		if err := Resummarise(ctx, db); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.s.TotalsOf(ctx, []int64{f.cb.ID}, 2026); again.Records != tot.Records || again.Minutes != tot.Minutes ||
			again.TrainingMin != tot.TrainingMin || again.Serving != tot.Serving {
			t.Fatalf("rebuilt summaries %+v, kept %+v", again, tot)
		}
		city, err := f.s.TotalsOf(ctx, nil, 2026)
		if err != nil || city.Minutes != 200 {
			t.Fatalf("city: %+v %v", city, err)
		}
		if none, _ := f.s.TotalsOf(ctx, []int64{f.cb.ID}, 2025); none.Records != 0 || none.Volunteers != 0 {
			t.Fatalf("2025: %+v", none)
		}
	})
}
