package procurement

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/socialorgs"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 under its street with three residents, two filed
// social organisations (李建国 a member of the first) and a passed 协商
// decision, the service on a clock the test moves.
type fixture struct {
	db      *database.DB
	s       *Service
	clock   *time.Time
	street  orgtree.Unit
	cb      orgtree.Unit
	persons []register.Person
	orgs    []socialorgs.Org
	matter  int64
	staff   Staff
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
	f.cb = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	grid := orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&grid)
	bu := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
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
	hh := register.Household{Number: "H0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
	if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	for j, n := range []string{"李建国", "王秀英", "张伟"} {
		p := register.Person{HouseholdID: hh.ID, Name: n, Residence: register.ResidenceRegistered,
			IDNumber: ident.MakeResidentID("610603", time.Date(1950+j, 3, 9, 0, 0, 0, 0, time.UTC), 131+j)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, p)
	}
	so := socialorgs.NewService(db, clock)
	sst := socialorgs.Staff{Name: "张书记", May: func(int64) bool { return true }}
	for i, n := range []string{"城北为老服务中心", "阳光社工服务社"} {
		o, err := so.Create(ctx, sst, f.cb.ID, socialorgs.Draft{Name: n, Kind: "service", Status: "filed",
			FilingNumber: "ZWD-2025-00" + string(rune('1'+i)), FiledOn: "2025-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		f.orgs = append(f.orgs, o)
	}
	if _, err := so.Join(ctx, sst, f.orgs[0].ID, f.persons[0].ID, "", "2025-04-01"); err != nil {
		t.Fatal(err)
	}
	f.matter = database.NewID()
	stamp := database.FormatTime(now)
	if _, err := db.ExecContext(ctx, `INSERT INTO proposals (community_id, id, title, body, proposer_kind, status, ballot_salt,
		decision, result, decided_on, created_at, updated_at) VALUES ($1, $2, '设立社区老年食堂', '为80岁以上老人提供午餐', 'committee',
		'decided', 'x', '同意委托社会组织运营老年助餐点', 'passed', '2026-04-20', $3, $3)`, f.cb.ID, f.matter, stamp); err != nil {
		t.Fatal(err)
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

func refusedWith(t *testing.T, what string, err error, want error) {
	t.Helper()
	if err != want {
		t.Fatalf("%s: %v, want %q", what, err, fault.Message(want))
	}
	if !strings.ContainsFunc(fault.Message(err), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Fatalf("%s: the refusal %q is not said in Chinese", what, fault.Message(err))
	}
}
