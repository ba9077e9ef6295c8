package indicators

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// world is a small register whose every number is known by hand. Period
// 2026-10 (start state: the end of 2026-09-30; end: 2026-10-31).
//
//	street 真武洞街道
//	  community A (城北): grid g1 (building b1: houses u1 80㎡ 自住, u4 45㎡ 自住)
//	                      grid g2 (building b2: houses u2 60㎡ 出租, u3 50㎡ 空置)
//	  community B (城南): grid g3 (building b3: house u5 70㎡ 自住)
//
//	h1 (户籍, u1): p1 M 1950-05-01 低保; p2 F 1990-11-15 低保 育龄妇女;
//	               p3 F born 2026-10-10, registered 2026-10-12;
//	               p7 F 1960-06-01, moved out 2026-10-20
//	h2 (流动, u2, rented by r1 from 2026-01-01 to p4, p5): p4 M 1985-03-01
//	               works at o1; p5 F 1987-12-31 育龄妇女, 孕情 since 2026-09-15
//	h3 (户籍, u4): p6 M 1940-01-01 高龄 独居老人, died 2026-11-10 (recorded then)
//	h4 (户籍, u5): p8 M 2000-02-02 失业 since 2026-10-05;
//	               p9 F 2001-07-07 registered 2026-11-05
//	o1 enterprise in g1, 12 staff, with a USCC; o2 shop in g3, 3 staff.
//	grid worker on g1 since 2020.
type world struct {
	db                     *database.DB
	street, a, b           orgtree.Unit
	g1, g2, g3             orgtree.Unit
	p                      map[string]*register.Person
	h                      map[string]*register.Household
	reg                    *Registry
	period                 Period
	early, inPeriod, after time.Time
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, p: map[string]*register.Person{}, h: map[string]*register.Household{}}
	w.period, _ = ParsePeriod("2026-10")
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", u.Name, err)
		}
	}
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	w.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&w.street)
	w.a = orgtree.Unit{ParentID: w.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&w.a)
	w.b = orgtree.Unit{ParentID: w.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&w.b)
	w.g1 = orgtree.Unit{ParentID: w.a.ID, Level: "grid", Name: "第一网格"}
	mk(&w.g1)
	w.g2 = orgtree.Unit{ParentID: w.a.ID, Level: "grid", Name: "第二网格"}
	mk(&w.g2)
	w.g3 = orgtree.Unit{ParentID: w.b.ID, Level: "grid", Name: "第三网格"}
	mk(&w.g3)
	b1 := orgtree.Unit{ParentID: w.g1.ID, Level: "building", Name: "1号楼"}
	mk(&b1)
	b2 := orgtree.Unit{ParentID: w.g2.ID, Level: "building", Name: "2号楼"}
	mk(&b2)
	b3 := orgtree.Unit{ParentID: w.g3.ID, Level: "building", Name: "3号楼"}
	mk(&b3)
	if err := org.AddStaff(ctx, db, &orgtree.Staff{UnitID: w.g1.ID, Role: orgtree.RoleGridWorker, Name: "张网格", StartedOn: "2020-01-01"}); err != nil {
		t.Fatal(err)
	}

	early := day("2015-03-01 09:00")
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			l.Rollback()
			t.Fatal(err)
		}
	}
	o1 := &register.Organisation{CommunityID: w.a.ID, Name: "城北商贸有限公司", Kind: "enterprise", USCC: "91610603MA6X000001",
		OrgID: w.g1.ID, GridID: w.g1.ID, StaffCount: 12}
	must(l.Organisation(ctx, early, o1))
	o2 := &register.Organisation{CommunityID: w.b.ID, Name: "城南小卖部", Kind: "shop", OrgID: w.g3.ID, GridID: w.g3.ID, StaffCount: 3}
	must(l.Organisation(ctx, early, o2))
	for _, b := range []struct {
		u    orgtree.Unit
		comm int64
		grid int64
	}{{b1, w.a.ID, w.g1.ID}, {b2, w.a.ID, w.g2.ID}, {b3, w.b.ID, w.g3.ID}} {
		must(l.Building(ctx, early, &register.Building{CommunityID: b.comm, ID: b.u.ID, GridID: b.grid, Name: b.u.Name,
			Kind: "residential", Floors: 6, BuiltYear: 1998}))
	}
	house := func(comm int64, b orgtree.Unit, grid int64, num, use string, area float64) *register.House {
		h := &register.House{CommunityID: comm, BuildingID: b.ID, OrgID: b.ID, GridID: grid, Number: num, Use: use, AreaM2: area,
			Address: b.Name + num}
		must(l.House(ctx, early, h))
		return h
	}
	u1 := house(w.a.ID, b1, w.g1.ID, "101", "owner", 80)
	u2 := house(w.a.ID, b2, w.g2.ID, "201", "rented", 60)
	house(w.a.ID, b2, w.g2.ID, "202", "vacant", 50)
	u4 := house(w.a.ID, b1, w.g1.ID, "102", "owner", 45)
	u5 := house(w.b.ID, b3, w.g3.ID, "301", "owner", 70)
	hh := func(name string, comm int64, u *register.House, kind string, at time.Time) *register.Household {
		h := &register.Household{CommunityID: comm, Number: name, Kind: kind, HouseID: u.ID, OrgID: u.OrgID, GridID: u.GridID}
		must(l.Household(ctx, at, h, name))
		w.h[name] = h
		return h
	}
	h1 := hh("h1", w.a.ID, u1, "registered", early)
	h2 := hh("h2", w.a.ID, u2, "floating", day("2026-01-05 10:00"))
	h3 := hh("h3", w.a.ID, u4, "registered", early)
	h4 := hh("h4", w.b.ID, u5, "registered", early)
	seq := 100
	person := func(name string, h *register.Household, gender, birth, residence string, at time.Time) *register.Person {
		seq++
		bd, _ := time.Parse("2006-01-02", birth)
		p := &register.Person{CommunityID: h.CommunityID, HouseholdID: h.ID, OrgID: h.OrgID, GridID: h.GridID, Name: name,
			IDNumber: ident.MakeResidentID("610603", bd, seq), Gender: gender, BirthDate: birth, Residence: residence,
			Ethnicity: "01", Relation: "99", Address: "城北路"}
		must(l.Person(ctx, at, p))
		w.p[name] = p
		return p
	}
	p1 := person("p1", h1, "M", "1950-05-01", "registered", early)
	p2 := person("p2", h1, "F", "1990-11-15", "registered", early)
	person("p3", h1, "F", "2026-10-10", "registered", day("2026-10-12 10:00"))
	p7 := person("p7", h1, "F", "1960-06-01", "registered", early)
	p4 := person("p4", h2, "M", "1985-03-01", "floating", day("2026-01-05 10:00"))
	p5 := person("p5", h2, "F", "1987-12-31", "floating", day("2026-01-05 10:00"))
	p6 := person("p6", h3, "M", "1940-01-01", "registered", early)
	p8 := person("p8", h4, "M", "2000-02-02", "registered", early)
	person("p9", h4, "F", "2001-07-07", "registered", day("2026-11-05 10:00"))
	tag := func(p *register.Person, code, start string, at time.Time) {
		must(l.Tag(ctx, at, &register.Tag{CommunityID: p.CommunityID, PersonID: p.ID, Tag: code, StartedOn: start}))
	}
	tag(p1, "dibao", "2020-01-01", day("2020-01-02 09:00"))
	tag(p2, "dibao", "2020-01-01", day("2020-01-02 09:00"))
	tag(p2, "childbearing", "2005-11-15", early)
	tag(p5, "childbearing", "2002-12-31", day("2026-01-05 10:00"))
	tag(p5, "pregnant", "2026-09-15", day("2026-09-16 10:00"))
	tag(p6, "very_old", "2020-01-01", early)
	tag(p6, "living_alone", "2015-03-01", early)
	tag(p8, "unemployed", "2026-10-05", day("2026-10-06 10:00"))
	must(l.Rental(ctx, day("2026-01-05 10:00"), &register.Rental{CommunityID: w.a.ID, HouseID: u2.ID, Landlord: "赵房东",
		StartedOn: "2026-01-01", MonthlyRentFen: 150000, TenantIDs: []int64{p4.ID, p5.ID}}))
	_ = h4
	must(l.Commit(ctx))
	// p4 works at o1 (set after the load: an update recorded in January).
	p4.EmployerID = o1.ID
	updatePerson(t, db, p4, day("2026-01-06 10:00"))
	// p7 moved out during the period; p6 died after it.
	p7.Status = "moved_out"
	updatePerson(t, db, p7, day("2026-10-20 15:00"))
	p6.Status = "deceased"
	updatePerson(t, db, p6, day("2026-11-10 08:00"))
	w.reg, err = NewRegistry(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// updatePerson writes a change the way the register does — the row and a
// change event with its snapshot — at a chosen time, so that the history
// has changes before, during and after the period.
func updatePerson(t *testing.T, db *database.DB, p *register.Person, at time.Time) {
	t.Helper()
	ctx := context.Background()
	p.Version++
	ts := database.FormatTime(at)
	p.UpdatedAt = ts
	if _, err := db.ExecContext(ctx, `UPDATE persons SET status = $1, employer_id = $2, version = $3, updated_at = $4
		WHERE community_id = $5 AND id = $6`, p.Status, nullInt(p.EmployerID), p.Version, ts, p.CommunityID, p.ID); err != nil {
		t.Fatal(err)
	}
	snap, _ := json.Marshal(p)
	if _, err := db.ExecContext(ctx, `INSERT INTO change_events
		(community_id, id, at, actor_id, actor, source, entity, entity_id, op, version, changes, snapshot)
		VALUES ($1, $2, $3, NULL, '测试', 'test', 'person', $4, 'update', $5, '{}', $6)`,
		p.CommunityID, database.NewID(), ts, p.ID, p.Version, string(snap)); err != nil {
		t.Fatal(err)
	}
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// compute runs definitions (code, entity, filter, measure, field/of, rule)
// for root and returns values by code for the units asked.
func (w *world) compute(t *testing.T, root int64, period Period, defs []Indicator) *Result {
	t.Helper()
	var list []*Compiled
	known := map[string]Indicator{}
	for _, d := range defs {
		known[d.Code] = d
	}
	for _, d := range defs {
		if d.Name == "" {
			d.Name = d.Code
		}
		c, err := Compile(w.reg, d, func(code string) (Indicator, bool) { o, ok := known[code]; return o, ok })
		if err != nil {
			t.Fatalf("%s: %v", d.Code, err)
		}
		list = append(list, c)
	}
	res, err := NewEngine(w.db, w.reg).Compute(context.Background(), Request{Root: root, Period: period, Indicators: list})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// value returns indicator code's value in unit id.
func value(t *testing.T, res *Result, defs []Indicator, code string, unit int64) float64 {
	t.Helper()
	u := res.Unit(unit)
	if u < 0 {
		t.Fatalf("unit %d not in result", unit)
	}
	for i, d := range defs {
		if d.Code == code {
			return res.Values[u][i]
		}
	}
	t.Fatalf("no indicator %s", code)
	return 0
}
