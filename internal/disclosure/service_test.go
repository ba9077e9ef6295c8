package disclosure

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	s     *Service
	clock *time.Time
	cb    orgtree.Unit
	other orgtree.Unit
	staff Staff

	viewer, outsider, street *access.Viewer
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := day(2026, 4, 11)
	f := &fixture{clock: &now}
	f.s = NewService(db, func() time.Time { return *f.clock })
	org := orgtree.NewStore(db)
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	if err := org.Create(ctx, db, &street); err != nil {
		t.Fatal(err)
	}
	f.cb = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	f.other = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	for _, u := range []*orgtree.Unit{&f.cb, &f.other} {
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatal(err)
		}
	}
	acs := access.NewService(db)
	user := func(id int64, name, role string, units ...int64) *access.Viewer {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: role, Units: units}); err != nil {
			t.Fatalf("grant %s: %v", role, err)
		}
		v, err := acs.Viewer(ctx, id, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f.viewer = user(12, "李干事", "community_staff", f.cb.ID)
	f.outsider = user(13, "王干事", "community_staff", f.other.ID)
	f.street = user(14, "街道老马", "street_operator", street.ID)
	f.staff = Staff{Name: "李干事", Scope: f.viewer.Scope(PermManage)}
	return f
}

// TestScheduleAndOverdue: the pass schedules the months and quarters
// ended, is idempotent, marks overdue ones escalated once; publishing in
// time, late, or not at all gives the verdicts the API reports.
func TestScheduleAndOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		n, esc, err := f.s.Pass(ctx, []int64{f.cb.ID})
		if err != nil {
			t.Fatal(err)
		}
		// 2026-01 … 03 of the two monthly rows (财务收支, 为民服务办理情况) and
		// Q1 of the four quarterly rows.
		if n != 2*3+4 {
			t.Errorf("scheduled %d, want 10", n)
		}
		// On 04-11 January and February (due 02-10, 03-10) are overdue, March
		// (due 04-10) too, of both monthly rows; Q1 is due 04-15.
		if esc != 2*3 {
			t.Errorf("escalated %d, want 6", esc)
		}
		if n, esc, _ := f.s.Pass(ctx, []int64{f.cb.ID}); n != 0 || esc != 0 {
			t.Errorf("second pass: scheduled %d escalated %d", n, esc)
		}
		all, err := f.s.Publications(ctx, f.staff.Scope, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		byPeriod := map[string]Publication{}
		for _, p := range all {
			byPeriod[p.Item+p.Period] = p
		}
		mar := byPeriod["财务收支2026-03"]
		if mar.DueOn != "2026-04-10" || !mar.Overdue || mar.EscalatedOn != "2026-04-11" {
			t.Fatalf("March: %+v", mar)
		}
		q1 := byPeriod["社区基本情况2026-Q1"]
		if q1.DueOn != "2026-04-15" || q1.Overdue {
			t.Fatalf("Q1: %+v", q1)
		}
		// Publishing the March report late: late, no more overdue; the
		// register's block is computed (none in this row).
		p, err := f.s.Publish(ctx, f.staff, f.cb.ID, mar.ID, PublishDraft{Body: "3月收入 12,000 元,支出 8,500 元", Version: mar.Version})
		if err != nil {
			t.Fatal(err)
		}
		if p.Overdue || !p.Late || p.PublishedOn != "2026-04-11" {
			t.Errorf("published March: %+v", p)
		}
		if _, err := f.s.Publish(ctx, f.staff, f.cb.ID, mar.ID, PublishDraft{Body: "again", Version: p.Version}); !fault.Is(err, fault.Illegal) {
			t.Errorf("published twice: %v", err)
		}
		// Q1 of 社区基本情况 computes the register's counts at publication.
		p, err = f.s.Publish(ctx, f.staff, f.cb.ID, q1.ID, PublishDraft{Body: "一季度基本情况", Version: q1.Version})
		if err != nil {
			t.Fatal(err)
		}
		if p.Computed != "实有人口 0 人,0 户(来自社区人口登记)" || p.Late {
			t.Errorf("Q1 computed %q late %v", p.Computed, p.Late)
		}
		// A stale version conflicts.
		feb := byPeriod["财务收支2026-02"]
		if _, err := f.s.Publish(ctx, f.staff, f.cb.ID, feb.ID, PublishDraft{Body: "x", Version: feb.Version + 1}); !fault.Is(err, fault.Conflict) {
			t.Errorf("stale publish: %v", err)
		}
		// Another community's staff neither see nor publish it.
		outsider := Staff{Name: "王", Scope: f.outsider.Scope(PermManage)}
		if _, err := f.s.Publish(ctx, outsider, f.cb.ID, feb.ID, PublishDraft{Body: "x", Version: feb.Version}); !fault.Is(err, fault.NotFound) {
			t.Errorf("outsider publish: %v", err)
		}
		if ps, _ := f.s.Publications(ctx, outsider.Scope, Filter{}); len(ps) != 0 {
			t.Errorf("outsider sees %d", len(ps))
		}
		over, _ := f.s.Publications(ctx, f.staff.Scope, Filter{Overdue: true})
		if len(over) != 2+3 {
			t.Errorf("overdue after publishing March: %d, want 5 (Jan, Feb; the other monthly row's three)", len(over))
		}
		// The overdue rows are on the workbench of the community and the
		// street (督办), not on the other community's.
		for _, c := range []struct {
			v    *access.Viewer
			want int
		}{{f.viewer, 5}, {f.street, 5}, {f.outsider, 0}} {
			secs, err := f.s.Workbench(ctx, c.v, *f.clock)
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			for _, sec := range secs {
				if sec.Kind == "disclosure.overdue" {
					got = sec.Count
					if c.v == f.street && !strings.Contains(sec.Link, "org=") {
						t.Errorf("the street's 督办 link %s names no unit", sec.Link)
					}
				}
			}
			if got != c.want {
				t.Errorf("%s's workbench: %d overdue, want %d", c.v.Name, got, c.want)
			}
		}
		// A decision under 居民会议决定 (5 days) and under 重大事项 (at once).
		items, _ := f.s.Catalogue(ctx, f.cb.ID)
		var meeting, major Item
		for _, it := range items {
			switch it.Rule {
			case RuleDecision:
				meeting = it
			case RuleAtOnce:
				major = it
			}
		}
		d, err := f.s.RecordDecision(ctx, f.staff, DecisionDraft{CommunityID: f.cb.ID, ItemID: meeting.ID, Title: "加装电梯议定", DecidedOn: "2026-04-08"})
		if err != nil {
			t.Fatal(err)
		}
		if d.DueOn != "2026-04-13" || d.Overdue {
			t.Errorf("decision: %+v", d)
		}
		d, err = f.s.RecordDecision(ctx, f.staff, DecisionDraft{CommunityID: f.cb.ID, ItemID: major.ID, Title: "停车改造", DecidedOn: "2026-04-09"})
		if err != nil || d.DueOn != "2026-04-10" || !d.Overdue {
			t.Errorf("at once: %+v %v", d, err)
		}
		_, err = f.s.RecordDecision(ctx, f.staff, DecisionDraft{CommunityID: f.cb.ID, ItemID: major.ID, Title: "", DecidedOn: "2026-05-01"})
		if fe := fault.FieldsOf(err); fe["title"] == "" || fe["decided_on"] == "" {
			t.Errorf("bad decision: %v", err)
		}
		// The next day's pass escalates the new overdue one only.
		*f.clock = day(2026, 4, 12)
		if _, esc, _ := f.s.Pass(ctx, []int64{f.cb.ID}); esc != 1 {
			t.Errorf("escalated on 04-12: %d, want 1", esc)
		}
	})
}

func TestCatalogueEditsAndQuestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		d := ItemDraft{CommunityID: f.cb.ID, Category: "居务", Item: "物业服务费收支", Content: "收取、支出、结余",
			Rule: RuleMonthly, Responsible: "物业联络员", Channel: "公开栏", StartsOn: "2026-03-01", Active: true}
		it, err := f.s.SaveItem(ctx, f.staff, 0, d)
		if err != nil {
			t.Fatal(err)
		}
		d = DraftOf(it)
		d.Channel = "公开栏、网上公开页"
		if it, err = f.s.SaveItem(ctx, f.staff, it.ID, d); err != nil || it.Version != 2 {
			t.Fatalf("edit: %+v %v", it, err)
		}
		if _, err := f.s.SaveItem(ctx, f.staff, it.ID, d); !fault.Is(err, fault.Conflict) {
			t.Errorf("stale edit: %v", err)
		}
		bad := ItemDraft{CommunityID: f.cb.ID, Rule: "weekly", StartsOn: "yesterday"}
		fe := fault.FieldsOf(mustErr(f.s.SaveItem(ctx, f.staff, 0, bad)))
		for _, k := range []string{"item", "content", "rule", "starts_on", "responsible"} {
			if fe[k] == "" {
				t.Errorf("no error at %s: %v", k, fe)
			}
		}
		// The sample is the administrator's.
		if _, err := f.s.SaveItem(ctx, f.staff, 1, ItemDraft{Category: "财务", Item: "x", Content: "x", Rule: RuleMonthly,
			Responsible: "x", Channel: "x", StartsOn: "2026-01-01", Version: 1}); !fault.Is(err, fault.NotFound) {
			t.Errorf("staff edited the sample: %v", err)
		}
		if items, _ := f.s.Catalogue(ctx, f.other.ID); len(items) != 8 {
			t.Errorf("the other community sees %d rows, want the 8 of the sample", len(items))
		}

		f.s.Pass(ctx, []int64{f.cb.ID})
		ps, _ := f.s.Publications(ctx, f.staff.Scope, Filter{})
		var p Publication
		for _, x := range ps {
			if x.Item == "财务收支" && x.Period == "2026-03" {
				p = x
			}
		}
		if _, err := f.s.Ask(ctx, f.cb.ID, p.ID, "为什么支出这么多?", ""); !fault.Is(err, fault.NotFound) {
			t.Errorf("a question on an unpublished row: %v", err)
		}
		p, _ = f.s.Publish(ctx, f.staff, f.cb.ID, p.ID, PublishDraft{Body: "3月账目", Version: p.Version})
		if _, err := f.s.Ask(ctx, f.cb.ID, p.ID, "   ", "12345"); fault.FieldsOf(err)["text"] == "" || fault.FieldsOf(err)["phone"] == "" {
			t.Errorf("bad question: %v", err)
		}
		q, err := f.s.Ask(ctx, f.cb.ID, p.ID, "维修支出用在哪栋楼?", "13800000001")
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := f.s.Questions(ctx, f.cb.ID, p.ID, false)
		if len(pub) != 1 || pub[0].Phone != "" || pub[0].Status != QuestionOpen {
			t.Errorf("public questions: %+v", pub)
		}
		if _, err := f.s.Answer(ctx, f.staff, f.cb.ID, q.ID, "", q.Version); fault.FieldsOf(err)["answer"] == "" {
			t.Errorf("empty answer: %v", err)
		}
		a, err := f.s.Answer(ctx, f.staff, f.cb.ID, q.ID, "用于3号楼屋面防水", q.Version)
		if err != nil || a.Status != QuestionAnswered {
			t.Fatalf("answer: %+v %v", a, err)
		}
		if _, err := f.s.Answer(ctx, f.staff, f.cb.ID, q.ID, "改", q.Version); !fault.Is(err, fault.Conflict) {
			t.Errorf("stale answer: %v", err)
		}
		if open, _ := f.s.OpenQuestions(ctx, f.staff.Scope); len(open) != 0 {
			t.Errorf("open after answer: %d", len(open))
		}
	})
}

func mustErr(_ Item, err error) error { return err }
