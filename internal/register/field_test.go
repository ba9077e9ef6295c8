package register

import (
	"context"
	"errors"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// The actions of the register kept in the field: each saves everything or
// nothing, records change events, and refuses a stale version.

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe fault.Fields
	if !errors.As(err, &fe) || fe[field] == "" {
		t.Fatalf("got %v, want an error at %s", err, field)
	}
}

func wantConflict(t *testing.T, err error) {
	t.Helper()
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a conflict", err)
	}
}

func events(t *testing.T, db *database.DB, entity string, id int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM change_events WHERE entity = $1 AND entity_id = $2`, entity, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRegisterHouseholdWithHead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		scope := f.within(t, f.grid1)
		h := Household{Number: "CB0002", Kind: HouseholdFloating, HouseID: f.house.ID}
		head := Person{Name: "赵小军", IDNumber: ident.MakeResidentID("612701", date(1990, 5, 6), 31),
			Residence: ResidenceFloating, Phone: "13800001111"}
		if err := f.store.RegisterHousehold(ctx, f.actor, scope, &h, &head); err != nil {
			t.Fatal(err)
		}
		got, err := f.store.Household(ctx, access.Everything, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.HeadID != head.ID || got.Address != "城北路12号3号楼1-301" || got.GridID != f.grid1.ID {
			t.Errorf("household = %+v, want head %d at the house's address", got, head.ID)
		}
		p, _ := f.store.Person(ctx, access.Everything, head.ID)
		if p.HouseholdID != h.ID || p.Relation != "02" || p.Address != got.Address {
			t.Errorf("head = %+v", p)
		}
		if events(t, db, "household", h.ID) != 1 || events(t, db, "person", head.ID) != 1 {
			t.Error("want one create event each")
		}

		// A bad head saves no household either; its errors are the head's.
		before := countRows(t, db)
		h2 := Household{Number: "CB0003", Kind: HouseholdRegistered, HouseID: f.house.ID}
		bad := Person{Name: "钱某", IDNumber: f.head.IDNumber, Residence: ResidenceRegistered}
		wantField(t, f.store.RegisterHousehold(ctx, f.actor, scope, &h2, &bad), "head_id_number")
		bad = Person{Name: "", IDNumber: "123", Residence: ResidenceRegistered}
		err = f.store.RegisterHousehold(ctx, f.actor, scope, &Household{Number: "CB0001", Kind: "x", HouseID: f.house.ID}, &bad)
		wantField(t, err, "head_name")
		wantField(t, err, "kind")
		if after := countRows(t, db); after != before {
			t.Errorf("rows changed from %d to %d", before, after)
		}
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM households WHERE number = 'CB0003'`).Scan(&n)
		if n != 0 {
			t.Error("household of a refused head was saved")
		}
		// Outside the writer's grid.
		other := f.within(t, f.grid2)
		wantField(t, f.store.RegisterHousehold(ctx, f.actor, other, &Household{Number: "CB0009", Kind: HouseholdRegistered,
			HouseID: f.house.ID}, &Person{Name: "孙某", IDNumber: ident.MakeResidentID("612701", date(1991, 5, 6), 33),
			Residence: ResidenceRegistered}), "house_id")
	})
}

func TestMoveOutEndsTagsAndDissolves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tag := Tag{PersonID: f.spouse.ID, Tag: "dibao", StartedOn: "2020-01-01", Evidence: "安民字〔2020〕3号"}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &tag); err != nil {
			t.Fatal(err)
		}
		sp, _ := f.store.Person(ctx, access.Everything, f.spouse.ID)
		today := time.Now().Format("2006-01-02")
		// Validation at the field.
		wantField(t, f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: sp.Version,
			Status: "moved_out", On: today}), "left_to")
		wantField(t, f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: sp.Version,
			Status: "moved_out", On: "2099-01-01", To: "西安市"}), "left_on")
		wantField(t, f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: sp.Version,
			Status: "gone", On: today}), "status")
		// A stale version is refused.
		wantConflict(t, f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: sp.Version - 1,
			Status: "moved_out", On: today, To: "西安市"}))

		if err := f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: sp.Version,
			Status: "moved_out", On: today, To: "西安市雁塔区"}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.store.Person(ctx, access.Everything, sp.ID)
		if got.Status != "moved_out" || got.LeftOn != today || got.LeftTo != "西安市雁塔区" || got.Version != sp.Version+1 {
			t.Errorf("after move out: %+v", got)
		}
		tags, _ := f.store.TagsOf(ctx, access.Everything, got, "")
		if len(tags) != 1 || tags[0].EndedOn != today || tags[0].Evidence != "安民字〔2020〕3号" {
			t.Errorf("tag not ended with the move: %+v", tags)
		}
		wantField(t, f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: sp.ID, Version: got.Version,
			Status: "deceased", On: today}), "status")
		hh, _ := f.store.Household(ctx, access.Everything, f.household.ID)
		if hh.Status != "active" {
			t.Fatalf("household dissolved while its head remains")
		}
		// The head dies: the household has nobody left and is dissolved.
		head, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		if err := f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: head.ID, Version: head.Version,
			Status: "deceased", On: today, To: "ignored"}); err != nil {
			t.Fatal(err)
		}
		head, _ = f.store.Person(ctx, access.Everything, f.head.ID)
		hh, _ = f.store.Household(ctx, access.Everything, f.household.ID)
		if head.Status != "deceased" || head.LeftTo != "" || hh.Status != "dissolved" {
			t.Errorf("head %+v, household %+v", head, hh)
		}
		// The person's history names the move.
		hist, _ := f.store.History(ctx, access.AllFields, "person", sp.ID)
		if len(hist) != 2 || hist[0].Op != "update" {
			t.Fatalf("history: %+v", hist)
		}
		var sawStatus, sawTo bool
		for _, fc := range hist[0].Fields {
			sawStatus = sawStatus || (fc.Field == "status" && fc.After == "moved_out")
			sawTo = sawTo || (fc.Field == "left_to" && fc.After == "西安市雁塔区")
		}
		if !sawStatus || !sawTo {
			t.Errorf("move event fields: %+v", hist[0].Fields)
		}
	})
}

func TestMovePersonBetweenHouseholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		h := Household{Number: "CB0002", Kind: HouseholdRegistered, HouseID: f.house.ID}
		head := Person{Name: "李小明", IDNumber: ident.MakeResidentID("610624", date(1992, 1, 9), 151), Residence: ResidenceRegistered}
		if err := f.store.RegisterHousehold(ctx, f.actor, access.Everything, &h, &head); err != nil {
			t.Fatal(err)
		}
		// The old household's head may not leave while the spouse remains.
		oh, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		wantField(t, f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: oh.ID, Version: oh.Version,
			HouseholdID: h.ID, Relation: "20"}), "household_id")
		sp, _ := f.store.Person(ctx, access.Everything, f.spouse.ID)
		wantField(t, f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: sp.Version,
			HouseholdID: h.ID}), "relation")
		wantField(t, f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: sp.Version,
			HouseholdID: f.household.ID, Relation: "10"}), "household_id")
		wantConflict(t, f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: sp.Version + 1,
			HouseholdID: h.ID, Relation: "母亲"}))
		if err := f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: sp.Version,
			HouseholdID: h.ID, Relation: "母亲"}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.store.Person(ctx, access.Everything, sp.ID)
		if got.HouseholdID != h.ID || got.Relation != "52" {
			t.Errorf("moved person: %+v", got)
		}
		// Out of any household, staying in the community.
		if err := f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: got.Version}); err != nil {
			t.Fatal(err)
		}
		got, _ = f.store.Person(ctx, access.Everything, sp.ID)
		if got.HouseholdID != 0 || got.CommunityID != f.cb.ID || got.Status != "active" {
			t.Errorf("out of household: %+v", got)
		}
		// Into a household of another community: refused (out of scope here).
		zh := Household{Number: "ZN0001", Kind: HouseholdRegistered, OrgID: f.zn.ID}
		if err := f.store.CreateHousehold(ctx, f.actor, access.Everything, &zh); err != nil {
			t.Fatal(err)
		}
		wantField(t, f.store.MovePerson(ctx, f.actor, access.Everything, Move{PersonID: sp.ID, Version: got.Version,
			HouseholdID: zh.ID, Relation: "10"}), "household_id")
	})
}

func TestRentalEndAndTagClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		r := Rental{HouseID: f.house.ID, Landlord: "李建国", StartedOn: "2024-01-01", MonthlyRentFen: 120000,
			TenantIDs: []int64{f.spouse.ID, f.spouse.ID}}
		if err := f.store.CreateRental(ctx, f.actor, access.Everything, &r); err != nil {
			t.Fatal(err)
		}
		got, err := f.store.Rental(ctx, access.Everything, f.house.ID, r.ID)
		if err != nil || len(got.TenantIDs) != 1 {
			t.Fatalf("rental %+v, %v", got, err)
		}
		wantField(t, f.store.EndRental(ctx, f.actor, access.Everything, RentalEnding{HouseID: f.house.ID, RentalID: r.ID,
			Version: got.Version, EndedOn: "2023-12-31"}), "ended_on")
		wantConflict(t, f.store.EndRental(ctx, f.actor, access.Everything, RentalEnding{HouseID: f.house.ID, RentalID: r.ID,
			Version: got.Version + 1, EndedOn: "2024-06-30"}))
		if err := f.store.EndRental(ctx, f.actor, access.Everything, RentalEnding{HouseID: f.house.ID, RentalID: r.ID,
			Version: got.Version, EndedOn: "2024-06-30", HouseUse: HouseVacant}); err != nil {
			t.Fatal(err)
		}
		got, _ = f.store.Rental(ctx, access.Everything, f.house.ID, r.ID)
		house, _ := f.store.House(ctx, access.Everything, f.house.ID)
		if got.EndedOn != "2024-06-30" || house.Use != HouseVacant {
			t.Errorf("rental %+v, house use %s", got, house.Use)
		}
		hist, _ := f.store.History(ctx, access.AllFields, "rental", r.ID)
		if len(hist) != 2 || len(hist[0].Fields) != 1 || hist[0].Fields[0].Field != "ended_on" {
			t.Errorf("rental history: %+v", hist)
		}

		tag := Tag{PersonID: f.head.ID, Tag: "living_alone", StartedOn: "2023-01-01", Note: "子女在外地"}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &tag); err != nil {
			t.Fatal(err)
		}
		wantField(t, f.store.CloseTag(ctx, f.actor, access.Everything, TagEnding{TagID: tag.ID, Version: 1, EndedOn: "2022-01-01"}), "ended_on")
		wantConflict(t, f.store.CloseTag(ctx, f.actor, access.Everything, TagEnding{TagID: tag.ID, Version: 2, EndedOn: "2024-01-01"}))
		if err := f.store.CloseTag(ctx, f.actor, access.Everything, TagEnding{TagID: tag.ID, Version: 1, EndedOn: "2024-01-01",
			Evidence: "子女接回同住"}); err != nil {
			t.Fatal(err)
		}
		closed, err := f.store.Tag(ctx, access.Everything, f.head.ID, tag.ID)
		if err != nil || closed.EndedOn != "2024-01-01" || closed.Evidence != "子女接回同住" || closed.Version != 2 {
			t.Errorf("closed tag %+v, %v", closed, err)
		}
		// A tag of a kind the scope may not see does not exist for it.
		if _, err := f.store.Tag(ctx, f.within(t, f.grid2), f.head.ID, tag.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("tag out of scope: %v", err)
		}
	})
}

func TestEmployees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		o := Organisation{Name: "城北小学", Kind: "school", OrgID: f.grid1.ID}
		if err := f.store.CreateOrganisation(ctx, f.actor, access.Everything, &o); err != nil {
			t.Fatal(err)
		}
		wantField(t, func() error {
			_, err := f.store.AddEmployee(ctx, f.actor, access.Everything, Employment{OrganisationID: o.ID, IDNumber: "12345"})
			return err
		}(), "id_number")
		_, err := f.store.AddEmployee(ctx, f.actor, f.within(t, f.grid2), Employment{OrganisationID: o.ID, IDNumber: f.head.IDNumber})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("organisation out of scope: %v", err)
		}
		p, err := f.store.AddEmployee(ctx, f.actor, f.within(t, f.grid1), Employment{OrganisationID: o.ID, IDNumber: f.head.IDNumber, Occupation: "教师"})
		if err != nil {
			t.Fatal(err)
		}
		emps, _ := f.store.Employees(ctx, access.Everything, o.ID)
		if len(emps) != 1 || emps[0].ID != f.head.ID || emps[0].Occupation != "教师" {
			t.Errorf("employees %+v", emps)
		}
		wantConflict(t, f.store.EndEmployment(ctx, f.actor, access.Everything, o.ID, p.ID, p.Version-1))
		if err := f.store.EndEmployment(ctx, f.actor, access.Everything, o.ID, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if emps, _ := f.store.Employees(ctx, access.Everything, o.ID); len(emps) != 0 {
			t.Errorf("employees after the end: %+v", emps)
		}
	})
}

// An edit that sets 迁出 or 死亡 is the same act as the leaving form: it
// needs its day (and, for a move, where to), and the person's tags end.
func TestLeavingThroughAnEditNeedsItsDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tag := Tag{PersonID: f.spouse.ID, Tag: "dibao", StartedOn: "2020-01-01", Evidence: "安民字〔2020〕3号"}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &tag); err != nil {
			t.Fatal(err)
		}
		today := time.Now().Format("2006-01-02")
		edit := func(change func(p *Person)) error {
			p, err := f.store.Person(ctx, access.Everything, f.spouse.ID)
			if err != nil {
				t.Fatal(err)
			}
			change(&p)
			return f.store.UpdatePerson(ctx, f.actor, access.Everything, &p)
		}
		wantField(t, edit(func(p *Person) { p.Status = "moved_out" }), "left_on")
		wantField(t, edit(func(p *Person) { p.Status, p.LeftOn = "moved_out", today }), "left_to")
		wantField(t, edit(func(p *Person) { p.Status, p.LeftOn, p.LeftTo = "moved_out", "2099-01-01", "西安市" }), "left_on")
		if got, _ := f.store.Person(ctx, access.Everything, f.spouse.ID); got.Status != "active" {
			t.Fatalf("a refused edit saved %+v", got)
		}
		if err := edit(func(p *Person) { p.Status, p.LeftOn, p.LeftTo = "moved_out", today, "西安市雁塔区" }); err != nil {
			t.Fatal(err)
		}
		got, _ := f.store.Person(ctx, access.Everything, f.spouse.ID)
		tags, _ := f.store.TagsOf(ctx, access.Everything, got, "")
		if got.Status != "moved_out" || len(tags) != 1 || tags[0].EndedOn != today {
			t.Errorf("after the edit: %+v, tags %+v", got, tags)
		}
	})
}
