package services

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/archive"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/pdfdoc/pdftest"
)

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	var fe fault.Fields
	if !errors.As(err, &fe) || fe[field] == "" {
		t.Fatalf("want a field error on %s, got %v", field, err)
	}
}

func TestCatalogue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		items, err := f.svc.Items(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"大病救助", "城乡居民最低生活保障(低保)", "医疗保险", "临时救助", "残疾人证", "高龄补贴", "居住证明",
			"就业失业登记", "生育登记", "养老保险", "公共租赁住房", "老年人优待证", "优抚", "丧葬补贴", "法律援助", "计划生育情况证明",
			"特困人员救助供养"}
		if len(items) != 17 {
			t.Fatalf("%d items, want 17", len(items))
		}
		for _, w := range want {
			found := false
			for _, it := range items {
				if strings.Contains(it.Name, w) {
					found = true
				}
			}
			if !found {
				t.Errorf("no item named like %s", w)
			}
		}
		for _, it := range items {
			if err := it.validate(); err != nil {
				t.Errorf("sample item %s invalid: %v", it.Code, err)
			}
		}
		dibao, err := f.svc.Item(ctx, "dibao")
		if err != nil || dibao.ChainText() != "社区受理 → 街道审核(入户调查、民主评议、公示) → 区民政局审批" || dibao.TimeLimit != 30 {
			t.Fatalf("dibao: %+v %v", dibao, err)
		}
		if dibao.Materials[0].Register != "person" {
			t.Error("ID card should be taken from the register")
		}

		// Editing: only with services.manage; validated; a stale version refused.
		edit := dibao
		edit.Fee = "免费(不收取任何费用)"
		if err := f.svc.SaveItem(ctx, f.clerk, &edit); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("clerk edited the catalogue: %v", err)
		}
		bad := dibao
		bad.Chain = append([]Stage(nil), dibao.Chain...)
		bad.Chain[1].Days = 40
		fieldErr(t, f.svc.SaveItem(ctx, access.System, &bad), "chain")
		bad = dibao
		bad.Chain = []Stage{{Level: "province", Name: "省厅", Days: 1}}
		fieldErr(t, f.svc.SaveItem(ctx, access.System, &bad), "chain")
		if err := f.svc.SaveItem(ctx, access.System, &edit); err != nil {
			t.Fatal(err)
		}
		stale := dibao
		stale.Conditions = "旧版本上的修改"
		var ce *ConflictError
		if err := f.svc.SaveItem(ctx, access.System, &stale); !errors.As(err, &ce) || !strings.Contains(err.Error(), "系统") {
			t.Errorf("stale save: %v", err)
		}
		got, _ := f.svc.Item(ctx, "dibao")
		if got.Fee != edit.Fee || got.Version != 2 {
			t.Errorf("saved item: %+v", got)
		}
		neu := Item{Code: "jujia", Name: "居家养老服务申请", Category: "养老服务", TimeLimit: 10,
			Chain: []Stage{{Level: LevelCommunity, Name: "社区受理", Days: 3}, {Level: LevelStreet, Name: "街道审批", Days: 7}}}
		if err := f.svc.SaveItem(ctx, access.System, &neu); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDeadlineArithmetic counts the catalogue's time limits on the shared
// working-day calendar (holidays and 调休 from migration 040).
func TestDeadlineArithmetic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		c := f.svc.cal
		for _, tc := range []struct {
			from string
			n    int
			want string
		}{
			{"2026-11-27", 1, "2026-11-30"}, // Friday + 1 → Monday
			{"2026-11-27", 5, "2026-12-04"},
			{"2026-11-28", 1, "2026-11-30"}, // received on a Saturday
			{"2026-11-30", 30, "2027-01-12"},
			{"2026-11-27", 30, "2027-01-11"},
			{"2026-12-31", 1, "2027-01-04"}, // 元旦 is off
			{"2026-02-13", 1, "2026-02-14"}, // a 调休 Saturday is worked
		} {
			if got := c.AddWorkdays(tc.from, tc.n); got != tc.want {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
			if got := c.WorkdaysBetween(tc.from, tc.want); got != tc.n {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.from, tc.want, got, tc.n)
			}
		}
		if c.WorkdaysBetween("2026-12-04", "2026-11-27") > 0 {
			t.Error("backwards interval should not count forwards")
		}
	})
}

// TestHandlingAcrossLevels walks a 低保 application from the window through
// the community, street and district, with a return for materials, and
// every refusal on the way.
func TestHandlingAcrossLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		all := []string{"form", "income", "marriage"}

		// Intake outside the clerk's communities, or without a person, is refused.
		_, err := f.svc.Intake(ctx, f.staff, IntakeRequest{PersonID: f.southResident.ID, Item: "dibao", Received: all})
		fieldErr(t, err, "person")
		_, err = f.svc.Intake(ctx, f.clerk, IntakeRequest{Item: "nope"})
		fieldErr(t, err, "item")
		_, err = f.svc.Intake(ctx, f.streetOp, IntakeRequest{PersonID: f.head.ID, Item: "dibao"})
		fieldErr(t, err, "person")
		_, err = f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Phone: "12345"})
		fieldErr(t, err, "phone")

		// One material missing: incomplete, with the one-time list.
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Received: []string{"form", "marriage"}, Proxy: true})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusIncomplete || a.AcceptedOn != "" || len(a.Missing()) != 1 || a.Missing()[0].Code != "income" {
			t.Fatalf("after intake: %s missing %v", a.Status, a.Missing())
		}
		if !ValidTrackingNo(a.TrackingNo) || !strings.HasPrefix(a.TrackingNo, "261127") {
			t.Errorf("tracking number %s", a.TrackingNo)
		}
		for _, m := range a.Materials {
			if (m.Code == "id_card" || m.Code == "hukou") && m.Status != MaterialRegister {
				t.Errorf("%s should come from the register, is %s", m.Code, m.Status)
			}
			if m.Code == "disabled_card" && m.Status != MaterialOptional {
				t.Errorf("optional material without the tag: %s", m.Status)
			}
		}
		if a.Agent != "窗口小刘" {
			t.Errorf("代办员 = %q", a.Agent)
		}
		// Handlers cannot approve what has not been accepted.
		if _, err := f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err == nil {
			t.Error("approved an incomplete case")
		}
		// Supplying something else keeps it incomplete and saves nothing.
		_, err = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, nil)
		fieldErr(t, err, "materials")

		f.now = friday.Add(2 * time.Hour)
		a, err = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, []string{"income"})
		if err != nil {
			t.Fatal(err)
		}
		// Accepted on Friday 27 Nov: 社区 5 working days → Fri 4 Dec; case 30 → Mon 11 Jan (元旦 off).
		if a.Status != StatusProcessing || a.StageLevel != LevelCommunity || a.AcceptedOn != "2026-11-27" ||
			a.StageDue != "2026-12-04" || a.DueOn != "2027-01-11" {
			t.Fatalf("accepted: %s %s due %s / %s", a.Status, a.StageLevel, a.StageDue, a.DueOn)
		}

		// The street cannot act on a community stage, nor the clerk, nor a
		// street outside the case's place (it does not even see it).
		if _, err := f.svc.Approve(ctx, f.streetOp, a.ID, a.Version, ""); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("street approved the community stage: %v", err)
		}
		if _, err := f.svc.Approve(ctx, f.clerk, a.ID, a.Version, ""); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("clerk approved: %v", err)
		}
		if _, err := f.svc.Approve(ctx, f.otherOp, a.ID, a.Version, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("other street: %v", err)
		}
		// A stale version is refused with who acted.
		var ce *ConflictError
		if _, err := f.svc.Approve(ctx, f.staff, a.ID, a.Version-1, ""); !errors.As(err, &ce) || ce.By != "窗口小刘" {
			t.Errorf("stale approve: %v", err)
		}

		f.now = friday.AddDate(0, 0, 3) // Monday 30 Nov
		a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, "材料齐全,同意上报")
		if err != nil {
			t.Fatal(err)
		}
		if a.StageLevel != LevelStreet || a.StageDue != "2026-12-14" {
			t.Fatalf("to street: %s due %s", a.StageLevel, a.StageDue)
		}
		// Queues: the street sees it, the other street does not, the
		// community queue is empty, the agent sees it at the street.
		queue := func(v *access.Viewer, perm string, f2 Filter) int {
			t.Helper()
			as, _, err := f.svc.List(ctx, v.Scope(perm), f2)
			if err != nil {
				t.Fatal(err)
			}
			return len(as)
		}
		if queue(f.streetOp, PermStreet, Filter{Queue: LevelStreet}) != 1 || queue(f.otherOp, PermStreet, Filter{Queue: LevelStreet}) != 0 ||
			queue(f.staff, PermCommunity, Filter{Queue: LevelCommunity}) != 0 || queue(f.clerk, PermIntake, Filter{Agent: f.clerk.UserID}) != 1 {
			t.Error("queues wrong")
		}
		if queue(f.gridWorker, PermRead, Filter{}) != 0 {
			t.Error("a grid worker of another grid sees the case")
		}

		// Return for materials: a reason is required; the clock pauses.
		_, err = f.svc.Return(ctx, f.streetOp, a.ID, a.Version, "", []string{"income"}, "")
		fieldErr(t, err, "reason")
		_, err = f.svc.Return(ctx, f.streetOp, a.ID, a.Version, "收入证明不清", nil, "")
		fieldErr(t, err, "materials")
		f.now = friday.AddDate(0, 0, 5) // Wednesday 2 Dec
		a, err = f.svc.Return(ctx, f.streetOp, a.ID, a.Version, "收入证明未盖章", []string{"income"}, "近六个月银行流水")
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusReturned || a.StageLevel != QueueWindow || len(a.Missing()) != 2 || a.PausedDays != 27 {
			t.Fatalf("returned: %s %s missing %d paused %d", a.Status, a.StageLevel, len(a.Missing()), a.PausedDays)
		}
		if queue(f.clerk, PermIntake, Filter{Queue: QueueWindow}) != 1 {
			t.Error("returned case not in the window queue")
		}
		f.now = friday.AddDate(0, 0, 10) // Monday 7 Dec: five days later
		_, err = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, []string{"income"})
		fieldErr(t, err, "materials")
		a, err = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, []string{"income", a.Missing()[1].Code})
		if err != nil {
			t.Fatal(err)
		}
		// Back at the street with 27 working days left from 7 Dec → 14 Jan.
		if a.Status != StatusProcessing || a.StageLevel != LevelStreet || a.DueOn != "2027-01-14" || a.StageDue != "2026-12-21" {
			t.Fatalf("resubmitted: %s %s due %s / %s", a.Status, a.StageLevel, a.StageDue, a.DueOn)
		}
		a, err = f.svc.Approve(ctx, f.streetOp, a.ID, a.Version, "入户调查属实")
		if err != nil {
			t.Fatal(err)
		}
		if a.StageLevel != LevelDistrict {
			t.Fatalf("to district: %s", a.StageLevel)
		}
		a, err = f.svc.Approve(ctx, f.dist, a.ID, a.Version, "")
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusApproved || a.OnTime == nil || !*a.OnTime || a.FinishedOn != "2026-12-07" {
			t.Fatalf("finished: %+v", a)
		}
		if _, err := f.svc.Reject(ctx, f.dist, a.ID, a.Version, "迟到的驳回"); err == nil {
			t.Error("rejected a finished case")
		}
		steps, err := f.svc.Steps(ctx, *a)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, s := range steps {
			actions = append(actions, s.Action)
		}
		if got := strings.Join(actions, ","); got != "intake,complete,approve,return,resubmit,approve,approve" {
			t.Errorf("history %s", got)
		}
		// Each approval is recorded at the stage it passed, not the next.
		var stages []string
		for _, s := range steps {
			if s.Action == ActApprove {
				stages = append(stages, s.StageName)
			}
		}
		if got := strings.Join(stages, ","); got != "社区受理,街道审核(入户调查、民主评议、公示),区民政局审批" {
			t.Errorf("approvals recorded at %s", got)
		}
		if p := a.Progress[2]; p.Stage != "社区受理" || p.Action != "通过,转街道审核(入户调查、民主评议、公示)" {
			t.Errorf("public line of the first approval: %+v", p)
		}
		// An SMS at each stage, to the applicant's phone, without their name.
		msgs := messages(t, db, a.ID)
		if len(msgs) != 7 {
			t.Errorf("%d messages: %q", len(msgs), msgs)
		}
		for _, m := range msgs {
			if !strings.HasPrefix(m, "13909110001 ") || strings.Contains(m, "李建国") || !strings.Contains(m, a.TrackingNo) {
				t.Errorf("message %q", m)
			}
		}

		// A rejection needs a reason; the window may refuse an incomplete case.
		b, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.southResident.ID, Item: "linshi"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Reject(ctx, f.clerk, b.ID, b.Version, " ")
		fieldErr(t, err, "reason")
		b, err = f.svc.Reject(ctx, f.clerk, b.ID, b.Version, "不符合临时救助条件")
		if err != nil || b.Status != StatusRejected || b.StageLevel != QueueDone {
			t.Fatalf("reject: %v %+v", err, b)
		}

		// Overdue: a case at the community past its stage deadline.
		f.now = friday
		c, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "juzhu"})
		if err != nil || c.Status != StatusProcessing || c.StageDue != "2026-11-30" {
			t.Fatalf("juzhu: %v %+v", err, c)
		}
		f.now = friday.AddDate(0, 0, 4) // Tuesday 1 Dec
		if !f.svc.Overdue(*c) || queue(f.staff, PermCommunity, Filter{Overdue: true}) != 1 {
			t.Error("overdue case not flagged")
		}
		qs, err := f.svc.Queues(ctx, f.staff.Scope(PermRead))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Queue == LevelCommunity && (q.Total != 1 || q.Overdue != 1) {
				t.Errorf("community queue count %+v", q)
			}
		}
		c, err = f.svc.Approve(ctx, f.staff, c.ID, c.Version, "")
		if err != nil || c.OnTime == nil || *c.OnTime {
			t.Fatalf("late finish should not be on time: %v %+v", err, c.OnTime)
		}

		// Report figures.
		st, err := f.svc.Stats(ctx, access.Everything, "", "")
		if err != nil {
			t.Fatal(err)
		}
		byItem := map[string]ItemStats{}
		for _, s := range st {
			byItem[s.Item] = s
		}
		if d := byItem["dibao"]; d.Total != 1 || d.Approved != 1 || d.OnTime != 1 || d.OnTimeRate != 1 || d.Proxy != 1 {
			t.Errorf("dibao stats %+v", d)
		}
		if j := byItem["juzhu"]; j.Finished != 1 || j.OnTimeRate != 0 {
			t.Errorf("juzhu stats %+v", j)
		}
		if l := byItem["linshi"]; l.Rejected != 1 {
			t.Errorf("linshi stats %+v", l)
		}
		scoped, _ := f.svc.Stats(ctx, f.otherOp.Scope(PermRead), "", "")
		if len(scoped) != 0 {
			t.Errorf("another street's stats see %d items", len(scoped))
		}
		sc, err := f.svc.StageCounts(ctx, access.Everything, "", "")
		if err != nil || len(sc) != 3 {
			t.Errorf("stage counts %+v %v", sc, err)
		}
	})
}

// TestLookupLeaksNothing: the public lookup answers the same to a wrong
// number, wrong digits and a malformed input, and shows nothing personal.
func TestLookupLeaksNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "gaoling", Received: []string{"form"}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "juzhu"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.Lookup(ctx, a.TrackingNo, "0001")
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != StatusIncomplete || len(p.Missing) != 1 || p.Missing[0] != "本人银行卡(存折)复印件" || len(p.Steps) != 1 {
			t.Errorf("progress %+v", p)
		}
		other := a.TrackingNo[:7] + "000000"
		other += string(luhn(other))
		for name, c := range map[string][2]string{
			"wrong digits":          {a.TrackingNo, "0002"},
			"other case's digits":   {a.TrackingNo, "0002"},
			"digits of the other":   {b.TrackingNo, "0001"},
			"no such number":        {other, "0001"},
			"malformed":             {"abc", "0001"},
			"short digits":          {a.TrackingNo, "001"},
			"empty":                 {"", ""},
			"sql":                   {"' OR 1=1 --", "0001"},
			"digits with wildcards": {a.TrackingNo, "%%%%"},
		} {
			p, err := f.svc.Lookup(ctx, c[0], c[1])
			if err != ErrNoMatch || p.Item != "" || p.TrackingNo != "" {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		// The public view carries nothing personal, whatever the state.
		a, _ = f.svc.Supply(ctx, f.clerk, a.ID, a.Version, []string{"bank"})
		a, _ = f.svc.Return(ctx, f.staff, a.ID, a.Version, "李建国的户口簿页不全", []string{"bank"}, "")
		p, err = f.svc.Lookup(ctx, a.TrackingNo, "0001")
		if err != nil {
			t.Fatal(err)
		}
		blob := strings.Join([]string{p.Item, p.StatusName, strings.Join(p.Missing, "")}, "")
		for _, s := range p.Steps {
			blob += s.Stage + s.Action
		}
		for _, secret := range []string{"李建国", "13909110001", f.head.IDNumber, "窗口小刘", "社区小陈", "户口簿页不全"} {
			if strings.Contains(blob, secret) {
				t.Errorf("public progress shows %q: %s", secret, blob)
			}
		}
		if p.Status != StatusReturned || len(p.Missing) != 1 {
			t.Errorf("returned progress %+v", p)
		}

		// Rating: only when finished, once, with the same proof.
		if err := f.svc.Rate(ctx, b.TrackingNo, "0001", 5, ""); err != ErrNoMatch {
			t.Errorf("rate with wrong digits: %v", err)
		}
		var se *StateError
		if err := f.svc.Rate(ctx, a.TrackingNo, "0001", 5, ""); !errors.As(err, &se) {
			t.Errorf("rated an unfinished case: %v", err)
		}
		b, err = f.svc.Approve(ctx, f.staff, b.ID, b.Version, "")
		if err != nil {
			t.Fatal(err)
		}
		fieldErr(t, f.svc.Rate(ctx, b.TrackingNo, "0002", 6, ""), "score")
		if err := f.svc.Rate(ctx, b.TrackingNo, "0002", 4, "办事很快"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Rate(ctx, b.TrackingNo, "0002", 5, ""); !errors.As(err, &se) {
			t.Errorf("rated twice: %v", err)
		}
		if p, _ := f.svc.Lookup(ctx, b.TrackingNo, "0002"); p.Rating != 4 || p.CanRate {
			t.Errorf("rating not shown: %+v", p)
		}
	})
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	l := NewLimiter(10, 5, 3, time.Hour)
	l.now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		if !l.Allow("1.2.3.4", "x") {
			t.Fatalf("burst refused at %d", i)
		}
	}
	if l.Allow("1.2.3.4", "x") {
		t.Error("sixth lookup in the same instant allowed")
	}
	if !l.Allow("5.6.7.8", "x") {
		t.Error("another client limited")
	}
	now = now.Add(6 * time.Second) // one token back at 10 a minute
	if !l.Allow("1.2.3.4", "x") || l.Allow("1.2.3.4", "x") {
		t.Error("refill wrong")
	}
	// Three failures lock the number for every client, existing or not.
	for i := 0; i < 3; i++ {
		l.Failed("26112700000000")
	}
	if l.Allow("9.9.9.9", "26112700000000") {
		t.Error("locked number allowed")
	}
	now = now.Add(time.Hour)
	if !l.Allow("9.9.9.9", "26112700000000") {
		t.Error("lock did not expire")
	}
}

func TestCertificates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Issue(ctx, f.staff, IssueRequest{Template: "residence", PersonID: f.head.ID})
		fieldErr(t, err, "purpose")
		_, err = f.svc.Issue(ctx, f.staff, IssueRequest{Template: "residence", PersonID: f.southResident.ID, Purpose: "入学"})
		fieldErr(t, err, "person")
		_, err = f.svc.Issue(ctx, f.staff, IssueRequest{Template: "kinship", PersonID: f.head.ID, RelativeID: f.southResident.ID, Purpose: "继承"})
		fieldErr(t, err, "relative")

		c, err := f.svc.Issue(ctx, f.staff, IssueRequest{Template: "residence", PersonID: f.head.ID, Purpose: "子女入学"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Number != "城北居证〔2026〕0001号" || c.Organ != "城北社区居民委员会" {
			t.Errorf("number %s organ %s", c.Number, c.Organ)
		}
		if !strings.Contains(c.Body, "李建国") || !strings.Contains(c.Body, f.head.IDNumber) ||
			!strings.Contains(c.Body, "2009年5月1日") || !strings.Contains(c.Body, "子女入学") {
			t.Errorf("body: %s", c.Body)
		}
		k, err := f.svc.Issue(ctx, f.staff, IssueRequest{Template: "kinship", PersonID: f.spouse.ID, RelativeID: f.head.ID, Purpose: "办理继承公证"})
		if err != nil {
			t.Fatal(err)
		}
		if k.Number != "城北亲证〔2026〕0002号" || !strings.Contains(k.Body, "王秀兰是户主李建国的妻") {
			t.Errorf("kinship %s: %s", k.Number, k.Body)
		}

		v, err := f.svc.Verify(ctx, strings.ToLower(FormatVerifyCode(c.VerifyCode)))
		if err != nil {
			t.Fatal(err)
		}
		if !v.Valid || v.Holder != "李**" || v.Number != c.Number || v.Organ != "城北社区居民委员会" || v.IssuedOn != "2026-11-27" {
			t.Errorf("verify %+v", v)
		}
		// Tampered: every single-character change is refused.
		for i := 0; i < len(c.VerifyCode); i++ {
			for _, r := range []byte("23AZ") {
				if c.VerifyCode[i] == r {
					continue
				}
				bad := c.VerifyCode[:i] + string(r) + c.VerifyCode[i+1:]
				if _, err := f.svc.Verify(ctx, bad); !errors.Is(err, ErrBadCode) {
					t.Fatalf("tampered code %s: %v", bad, err)
				}
			}
		}
		if _, err := f.svc.Verify(ctx, "not a code"); !errors.Is(err, ErrBadCode) {
			t.Error("garbage accepted")
		}
		// Revoking needs a reason and the right scope; the verify page says so.
		if _, err := f.svc.Revoke(ctx, f.otherOp, c.ID, c.Version, "错误"); !errors.Is(err, ErrNotFound) {
			t.Errorf("other street revoked: %v", err)
		}
		_, err = f.svc.Revoke(ctx, f.staff, c.ID, c.Version, "")
		fieldErr(t, err, "reason")
		if _, err := f.svc.Revoke(ctx, f.staff, c.ID, c.Version, "住址登记有误,已重开"); err != nil {
			t.Fatal(err)
		}
		if v, err := f.svc.Verify(ctx, c.VerifyCode); err != nil || v.Valid || v.Status != CertRevoked || v.RevokedOn == "" {
			t.Errorf("revoked verify %+v %v", v, err)
		}

		// The PDF: Chinese text really there, renders, QR leads to the verify page.
		var buf bytes.Buffer
		if err := f.svc.WriteCertificate(&buf, *k); err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, buf.Bytes())
		for _, want := range []string{"亲属关系证明", "城北亲证〔2026〕0002号", "王秀兰", "城北社区居民委员会", FormatVerifyCode(k.VerifyCode)} {
			if !strings.Contains(text, want) {
				t.Errorf("certificate PDF lacks %q", want)
			}
		}
		png := pdftest.Render(t, buf.Bytes(), 1, 150)
		if codes := pdftest.QRCodes(t, png); len(codes) != 1 || codes[0] != f.svc.VerifyURL(k.VerifyCode) {
			t.Errorf("certificate QR %q", codes)
		}
	})
}

func TestReceiptAndCards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Received: []string{"form", "marriage"}, Proxy: true})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.svc.WriteReceipt(&buf, *a, "城北社区便民服务站"); err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, buf.Bytes())
		for _, want := range []string{"补齐补正材料一次性告知书", a.TrackingNo, "家庭成员收入证明", "从基础信息库调取", "城北社区便民服务站"} {
			if !strings.Contains(text, want) {
				t.Errorf("notice lacks %q", want)
			}
		}
		png := pdftest.Render(t, buf.Bytes(), 1, 150)
		if codes := pdftest.QRCodes(t, png); len(codes) != 1 || codes[0] != "https://shequ.example/portal/track?no="+a.TrackingNo {
			t.Errorf("receipt QR %q", codes)
		}

		if err := f.svc.CreateStation(ctx, nil, &Station{Name: "城北便民服务站", UnitID: f.cb.ID, Phone: "0911-6210001",
			Communities: []int64{f.cb.ID, f.cn.ID}}); err != nil {
			t.Fatal(err)
		}
		cards, err := f.svc.Cards(ctx, f.staff.Scope(access.RegisterRead), f.cb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 1 || cards[0].Number != "CB0001" || cards[0].Worker != "张网格" || cards[0].Grid != "第一网格" || cards[0].Hotline != "0911-6210001" {
			t.Fatalf("cards %+v", cards)
		}
		if other, _ := f.svc.Cards(ctx, f.otherOp.Scope(access.RegisterRead), 0); len(other) != 0 {
			t.Errorf("another street prints %d cards of 城北", len(other))
		}
		for i := 0; i < 4; i++ { // five cards: two A4 sheets
			cards = append(cards, cards[0])
		}
		buf.Reset()
		if err := f.svc.WriteCards(&buf, cards, CardsA4Sheet); err != nil {
			t.Fatal(err)
		}
		if info := pdftest.Info(t, buf.Bytes()); info["Pages"] != "2" {
			t.Errorf("A4 sheets: %s pages", info["Pages"])
		}
		text = pdftest.Text(t, buf.Bytes())
		if strings.Count(text, "居民户档卡") != 5 || !strings.Contains(text, "13700000001") || !strings.Contains(text, "城北路12号3号楼1-301") {
			t.Errorf("cards text: %s", text)
		}
		buf.Reset()
		if err := f.svc.WriteCards(&buf, cards[:1], CardsA6); err != nil {
			t.Fatal(err)
		}
		if info := pdftest.Info(t, buf.Bytes()); !strings.HasPrefix(info["Page size"], "297.") {
			t.Errorf("A6 card page size %s", info["Page size"])
		}
		png = pdftest.Render(t, buf.Bytes(), 1, 200)
		if codes := pdftest.QRCodes(t, png); len(codes) != 1 || codes[0] != f.svc.PortalURL(f.cb.ID) {
			t.Errorf("card QR %q", codes)
		}
	})
}

func TestArchiveContribution(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "gaoling"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Issue(ctx, f.staff, IssueRequest{Template: "residence", PersonID: f.head.ID, Purpose: "就业"}); err != nil {
			t.Fatal(err)
		}
		var reg archive.Registry
		f.svc.Contribute(&reg)
		h := archive.Household{CommunityID: f.cb.ID, ID: f.household.ID, Members: []int64{f.head.ID, f.spouse.ID}}
		secs, err := reg.Sections(ctx, f.staff, h)
		if err != nil {
			t.Fatal(err)
		}
		if len(secs) != 2 || secs[0].Entries[0].Title != "高龄补贴" || secs[0].Entries[0].Status != "待补齐材料" ||
			secs[1].Entries[0].Title != "居住证明" {
			t.Errorf("sections %+v", secs)
		}
		if secs, _ := reg.Sections(ctx, f.otherOp, h); len(secs) != 0 {
			t.Errorf("another street sees %d sections", len(secs))
		}
	})
}
