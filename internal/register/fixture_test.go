package register

import (
	"context"
	"shequ/internal/access"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
)

// fixture is a small register: one street with two communities; 城北社区 has
// two grids, a building with two houses, and a household of two.
type fixture struct {
	store                  *Store
	org                    *orgtree.Store
	street, cb, zn         orgtree.Unit
	grid1, grid2, building orgtree.Unit
	house                  House
	household              Household
	head, spouse           Person
	actor                  Actor
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: NewStore(db), org: orgtree.NewStore(db), actor: Actor{UserID: 1, Name: "测试员", Source: "web"}}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := f.org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	f.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	f.cb = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.zn = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&f.zn)
	f.grid1 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&f.grid1)
	f.grid2 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第二网格"}
	mk(&f.grid2)
	f.building = orgtree.Unit{ParentID: f.grid1.ID, Level: "building", Name: "3号楼"}
	mk(&f.building)
	b := Building{ID: f.building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential", Floors: 6}
	if err := f.store.CreateBuilding(ctx, f.actor, access.Everything, &b); err != nil {
		t.Fatal(err)
	}
	f.house = House{BuildingID: b.ID, Number: "1-301", Use: HouseOwner, AreaM2: 89.5, OwnerName: "李建国"}
	if err := f.store.CreateHouse(ctx, f.actor, access.Everything, &f.house); err != nil {
		t.Fatal(err)
	}
	f.household = Household{Number: "CB0001", Kind: HouseholdRegistered, HouseID: f.house.ID, Address: "城北路12号3号楼1-301"}
	if err := f.store.CreateHousehold(ctx, f.actor, access.Everything, &f.household); err != nil {
		t.Fatal(err)
	}
	f.head = Person{HouseholdID: f.household.ID, Name: "李建国", IDNumber: ident.MakeResidentID("610624", date(1968, 3, 9), 131),
		Residence: ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13909110001"}
	if err := f.store.CreatePerson(ctx, f.actor, access.Everything, &f.head); err != nil {
		t.Fatal(err)
	}
	f.spouse = Person{HouseholdID: f.household.ID, Name: "王秀兰", IDNumber: ident.MakeResidentID("610602", date(1970, 8, 1), 242),
		Residence: ResidenceRegistered, Relation: "12", Ethnicity: "01", Phone: "13909110002"}
	if err := f.store.CreatePerson(ctx, f.actor, access.Everything, &f.spouse); err != nil {
		t.Fatal(err)
	}
	f.household.HeadID = f.head.ID
	if err := f.store.UpdateHousehold(ctx, f.actor, access.Everything, &f.household); err != nil {
		t.Fatal(err)
	}
	return f
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// within is the scope of the subtree of u with every field, as a community
// head of u would have.
func (f *fixture) within(t *testing.T, u orgtree.Unit) access.Scope {
	t.Helper()
	sc, err := access.NewService(f.store.DB()).Narrow(context.Background(), access.Everything, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
