package socialorgs

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 under its street, with a household of residents and
// the service on a clock the test moves.
type fixture struct {
	db       *database.DB
	s        *Service
	clock    *time.Time
	street   orgtree.Unit
	cb       orgtree.Unit
	other    orgtree.Unit
	persons  []register.Person
	stranger register.Person // a resident of the other community
	staff    Staff
}

func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 5, 4)
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
	f.street = orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	actor := register.Actor{Name: "t", Source: "cli"}
	for i, name := range []string{"城北社区", "城南社区"} {
		cu := orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: name, Code: "61060310000" + string(rune('1'+i))}
		mk(&cu)
		grid := orgtree.Unit{ParentID: cu.ID, Level: "grid", Name: "第一网格"}
		mk(&grid)
		bu := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
		mk(&bu)
		b := register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "H000" + string(rune('1'+i)), Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		names := []string{"李建国", "王秀英", "张伟"}
		if i == 1 {
			names = []string{"赵敏"}
		}
		for j, n := range names {
			p := register.Person{HouseholdID: hh.ID, Name: n, Residence: register.ResidenceRegistered,
				IDNumber: ident.MakeResidentID("610603", time.Date(1950+j, 3, 9, 0, 0, 0, 0, time.UTC), 131+j+10*i)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				f.persons = append(f.persons, p)
			} else {
				f.stranger = p
			}
		}
		if i == 0 {
			f.cb = cu
		} else {
			f.other = cu
		}
	}
	f.staff = Staff{Name: "张书记", May: func(c int64) bool { return c == f.cb.ID }}
	return f
}

func refusedAt(t *testing.T, what string, err error, field string) {
	t.Helper()
	if fault.FieldsOf(err)[field] == "" {
		t.Fatalf("%s: %v, want a refusal at %s", what, err, field)
	}
}

func refusedWith(t *testing.T, what string, err error, kind fault.Kind, want string) {
	t.Helper()
	if !fault.Is(err, kind) || !strings.Contains(fault.Message(err)+err.Error(), want) {
		t.Fatalf("%s: %v, want %s saying %q", what, err, kind, want)
	}
}
