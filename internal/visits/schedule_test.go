package visits

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/register"
)

// TestOverlappingRules: an ordinary household with a 低保 member, a
// 独居老人 member and a pregnancy has each rule's rows; none replaces
// another; one visit satisfies every row whose window is open, and each
// interval rule then counts from it on its own.
func TestOverlappingRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		h, ps := f.household(t, f.b10, "1-301", register.HouseholdRegistered, "M", "F")
		f.tag(t, ps[0], "dibao", "2026-01-01")
		f.tag(t, ps[0], "living_alone", "2026-01-01")
		preg := f.tag(t, ps[1], "pregnant", "2026-01-01")
		c, err := f.s.Recompute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Inserted != 7 {
			t.Fatalf("first recomputation %+v, want 7 rows", c)
		}
		tg := "t" + itoa(preg.ID)
		want := []string{"1/d2026-01-05/1 2026-07-06", "3/d2026-01-01/1 2026-01-31", "5/d2026-01-01/1 2026-01-08",
			"7/" + tg + "/1 2026-01-16", "7/" + tg + "/2 2026-01-31", "7/" + tg + "/3 2026-03-02", "7/" + tg + "/4 2026-04-01"}
		if got := f.rows(t, h.ID)["open"]; !same(got, want) {
			t.Fatalf("open rows\n got %v\nwant %v", got, want)
		}
		// Again: nothing to do.
		if c, err := f.s.Recompute(ctx); err != nil || c.Inserted+c.Updated+c.Voided != 0 {
			t.Fatalf("second recomputation %+v %v", c, err)
		}

		f.advance(10) // 2026-01-15
		v, created, err := f.s.RecordVisit(ctx, f.visitor(), Record{HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主"})
		if err != nil || !created {
			t.Fatal(created, err)
		}
		if v.Satisfied != 2 {
			t.Fatalf("satisfied %d, want 2 (独居老人 weekly, the pregnancy's first follow-up)", v.Satisfied)
		}
		rows := f.rows(t, h.ID)
		if !same(rows["done"], []string{"5/d2026-01-01/1 2026-01-08", "7/" + tg + "/1 2026-01-16"}) {
			t.Fatalf("done %v", rows["done"])
		}
		if !same(rows["open"], []string{"1/d2026-01-05/1 2026-07-06", "3/d2026-01-01/1 2026-01-31", "5/d2026-01-15/1 2026-01-22",
			"7/" + tg + "/2 2026-01-31", "7/" + tg + "/3 2026-03-02", "7/" + tg + "/4 2026-04-01"}) {
			t.Fatalf("open %v", rows["open"])
		}
	})
}

// TestFollowTagsAndMoves: the follower recomputes the households a tag's
// start or end or a member's move touches; replaying it (a restart with
// the same cursor) loses and doubles nothing.
func TestFollowTagsAndMoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		h1, ps := f.household(t, f.b10, "1-301", register.HouseholdRegistered, "M", "F")
		h2, _ := f.household(t, f.b2, "2-101", register.HouseholdRegistered, "M")
		fl := &Follower{Visits: f.s}
		if _, err := fl.Pass(ctx); err != nil { // the first pass recomputes everything
			t.Fatal(err)
		}
		if n := len(f.rows(t, h1.ID)["open"]); n != 1 {
			t.Fatalf("ordinary household: %d open rows", n)
		}
		dibao := f.tag(t, ps[0], "dibao", "2026-01-02")
		preg := f.tag(t, ps[1], "pregnant", "2026-01-03")
		if _, err := fl.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(f.rows(t, h1.ID)["open"]); n != 6 {
			t.Fatalf("after tags started: %v", f.rows(t, h1.ID))
		}
		f.advance(10)
		if _, _, err := f.s.RecordVisit(ctx, f.visitor(), Record{HouseholdID: h1.ID, Outcome: OutcomeMet, Met: "户主"}); err != nil {
			t.Fatal(err)
		}
		// The 低保 ends; the pregnant member moves to the other household.
		if err := f.reg.EndTag(ctx, f.actor, access.Everything, dibao.ID, "2026-01-15"); err != nil {
			t.Fatal(err)
		}
		f.advance(1) // the tag ended yesterday
		p1, _ := f.reg.Person(ctx, access.Everything, ps[1].ID)
		if err := f.reg.MovePerson(ctx, f.actor, access.Everything, register.Move{PersonID: p1.ID, Version: p1.Version,
			HouseholdID: h2.ID, Relation: "10"}); err != nil {
			t.Fatal(err)
		}
		before := f.count(t, `SELECT COUNT(*) FROM visit_schedules`)
		for range 2 {
			if _, err := fl.Pass(ctx); err != nil {
				t.Fatal(err)
			}
		}
		r1, r2 := f.rows(t, h1.ID), f.rows(t, h2.ID)
		tg := "t" + itoa(preg.ID)
		if !same(r1["open"], []string{"1/d2026-01-05/1 2026-07-06"}) {
			t.Fatalf("household left: open %v", r1["open"])
		}
		if !same(r1["done"], []string{"7/" + tg + "/1 2026-01-18"}) {
			t.Fatalf("household left: done %v (a done row is kept)", r1["done"])
		}
		if len(r1["void"]) != 4 { // 低保 and the three follow-ups still owed
			t.Fatalf("household left: void %v", r1["void"])
		}
		if len(r2["open"]) != 5 { // ordinary + the pregnancy's four
			t.Fatalf("household joined: %v", r2)
		}
		after := f.count(t, `SELECT COUNT(*) FROM visit_schedules`)
		// A restarted follower reads the same events again: nothing changes.
		again := &Follower{Visits: f.s}
		again.lastFull = f.s.today()
		if _, err := again.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if c, err := f.s.Recompute(ctx); err != nil || c.Inserted+c.Updated+c.Voided != 0 {
			t.Fatalf("replay changed %+v %v", c, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visit_schedules`); n != after || after != before+4 { // the pregnancy's four in the household joined
			t.Fatalf("rows %d → %d → %d", before, after, n)
		}
		// At most one open row per household and interval rule.
		if n := f.count(t, `SELECT COUNT(*) FROM (SELECT household_id, rule_id FROM visit_schedules
			WHERE status = 'open' AND anchor LIKE 'd%' GROUP BY household_id, rule_id HAVING COUNT(*) > 1) x`); n != 0 {
			t.Fatalf("%d households with two open rows of one rule", n)
		}
	})
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
