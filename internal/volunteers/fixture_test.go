package volunteers

import (
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 with one grid, a building, a household of residents
// who may become volunteers, and the service on a clock the test moves.
type fixture struct {
	db      *database.DB
	s       *Service
	clock   *time.Time
	cb      orgtree.Unit
	grid    orgtree.Unit
	persons []register.Person
	staff   Staff
}

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 5, 4, 9, 0)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	f.s = NewService(db, clock)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	f.cb = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.grid = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&f.grid)
	bu := orgtree.Unit{ParentID: f.grid.ID, Level: "building", Name: "3号楼"}
	mk(&bu)
	actor := register.Actor{Name: "t", Source: "cli"}
	b := register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}
	if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
		t.Fatal(err)
	}
	house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
	if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
		t.Fatal(err)
	}
	hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
	if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"李建国", "王秀英", "张伟"} {
		p := register.Person{HouseholdID: hh.ID, Name: name, Residence: register.ResidenceRegistered,
			Phone:    "1390911000" + string(rune('1'+i)),
			IDNumber: ident.MakeResidentID("610603", time.Date(1960+i, 3, 9, 0, 0, 0, 0, time.UTC), 131+i)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, p)
	}
	f.staff = Staff{UserID: 7, Name: "张书记", May: func(c int64) bool { return c == f.cb.ID }}
	return f
}

func (f *fixture) volunteer(t *testing.T, i int) Volunteer {
	t.Helper()
	v, err := f.s.Register(context.Background(), f.staff, Registration{CommunityID: f.cb.ID, PersonID: f.persons[i].ID,
		Profile: Profile{Skills: []string{"medical"}}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
