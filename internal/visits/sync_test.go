package visits

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// gridVisitor is grid worker 1 writing the register of grid 1 only.
func (f *fixture) gridVisitor(t *testing.T) Visitor {
	t.Helper()
	sc, err := access.NewService(f.db).Narrow(context.Background(), access.Everything, f.grid1.ID)
	if err != nil {
		t.Fatal(err)
	}
	return Visitor{UserID: 100, Name: "网格员1", Scope: sc}
}

func strp(s string) *string { return &s }

// TestSyncTwice: the same queued records sent twice create nothing twice;
// the second answer says they were recorded already.
func TestSyncTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		h1, p1 := f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M", "F")
		h2, _ := f.household(t, f.b2, "2-101", register.HouseholdRegistered, "M")
		by := f.gridVisitor(t)
		batch := []Observation{
			{ClientUUID: "a-1", HouseholdID: h1.ID, Outcome: OutcomeMet, Met: "户主", DeviceTime: "2026-01-05T09:00:00+08:00",
				HouseholdVersion: h1.Version, HouseholdPhone: strp("13800000001"),
				PersonPhones: []ObservedPhone{{PersonID: p1[1].ID, Version: p1[1].Version, Phone: "13800000002"}}},
			{ClientUUID: "a-2", HouseholdID: h2.ID, Outcome: OutcomeAbsent},
		}
		for round, want := range []string{SyncRecorded, SyncAlready} {
			got, err := f.s.Sync(ctx, by, batch)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range got {
				if r.Status != want || r.VisitID == 0 {
					t.Fatalf("round %d: %+v", round, r)
				}
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visits`); n != 2 {
			t.Fatalf("%d visits after two syncs of two records", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM change_events WHERE source LIKE 'visit:%'`); n != 2 {
			t.Fatalf("%d corrections, want the household's phone and the member's once each", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visit_conflicts`); n != 0 {
			t.Fatalf("%d conflicts: a second send is no conflict with the first", n)
		}
	})
}

// TestSyncConflict: the office changes a household's phone and a member's
// after the package was made; the phone's corrections of them are
// conflicts (nothing overwritten), its other parts are applied; deciding
// to keep leaves the register, deciding to apply writes the visit's value,
// flags the visit and lists the override for a supervisor's review.
func TestSyncConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		h, ps := f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M", "F", "M")
		by := f.gridVisitor(t)
		pkgH, pkgP := h, ps // what the phone took along

		office := register.Actor{UserID: 7, Name: "社区民警", Source: "web"}
		hh, _ := f.reg.Household(ctx, access.Everything, h.ID)
		hh.Phone = "13911111111"
		if err := f.reg.UpdateHousehold(ctx, office, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p0, _ := f.reg.Person(ctx, access.Everything, ps[0].ID)
		p0.Phone = "13922222222"
		if err := f.reg.UpdatePerson(ctx, office, access.Everything, &p0); err != nil {
			t.Fatal(err)
		}

		got, err := f.s.Sync(ctx, by, []Observation{{ClientUUID: "c-1", HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主",
			DeviceTime: "2026-01-05T09:30:00+08:00", HouseholdVersion: pkgH.Version, HouseholdPhone: strp("13800000009"),
			PersonPhones: []ObservedPhone{
				{PersonID: pkgP[0].ID, Version: pkgP[0].Version, Phone: "13800000010"}, // the office changed this one
				{PersonID: pkgP[1].ID, Version: pkgP[1].Version, Phone: "13800000011"}, // not this one
			},
			Leavings: []ObservedLeaving{{PersonID: pkgP[2].ID, Version: pkgP[2].Version, Status: "moved_out", On: "2026-01-02", To: "西安"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		r := got[0]
		if r.Status != SyncRecorded || len(r.Conflicts) != 2 {
			t.Fatalf("sync: %+v", r)
		}
		for _, c := range r.Conflicts {
			if c.RegisterBy != "社区民警" || c.RegisterAt == "" || c.VisitBy != "网格员1" || c.VisitAt == "" ||
				c.VisitValue == "" || c.RegisterValue == "" || c.Status != ConflictOpen {
				t.Fatalf("a conflict names both values with their authors and times: %+v", c)
			}
		}
		// Nothing overwritten; the parts without conflict applied.
		now, _ := f.reg.Household(ctx, access.Everything, h.ID)
		m0, _ := f.reg.Person(ctx, access.Everything, ps[0].ID)
		m1, _ := f.reg.Person(ctx, access.Everything, ps[1].ID)
		m2, _ := f.reg.Person(ctx, access.Everything, ps[2].ID)
		if now.Phone != "13911111111" || m0.Phone != "13922222222" {
			t.Fatalf("the office's values were overwritten: %s %s", now.Phone, m0.Phone)
		}
		if m1.Phone != "13800000011" || m2.Status != "moved_out" {
			t.Fatalf("the parts without conflict were not applied: %s %s", m1.Phone, m2.Status)
		}
		// Sent again: no second conflict, the same ones answered.
		again, err := f.s.Sync(ctx, by, []Observation{{ClientUUID: "c-1", HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主"}})
		if err != nil || again[0].Status != SyncAlready || len(again[0].Conflicts) != 2 {
			t.Fatalf("again: %+v %v", again, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visit_conflicts`); n != 2 {
			t.Fatalf("%d conflicts", n)
		}

		var onHousehold, onPerson Conflict
		for _, c := range r.Conflicts {
			if c.Entity == "household" {
				onHousehold = c
			} else {
				onPerson = c
			}
		}
		worker := Decider{Visitor: by}
		other := Decider{Visitor: Visitor{UserID: 101, Name: "网格员2", Scope: by.Scope}}
		if _, err := f.s.Decide(ctx, other, onHousehold.ID, DecideApply); err != ErrNoConflict {
			t.Fatalf("another worker decided: %v", err)
		}
		if _, err := f.s.Decide(ctx, worker, onHousehold.ID, DecideKeep); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Decide(ctx, worker, onPerson.ID, DecideApply); err != nil {
			t.Fatal(err)
		}
		now, _ = f.reg.Household(ctx, access.Everything, h.ID)
		m0, _ = f.reg.Person(ctx, access.Everything, ps[0].ID)
		if now.Phone != "13911111111" || m0.Phone != "13800000010" {
			t.Fatalf("after the decisions: household %s member %s", now.Phone, m0.Phone)
		}
		v, _ := f.s.Visit(ctx, access.Everything, r.VisitID)
		if !v.Flagged {
			t.Fatal("a visit whose conflict was overridden is not flagged")
		}
		hist, _ := f.reg.History(ctx, access.Everything.Fields(m0.Place()), "person", m0.ID)
		if len(hist) == 0 || hist[0].Source != Source(r.VisitID) || hist[0].Actor != "网格员1" {
			t.Fatalf("the override's change names the visit: %+v", hist[0])
		}
		supervisor := Decider{Visitor: Visitor{UserID: 9, Name: "书记", Scope: access.Everything},
			Supervises: func(access.Place) bool { return true }}
		l, err := f.s.Conflicts(ctx, ConflictQuery{Scope: access.Everything})
		if err != nil || len(l.Open) != 0 || len(l.ToReview) != 1 || len(l.Decided) != 1 {
			t.Fatalf("list: %+v %v", l, err)
		}
		if err := f.s.Review(ctx, worker, onPerson.ID); err == nil {
			t.Fatal("the worker reviewed their own override")
		}
		if err := f.s.Review(ctx, supervisor, onPerson.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := f.s.Conflicts(ctx, ConflictQuery{Scope: access.Everything}); len(l.ToReview) != 0 || len(l.Decided) != 2 {
			t.Fatalf("after review: %+v", l)
		}
		if _, err := f.s.Decide(ctx, supervisor, onPerson.ID, DecideKeep); err == nil {
			t.Fatal("a decided conflict decided again")
		}
	})
}

// TestSyncScope: a household outside the worker's grids is refused, the
// rest of the batch saved; a record with bad fields comes back to correct.
func TestSyncScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mine, _ := f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M")
		b3 := f.grid2Building(t)
		theirs, _ := f.household(t, b3, "3-101", register.HouseholdRegistered, "M")
		got, err := f.s.Sync(ctx, f.gridVisitor(t), []Observation{
			{ClientUUID: "s-1", HouseholdID: theirs.ID, Outcome: OutcomeMet, Met: "户主"},
			{ClientUUID: "s-2", HouseholdID: mine.ID, Outcome: "?"},
			{ClientUUID: "s-3", HouseholdID: mine.ID, Outcome: OutcomeMet, Met: "户主"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Status != SyncRefused || got[1].Status != SyncInvalid || got[1].Fields["outcome"] == "" ||
			got[2].Status != SyncRecorded {
			t.Fatalf("%+v", got)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visits WHERE household_id = $1`, theirs.ID); n != 0 {
			t.Fatal("a household outside the grids was visited")
		}
	})
}

func (f *fixture) grid2Building(t *testing.T) orgtree.Unit {
	t.Helper()
	b := orgtree.Unit{ParentID: f.grid2.ID, Level: "building", Name: "3号楼"}
	if err := f.org.Create(context.Background(), f.db, &b); err != nil {
		t.Fatal(err)
	}
	rb := register.Building{ID: b.ID, Name: b.Name, Kind: "residential", Floors: 6}
	if err := f.reg.CreateBuilding(context.Background(), f.actor, access.Everything, &rb); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOfflinePackage: the worker's package holds the households of their
// grids in scope with their members and versions, phones as the scope
// sees them; none of another grid.
func TestOfflinePackage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mine, _ := f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M", "F")
		f.household(t, f.grid2Building(t), "3-101", register.HouseholdRegistered, "M")
		f.advance(186) // the half-yearly visit is due
		if _, err := f.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		w, err := f.s.Worker(ctx, f.staff1)
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.s.OfflinePackage(ctx, f.gridVisitor(t).Scope, w, "网格员1")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Households) != 1 || p.Households[0].ID != mine.ID || len(p.Households[0].Members) != 2 ||
			p.Households[0].Version != mine.Version || p.Households[0].Members[0].Version == 0 {
			t.Fatalf("package: %+v", p.Households)
		}
		if len(p.List.Stops) != 1 || len(p.Households[0].Lines) == 0 {
			t.Fatalf("the list: %+v", p.List)
		}
	})
}
