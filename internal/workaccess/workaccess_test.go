package workaccess

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, workdays.Shanghai)
}

func draft() Draft {
	return Draft{Kind: Assistance, Department: "civil", Title: "老年人能力评估入户协助", LegalBasis: "《养老机构管理办法》第十二条",
		Content: "通知并陪同评估人员入户", Frequency: "每年", StaffHours: "1.5", FundingRule: PerHousehold, FundingYuan: "12.50",
		ValidFrom: "2026-12-01"}
}

func TestSampleCatalogue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := NewService(db, nil)
		n := map[string]int{}
		items, err := s.Items(context.Background(), Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if !it.Sample || it.Status != Admitted {
				t.Errorf("%s: sample=%v status=%s", it.Title, it.Sample, it.Status)
			}
			n[it.Kind]++
		}
		if n[Duty] < 45 || n[Assistance] < 45 || n[Negative] < 18 {
			t.Errorf("sample sizes %v", n)
		}
		neg, _ := s.Items(context.Background(), Filter{Kind: Negative, Department: "civil"})
		if len(neg) == 0 || neg[0].Kind != Negative || neg[0].Department != "civil" {
			t.Errorf("filter by kind and department: %+v", neg)
		}
	})
}

// TestReviewClock: the lead window and the review deadline run on the
// working-day calendar, across 中秋, 国庆 and the weekend days worked in
// exchange (2026-09-20 and 2026-10-10).
func TestReviewClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := at(2026, 9, 18, 10, 0)
		s := NewService(db, func() time.Time { return now })
		start, due, err := s.Clocks(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		// Counted on plain weekdays these would be 2026-10-30 and 2026-10-09.
		if start != "2026-11-05" || due != "2026-10-15" {
			t.Fatalf("earliest start %s, review due %s; want 2026-11-05, 2026-10-15", start, due)
		}
		d := draft()
		_, err = s.Submit(ctx, "民政 王", []string{"civil"}, d, "2026-11-04")
		if got := fault.FieldsOf(err)["starts_on"]; got != "申请须在工作开始前至少 30 个工作日提出,开始日期最早为 2026-11-05" {
			t.Fatalf("start inside the window: %q (%v)", got, err)
		}
		r, err := s.Submit(ctx, "民政 王", []string{"civil"}, d, "2026-11-05")
		if err != nil {
			t.Fatal(err)
		}
		if r.ReviewDue != "2026-10-15" || r.ReceivedOn != "2026-09-18" || r.Status != Pending || r.StaffMinutes != 90 || r.FundingFen != 1250 {
			t.Fatalf("request %+v", r)
		}
		late := func(when time.Time) bool {
			now = when
			rs, err := s.Requests(ctx, RequestFilter{Status: Pending})
			if err != nil || len(rs) != 1 {
				t.Fatalf("pending %v %v", rs, err)
			}
			return rs[0].Late
		}
		if late(at(2026, 10, 15, 12, 0)) {
			t.Error("late on its last day")
		}
		if !late(at(2026, 10, 16, 10, 0)) {
			t.Error("not flagged the day after its deadline")
		}

		// The clock is a setting.
		if err := s.SetSettings(ctx, Settings{LeadWorkdays: 5, ReviewWorkdays: 15}); err != nil {
			t.Fatal(err)
		}
		if start, _, _ := s.Clocks(ctx, at(2026, 9, 18, 10, 0)); start != "2026-09-24" {
			t.Errorf("5 working days from 2026-09-18: %s", start)
		}
	})
}

func TestRefusedAtTheField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewService(db, func() time.Time { return at(2026, 9, 18, 10, 0) })
		d := draft()
		d.LegalBasis, d.StaffHours, d.FundingRule = " ", "", ""
		_, err := s.Submit(ctx, "x", []string{"civil"}, d, "2026-12-01")
		fe := fault.FieldsOf(err)
		if fe["legal_basis"] != "请填写法律法规或政策依据" || fe["staff_hours"] != "请填写每个社区每次所需工时" ||
			fe["funding_rule"] != "请选择经费规则(按次、按户、按年或无经费)" {
			t.Errorf("fields %v", fe)
		}
		d = draft()
		d.StaffHours, d.FundingYuan = "1.555", "-3"
		fe = fault.FieldsOf(mustFail(s.Submit(ctx, "x", []string{"civil"}, d, "2026-12-01")))
		if fe["staff_hours"] == "" || fe["funding_yuan"] == "" {
			t.Errorf("bad numbers accepted: %v", fe)
		}
		fe = fault.FieldsOf(mustFail(s.Submit(ctx, "x", []string{"police"}, draft(), "2026-12-01")))
		if fe["department"] != "只能以本人所在部门的名义申请" {
			t.Errorf("another department's name: %v", fe)
		}
	})
}

func mustFail(_ *Request, err error) error { return err }

func TestDecisions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewService(db, func() time.Time { return at(2026, 9, 18, 10, 0) })
		submit := func(title string) *Request {
			d := draft()
			d.Title = title
			r, err := s.Submit(ctx, "民政 王", nil, d, "2026-12-01")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		a, b, c := submit("甲"), submit("乙"), submit("丙")
		if _, err := s.Decide(ctx, "审查组", c.ID, c.Version, Decision{Outcome: Refused, Reasons: " "}); fault.FieldsOf(err)["reasons"] == "" {
			t.Errorf("refused without reasons: %v", err)
		}
		if _, err := s.Decide(ctx, "审查组", c.ID, c.Version, Decision{Outcome: Refused, Reasons: "属于部门法定职责,不得转嫁社区"}); err != nil {
			t.Fatal(err)
		}
		ra, err := s.Decide(ctx, "审查组", a.ID, a.Version, Decision{Outcome: AdmittedAsAsked})
		if err != nil || ra.ItemID == 0 {
			t.Fatalf("admit: %v %+v", err, ra)
		}
		same := DraftOf(b.Terms)
		if _, err := s.Decide(ctx, "审查组", b.ID, b.Version, Decision{Outcome: AdmittedChanged, Changed: same}); fault.FieldsOf(err)["outcome"] == "" {
			t.Errorf("admitted with changes that change nothing: %v", err)
		}
		changed := DraftOf(b.Terms)
		changed.StaffHours, changed.FundingYuan = "1", "20"
		rb, err := s.Decide(ctx, "审查组", b.ID, b.Version, Decision{Outcome: AdmittedChanged, Changed: changed})
		if err != nil {
			t.Fatal(err)
		}
		if len(rb.Changes) != 2 || rb.Changes[0].Field != "staff_hours" || rb.Changes[0].From != "1.5" || rb.Changes[0].To != "1" ||
			rb.Changes[1].To != "按户 20 元" {
			t.Errorf("changes %+v", rb.Changes)
		}
		it, err := s.Item(ctx, rb.ItemID)
		if err != nil || it.StaffMinutes != 60 || it.FundingFen != 2000 || it.RequestID != b.ID || it.Sample {
			t.Errorf("admitted item %+v %v", it, err)
		}
		if _, err := s.Decide(ctx, "审查组", a.ID, ra.Version, Decision{Outcome: Refused, Reasons: "x"}); !fault.Is(err, fault.Illegal) {
			t.Errorf("decided twice: %v", err)
		}
		ds, _ := s.Requests(ctx, RequestFilter{Status: "decided"})
		if len(ds) != 3 {
			t.Errorf("decisions %d", len(ds))
		}
		if err := s.Revoke(ctx, "审查组", it.ID, it.Version, ""); fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("revoked without a reason: %v", err)
		}
		if err := s.Revoke(ctx, "审查组", it.ID, it.Version, "工作已由部门系统承担"); err != nil {
			t.Fatal(err)
		}
		if it, _ = s.Item(ctx, it.ID); it.Status != Revoked || it.RevokedOn != "2026-09-18" {
			t.Errorf("revoked %+v", it)
		}
	})
}

// TestConcurrentEdit: two reviewers open the same item; the second save is
// refused as a conflict and nothing of it is saved.
func TestConcurrentEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewService(db, nil)
		it, err := s.SaveItem(ctx, "甲", 0, 0, draft())
		if err != nil {
			t.Fatal(err)
		}
		first, second := DraftOf(it.Terms), DraftOf(it.Terms)
		first.Frequency, second.Frequency = "每半年", "每季度"
		if _, err := s.SaveItem(ctx, "甲", it.ID, it.Version, first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveItem(ctx, "乙", it.ID, it.Version, second); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second save: %v", err)
		}
		if got, _ := s.Item(ctx, it.ID); got.Frequency != "每半年" || got.Version != 2 || got.UpdatedBy != "甲" {
			t.Errorf("after the conflict %+v", got)
		}
		if err := s.Revoke(ctx, "乙", it.ID, it.Version, "重复"); !fault.Is(err, fault.Conflict) {
			t.Errorf("revoke on a stale version: %v", err)
		}
	})
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]int64{"1.5": 150, "12": 1200, "0.05": 5, ".5": 50} {
		if got, ok := parseDecimal(in, 2); !ok || got != want {
			t.Errorf("%q: %d %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "1.234", "-1", "1e3", "a", "1.x", "+1", "1.-5"} {
		if _, ok := parseDecimal(bad, 2); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if Hours(90) != "1.5" || Hours(50) != "0.83" || Yuan(1250) != "12.5" || Yuan(5) != "0.05" || HoursNumber(90) != 1.5 {
		t.Error("formatting")
	}
}

func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		today := at(2026, 12, 7, 10, 0)
		for range 2 {
			if err := LoadDemo(ctx, db, 1, today); err != nil {
				t.Fatal(err)
			}
		}
		s := NewService(db, func() time.Time { return today })
		all, err := s.Requests(ctx, RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		late := 0
		for _, r := range all {
			n[r.Status]++
			if r.Status == Pending && r.Late {
				late++
			}
		}
		if len(all) != 12 || n[AdmittedAsAsked] != 4 || n[AdmittedChanged] != 2 || n[Refused] != 3 || n[Pending] != 3 || late != 1 {
			t.Errorf("demo requests %v, %d overdue", n, late)
		}
	})
}
