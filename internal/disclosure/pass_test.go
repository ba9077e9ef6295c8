package disclosure

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
)

// TestPassIsIncremental: the pass skips a community whose month and
// catalogue have not moved since it was last scheduled — a row deleted
// behind its back stays deleted, the proof that it read nothing — and
// schedules again when the catalogue changes, when a month ends and when a
// community is new; escalation picks up a decision recorded late without
// rescheduling, and every run stays idempotent.
func TestPassIsIncremental(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		pass := func(what string, wantN, wantEsc int) {
			t.Helper()
			n, esc, err := f.s.PassAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != wantN || esc != wantEsc {
				t.Errorf("%s: scheduled %d escalated %d, want %d and %d", what, n, esc, wantN, wantEsc)
			}
		}
		count := func(c int64) int {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_publications WHERE community_id = $1`, c).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// 04-11: January to March of the three monthly rows and Q1 of the
		// two quarterly rows in both communities; January to March are
		// overdue in both.
		pass("first", 20, 12)
		pass("again", 0, 0)

		// Nothing moved: the pass does not look, so a row removed behind
		// its back is not put back.
		if _, err := db.ExecContext(ctx, `DELETE FROM disclosure_publications WHERE community_id = $1 AND period = '2026-01'`, f.cb.ID); err != nil {
			t.Fatal(err)
		}
		pass("nothing moved", 0, 0)
		if n := count(f.cb.ID); n != 8 {
			t.Fatalf("城北 holds %d publications, want 8", n)
		}

		// A row of 城北's own catalogue: 城北 is scheduled again (its
		// January too), 城南 is not.
		it, err := f.s.SaveItem(ctx, f.staff, 0, ItemDraft{CommunityID: f.cb.ID, Category: "居务", Item: "物业服务费收支",
			Content: "收取、支出、结余", Rule: RuleMonthly, Responsible: "物业联络员", Channel: "公开栏", StartsOn: "2026-03-01", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		pass("a row of 城北's own", 3, 3)
		// Its edit (inactive) moves the stamp though it schedules nothing.
		d := DraftOf(it)
		d.Active = false
		if _, err := f.s.SaveItem(ctx, f.staff, it.ID, d); err != nil {
			t.Fatal(err)
		}
		pass("an edit", 0, 0)
		var month, stamp string
		if err := db.QueryRowContext(ctx, `SELECT month, catalogue FROM disclosure_pass WHERE community_id = $1`, f.cb.ID).
			Scan(&month, &stamp); err != nil || month != "2026-04" {
			t.Fatalf("城北's mark: %q %q %v", month, stamp, err)
		}
		stamps, err := f.s.catalogueStamps(ctx)
		if err != nil || stamp != stamps[0]+" "+stamps[f.cb.ID] {
			t.Errorf("城北's mark %q after the edit, the catalogue %q %q (%v)", stamp, stamps[0], stamps[f.cb.ID], err)
		}

		// A decision recorded late is escalated by the next pass, the same
		// day, with nothing scheduled.
		var major int64
		items, _ := f.s.Catalogue(ctx, f.other.ID)
		for _, it := range items {
			if it.Rule == RuleAtOnce {
				major = it.ID
			}
		}
		if _, err := f.s.RecordDecision(ctx, Staff{Name: "王干事", Scope: f.outsider.Scope(PermManage)},
			DecisionDraft{CommunityID: f.other.ID, ItemID: major, Title: "停车改造", DecidedOn: "2026-04-02"}); err != nil {
			t.Fatal(err)
		}
		pass("a late decision", 0, 1)

		// A new community is scheduled; the others are not looked at.
		u := orgtree.Unit{ParentID: f.cb.ParentID, Level: "community", Name: "新建社区"}
		if err := orgtree.NewStore(db).Create(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		pass("a new community", 10, 6)

		// May: April ends in all three (the quarter does not); April is
		// due on 05-10, the four quarterly rows' Q1 fell overdue on 04-16.
		*f.clock = day(2026, 5, 1)
		pass("a month ended", 6, 12)
		pass("again in May", 0, 0)
		// 05-11: nothing to schedule, both monthly rows' Aprils fall overdue in all three.
		*f.clock = day(2026, 5, 11)
		pass("April overdue", 0, 6)
		pass("again", 0, 0)
	})
}
