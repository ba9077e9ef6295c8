package visits

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
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a small community: two grids; in the first, 10号楼 and 2号楼
// with households; a grid worker on each grid.
type fixture struct {
	db           *database.DB
	reg          *register.Store
	org          *orgtree.Store
	s            *Service
	clock        *time.Time
	actor        register.Actor
	cb           orgtree.Unit
	grid1, grid2 orgtree.Unit
	b10, b2      orgtree.Unit
	seq          int
	staff1       int64
	staff2       int64
}

func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 1, 5)
	f := &fixture{db: db, org: orgtree.NewStore(db), clock: &now, actor: register.Actor{UserID: 1, Name: "测试员", Source: "web"}}
	clock := func() time.Time { return *f.clock }
	f.reg = register.NewStore(db).WithClock(clock)
	f.s = NewService(db, f.reg, nil, clock)
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
	street := orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	f.cb = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.grid1 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&f.grid1)
	f.grid2 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第二网格"}
	mk(&f.grid2)
	f.b10 = orgtree.Unit{ParentID: f.grid1.ID, Level: "building", Name: "10号楼"}
	mk(&f.b10)
	f.b2 = orgtree.Unit{ParentID: f.grid1.ID, Level: "building", Name: "2号楼"}
	mk(&f.b2)
	for _, b := range []orgtree.Unit{f.b10, f.b2} {
		rb := register.Building{ID: b.ID, Name: b.Name, Kind: "residential", Floors: 6}
		if err := f.reg.CreateBuilding(ctx, f.actor, access.Everything, &rb); err != nil {
			t.Fatal(err)
		}
	}
	for i, g := range []orgtree.Unit{f.grid1, f.grid2} {
		st := orgtree.Staff{UnitID: g.ID, CommunityID: f.cb.ID, Role: "grid_worker", Name: fmt.Sprintf("网格员%d", i+1),
			UserID: int64(100 + i), StartedOn: "2025-01-01"}
		if err := f.org.AddStaff(ctx, db, &st); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.staff1 = st.ID
		} else {
			f.staff2 = st.ID
		}
	}
	return f
}

// household registers a household in a house of building b with members
// (gender per member: "M" or "F").
func (f *fixture) household(t *testing.T, b orgtree.Unit, house, kind string, genders ...string) (register.Household, []register.Person) {
	t.Helper()
	ctx := context.Background()
	h := register.House{BuildingID: b.ID, Number: house, Use: register.HouseOwner}
	if err := f.reg.CreateHouse(ctx, f.actor, access.Everything, &h); err != nil {
		t.Fatal(err)
	}
	f.seq++
	hh := register.Household{Number: fmt.Sprintf("CB%04d", f.seq), Kind: kind, HouseID: h.ID}
	if err := f.reg.CreateHousehold(ctx, f.actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	var ps []register.Person
	for i, g := range genders {
		f.seq++
		seq := f.seq*2 + 1
		if g == "F" {
			seq = f.seq * 2
		}
		rel := "02"
		if i > 0 {
			rel = "20"
		}
		p := register.Person{HouseholdID: hh.ID, Name: fmt.Sprintf("居民%d", f.seq), Relation: rel, Ethnicity: "01",
			IDNumber:  ident.MakeResidentID("610603", time.Date(1960+i*20, 3, 9, 0, 0, 0, 0, time.UTC), seq),
			Residence: register.ResidenceRegistered, Phone: "13909110001"}
		if err := f.reg.CreatePerson(ctx, f.actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) > 0 {
		hh.HeadID = ps[0].ID
		got, _ := f.reg.Household(ctx, access.Everything, hh.ID)
		hh.Version = got.Version
		if err := f.reg.UpdateHousehold(ctx, f.actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
	}
	hh, _ = f.reg.Household(ctx, access.Everything, hh.ID)
	return hh, ps
}

func (f *fixture) tag(t *testing.T, p register.Person, code, from string) register.Tag {
	t.Helper()
	tg := register.Tag{PersonID: p.ID, Tag: code, StartedOn: from}
	if err := f.reg.AddTag(context.Background(), f.actor, access.Everything, &tg); err != nil {
		t.Fatal(err)
	}
	return tg
}

// rows lists a household's schedule rows by status, as "rule/anchor/seq due".
func (f *fixture) rows(t *testing.T, hid int64) map[string][]string {
	t.Helper()
	rows, err := f.db.QueryContext(context.Background(), `SELECT rule_id, anchor, seq, due_on, status FROM visit_schedules
		WHERE household_id = $1 ORDER BY rule_id, anchor, seq`, hid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var rule int64
		var anchor, due, status string
		var seq int
		if err := rows.Scan(&rule, &anchor, &seq, &due, &status); err != nil {
			t.Fatal(err)
		}
		out[status] = append(out[status], fmt.Sprintf("%d/%s/%d %s", rule, anchor, seq, due))
	}
	return out
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) advance(days int) { *f.clock = f.clock.AddDate(0, 0, days) }

func (f *fixture) visitor() Visitor {
	return Visitor{UserID: 100, Name: "网格员1", Scope: access.Everything}
}
