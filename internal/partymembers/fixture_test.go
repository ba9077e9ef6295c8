package partymembers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a community with one grid and one building, households
// registered in it, and the service on a clock the test moves.
type fixture struct {
	db    *database.DB
	reg   *register.Store
	s     *Service
	vs    *visits.Service
	clock *time.Time
	actor register.Actor
	cb    orgtree.Unit
	b1    orgtree.Unit
	seq   int
	staff Staff
}

func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 1, 5)
	f := &fixture{db: db, clock: &now, actor: register.Actor{UserID: 1, Name: "测试员", Source: "web"}}
	clock := func() time.Time { return *f.clock }
	f.reg = register.NewStore(db).WithClock(clock)
	f.vs = visits.NewService(db, f.reg, nil, clock)
	f.s = NewService(db, f.reg, f.vs, clock)
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	street := orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	f.cb = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	grid := orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&grid)
	f.b1 = orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "1号楼"}
	mk(&f.b1)
	rb := register.Building{ID: f.b1.ID, Name: f.b1.Name, Kind: "residential", Floors: 6}
	if err := f.reg.CreateBuilding(ctx, f.actor, access.Everything, &rb); err != nil {
		t.Fatal(err)
	}
	f.staff = Staff{UserID: 1, Name: "社区干部", Scope: access.Everything}
	return f
}

// household registers a household of one person and returns both.
func (f *fixture) household(t *testing.T, phone string) (register.Household, register.Person) {
	t.Helper()
	ctx := context.Background()
	f.seq++
	h := register.House{BuildingID: f.b1.ID, Number: fmt.Sprintf("1-%d", 100+f.seq), Use: register.HouseOwner}
	if err := f.reg.CreateHouse(ctx, f.actor, access.Everything, &h); err != nil {
		t.Fatal(err)
	}
	hh := register.Household{Number: fmt.Sprintf("CB%04d", f.seq), Kind: register.HouseholdRegistered, HouseID: h.ID}
	if err := f.reg.CreateHousehold(ctx, f.actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	p := register.Person{HouseholdID: hh.ID, Name: fmt.Sprintf("居民%d", f.seq), Relation: "02", Ethnicity: "01",
		IDNumber:  ident.MakeResidentID("610603", time.Date(1980, 3, 9, 0, 0, 0, 0, time.UTC), f.seq*2+1),
		Residence: register.ResidenceRegistered, Phone: phone}
	if err := f.reg.CreatePerson(ctx, f.actor, access.Everything, &p); err != nil {
		t.Fatal(err)
	}
	hh.HeadID = p.ID
	got, _ := f.reg.Household(ctx, access.Everything, hh.ID)
	hh.Version = got.Version
	if err := f.reg.UpdateHousehold(ctx, f.actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	hh, _ = f.reg.Household(ctx, access.Everything, hh.ID)
	return hh, p
}

// member registers a new resident as a member of employer on day.
func (f *fixture) member(t *testing.T, employer, day string) Member {
	t.Helper()
	_, p := f.household(t, "13909110001")
	m, err := f.s.Register(context.Background(), f.staff, Registration{IDNumber: p.IDNumber, Employer: employer,
		PartyOrg: employer + "党委", ReportedOn: day})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *fixture) setDay(y int, m time.Month, d int) { *f.clock = at(y, m, d) }

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
