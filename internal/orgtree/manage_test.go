package orgtree_test

import (
	"context"
	"errors"
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
)

// tree is a street with two communities; 城北 has two grids and a building
// in the first with a household of one.
type tree struct {
	m                      *orgtree.Manager
	org                    *orgtree.Store
	reg                    *register.Store
	street, cb, cn         orgtree.Unit
	grid1, grid2, building orgtree.Unit
	household              register.Household
	person                 register.Person
	actor                  orgtree.Actor
	regActor               register.Actor
}

func newTree(t *testing.T, db *database.DB) *tree {
	t.Helper()
	ctx := context.Background()
	reg := register.NewStore(db)
	org := orgtree.NewStore(db)
	tr := &tree{m: orgtree.NewManager(org, reg), org: org, reg: reg,
		actor:    orgtree.Actor{UserID: 1, Name: "管理员", Source: "web"},
		regActor: register.Actor{UserID: 1, Name: "管理员", Source: "web"}}
	add := func(parent orgtree.Unit, level, name, code string) orgtree.Unit {
		t.Helper()
		u := orgtree.Unit{ParentID: parent.ID, Level: level, Name: name, Code: code}
		if err := tr.m.Add(ctx, tr.actor, &u); err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
		return u
	}
	city := add(orgtree.Unit{}, orgtree.LevelCity, "延安市", "610600")
	district := add(city, orgtree.LevelDistrict, "安塞区", "610603")
	tr.street = add(district, orgtree.LevelStreet, "真武洞街道", "610603100000")
	tr.cb = add(tr.street, orgtree.LevelCommunity, "城北社区", "610603100001")
	tr.cn = add(tr.street, orgtree.LevelCommunity, "城南社区", "610603100002")
	tr.grid1 = add(tr.cb, orgtree.LevelGrid, "第一网格", "")
	tr.grid2 = add(tr.cb, orgtree.LevelGrid, "第二网格", "")
	tr.building = add(tr.grid1, orgtree.LevelBuilding, "3号楼", "")
	b := register.Building{ID: tr.building.ID, Name: "3号楼", Kind: "residential"}
	if err := reg.CreateBuilding(ctx, tr.regActor, access.Everything, &b); err != nil {
		t.Fatal(err)
	}
	house := register.House{BuildingID: b.ID, Number: "1-301", Use: register.HouseOwner}
	if err := reg.CreateHouse(ctx, tr.regActor, access.Everything, &house); err != nil {
		t.Fatal(err)
	}
	tr.household = register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
	if err := reg.CreateHousehold(ctx, tr.regActor, access.Everything, &tr.household); err != nil {
		t.Fatal(err)
	}
	tr.person = register.Person{HouseholdID: tr.household.ID, Name: "李建国", Residence: register.ResidenceRegistered,
		IDNumber: ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131), Relation: "02"}
	if err := reg.CreatePerson(ctx, tr.regActor, access.Everything, &tr.person); err != nil {
		t.Fatal(err)
	}
	return tr
}

func (tr *tree) get(t *testing.T, id int64) orgtree.Unit {
	t.Helper()
	u, err := tr.org.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAddAndEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		bad := orgtree.Unit{ParentID: tr.grid1.ID, Level: orgtree.LevelCommunity, Name: "第二网格", Code: "12ab"}
		fe := fault.FieldsOf(tr.m.Add(ctx, tr.actor, &bad))
		if fe["level"] == "" || fe["code"] == "" {
			t.Errorf("a community under a grid with a bad code: %v", fe)
		}
		dup := orgtree.Unit{ParentID: tr.cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		if fe := fault.FieldsOf(tr.m.Add(ctx, tr.actor, &dup)); fe["name"] == "" {
			t.Errorf("a second 第一网格 in one community: %v", fe)
		}
		g := tr.get(t, tr.grid2.ID)
		if err := tr.m.Edit(ctx, tr.actor, g.ID, g.Version, "二网格", "", 2); err != nil {
			t.Fatal(err)
		}
		if err := tr.m.Edit(ctx, tr.actor, g.ID, g.Version, "第2网格", "", 2); !fault.Is(err, fault.Conflict) {
			t.Errorf("an edit on a stale version: %v, want a conflict", err)
		}
		if u := tr.get(t, g.ID); u.Name != "二网格" || u.Sort != 2 || u.Version != g.Version+1 {
			t.Errorf("after the rename: %+v", u)
		}
		h, err := tr.org.History(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Op != "update" || h[1].Op != "create" || h[0].Actor != "管理员" {
			t.Fatalf("history of the renamed grid: %+v", h)
		}
		if f := h[0].Fields; len(f) != 2 || f[0].Field != "name" || f[0].Before != "第二网格" || f[0].After != "二网格" {
			t.Errorf("the rename records %+v", f)
		}
	})
}

func TestBoundary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		g := tr.get(t, tr.grid1.ID)
		if fe := fault.FieldsOf(tr.m.SetBoundary(ctx, tr.actor, g.ID, g.Version, `{"type":"Point","coordinates":[1,2]}`)); fe["boundary"] == "" {
			t.Errorf("a point as a boundary: %v", fe)
		}
		feature := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":
			{"type":"Polygon","coordinates":[[[109.3,36.8],[109.31,36.8],[109.31,36.81],[109.3,36.8]]]}}]}`
		if err := tr.m.SetBoundary(ctx, tr.actor, g.ID, g.Version, feature); err != nil {
			t.Fatal(err)
		}
		u := tr.get(t, g.ID)
		if !strings.HasPrefix(u.Boundary, `{"type":"Polygon","coordinates":[[[109.3,36.8]`) {
			t.Errorf("the boundary is stored as its geometry: %s", u.Boundary)
		}
		h, _ := tr.org.History(ctx, g.ID)
		if len(h) == 0 || h[0].Op != "boundary" || h[0].Fields[0].After != "1个多边形,3个顶点" {
			t.Errorf("history: %+v", h)
		}
	})
}

func TestMoveBuilding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		b := tr.get(t, tr.building.ID)
		if err := tr.m.Move(ctx, tr.actor, b.ID, b.Version+1, tr.grid2.ID); !fault.Is(err, fault.Conflict) {
			t.Errorf("a move on a stale version: %v", err)
		}
		if fe := fault.FieldsOf(tr.m.Move(ctx, tr.actor, tr.grid1.ID, tr.get(t, tr.grid1.ID).Version, tr.building.ID)); fe["parent_id"] == "" {
			t.Errorf("a grid under its own building: %v", fe)
		}
		if err := tr.m.Move(ctx, tr.actor, b.ID, b.Version, tr.grid2.ID); err != nil {
			t.Fatal(err)
		}
		moved := tr.get(t, b.ID)
		if moved.ParentID != tr.grid2.ID || moved.GridID != tr.grid2.ID || moved.CommunityID != tr.cb.ID {
			t.Errorf("the building after its move: %+v", moved)
		}
		if ok, _ := tr.org.IsWithin(ctx, b.ID, tr.grid2.ID); !ok {
			t.Error("the closure does not put the building in its new grid")
		}
		if ok, _ := tr.org.IsWithin(ctx, b.ID, tr.grid1.ID); ok {
			t.Error("the closure still puts the building in its old grid")
		}
		if ok, _ := tr.org.IsWithin(ctx, b.ID, tr.street.ID); !ok {
			t.Error("the closure lost the building's ancestors above the grid")
		}
		// The register followed, each record with its change event, so that
		// the register read as of the day before still has the old grid.
		p, err := tr.reg.Person(ctx, access.Everything, tr.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		h, err := tr.reg.Household(ctx, access.Everything, tr.household.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.GridID != tr.grid2.ID || h.GridID != tr.grid2.ID || p.Version != tr.person.Version+1 {
			t.Errorf("the household and person did not follow: %+v %+v", h, p)
		}
		changes, err := tr.reg.History(ctx, access.Everything.Fields(p.Place()), "person", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) < 2 || changes[0].Op != "update" || len(changes[0].Fields) != 1 || changes[0].Fields[0].Field != "grid_id" {
			t.Errorf("the person's change event: %+v", changes)
		}
		hist, _ := tr.org.History(ctx, b.ID)
		if len(hist) == 0 || hist[0].Op != "move" {
			t.Fatalf("history: %+v", hist)
		}
		moves, err := tr.org.MovesSince(ctx, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(moves) != 1 || moves[0].UnitID != b.ID || moves[0].From != tr.grid1.ID || moves[0].To != tr.grid2.ID {
			t.Errorf("moves: %+v", moves)
		}
	})
}

func TestMoveAcrossCommunities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		// Records need a community: a building is not moved out of them.
		b := tr.get(t, tr.building.ID)
		err := tr.m.Move(ctx, tr.actor, b.ID, b.Version, tr.street.ID)
		if !fault.Is(err, fault.Refused) || !strings.Contains(err.Error(), "1户") {
			t.Fatalf("a building with a household moved under a street: %v", err)
		}
		// An empty grid moves, and what is under it changes community.
		empty := tr.get(t, tr.grid2.ID)
		corner := orgtree.Unit{ParentID: empty.ID, Level: orgtree.LevelBuilding, Name: "新楼"}
		if err := tr.m.Add(ctx, tr.actor, &corner); err != nil {
			t.Fatal(err)
		}
		if err := tr.m.Move(ctx, tr.actor, empty.ID, empty.Version, tr.cn.ID); err != nil {
			t.Fatal(err)
		}
		if u := tr.get(t, corner.ID); u.CommunityID != tr.cn.ID || u.GridID != empty.ID {
			t.Errorf("the building under the moved grid: %+v", u)
		}
		if ok, _ := tr.org.IsWithin(ctx, corner.ID, tr.cn.ID); !ok {
			t.Error("the closure does not put the building in its new community")
		}
		// A street is moved with its communities: their records keep their community.
		s := tr.get(t, tr.street.ID)
		other := orgtree.Unit{ParentID: tr.get(t, s.ParentID).ParentID, Level: orgtree.LevelDistrict, Name: "宝塔区", Code: "610602"}
		if err := tr.m.Add(ctx, tr.actor, &other); err != nil {
			t.Fatal(err)
		}
		if err := tr.m.Move(ctx, tr.actor, s.ID, s.Version, other.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := tr.org.IsWithin(ctx, tr.building.ID, other.ID); !ok {
			t.Error("the building is not under the street's new district")
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closure WHERE unit_id = $1`, tr.building.ID).Scan(&n)
		if n != 6 { // itself, grid, community, street, the new district, the city: no path through the old district
			t.Errorf("the building has %d closure rows, want 6", n)
		}
	})
}

func TestMergeAndRetire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		g1 := tr.get(t, tr.grid1.ID)
		err := tr.m.Retire(ctx, tr.actor, g1.ID, g1.Version)
		var occ *orgtree.OccupiedError
		if !errors.As(err, &occ) || !fault.Is(err, fault.Refused) || len(occ.Places) != 1 ||
			occ.Places[0].Name != "第一网格" || occ.Places[0].Households != 1 || occ.Places[0].Persons != 1 {
			t.Fatalf("retiring a grid with a household: %v", err)
		}
		if !strings.Contains(err.Error(), "第一网格 1户1人") {
			t.Errorf("the refusal does not say where: %v", err)
		}
		staff := orgtree.Staff{UnitID: g1.ID, Role: orgtree.RoleGridWorker, Name: "赵丽"}
		if err := tr.m.Assign(ctx, tr.actor, &staff); err != nil {
			t.Fatal(err)
		}
		if fe := fault.FieldsOf(tr.m.MergeGrids(ctx, tr.actor, g1.ID, g1.Version, tr.cn.ID)); fe["into"] == "" {
			t.Errorf("a grid merged into a community: %v", fe)
		}
		if err := tr.m.MergeGrids(ctx, tr.actor, g1.ID, g1.Version, tr.grid2.ID); err != nil {
			t.Fatal(err)
		}
		if u := tr.get(t, g1.ID); u.RetiredOn == "" {
			t.Error("the merged grid is not retired")
		}
		if b := tr.get(t, tr.building.ID); b.ParentID != tr.grid2.ID || b.GridID != tr.grid2.ID {
			t.Errorf("the building after the merge: %+v", b)
		}
		if p, _ := tr.reg.Person(ctx, access.Everything, tr.person.ID); p.GridID != tr.grid2.ID {
			t.Errorf("the person after the merge: grid %d", p.GridID)
		}
		if st, _ := tr.org.StaffOf(ctx, g1.ID); len(st) != 0 {
			t.Errorf("the retired grid keeps staff: %+v", st)
		}
		kids, _ := tr.org.Children(ctx, tr.cb.ID)
		if len(kids) != 1 || kids[0].ID != tr.grid2.ID {
			t.Errorf("the community's grids after the merge: %+v", kids)
		}
		if err := tr.m.Edit(ctx, tr.actor, g1.ID, tr.get(t, g1.ID).Version, "x", "", 0); !errors.Is(err, orgtree.ErrRetired) {
			t.Errorf("editing a retired grid: %v", err)
		}
		// The household moved out of the register's grid: the empty grid retires.
		g2 := tr.get(t, tr.grid2.ID)
		if err := tr.m.Retire(ctx, tr.actor, g2.ID, g2.Version); !fault.Is(err, fault.Refused) {
			t.Fatalf("retiring the grid with the merged household: %v", err)
		}
		h, _ := tr.reg.Household(ctx, access.Everything, tr.household.ID)
		h.Status = "dissolved"
		if err := tr.reg.UpdateHousehold(ctx, tr.regActor, access.Everything, &h); err != nil {
			t.Fatal(err)
		}
		p, _ := tr.reg.Person(ctx, access.Everything, tr.person.ID)
		p.Status, p.LeftOn, p.LeftTo = "moved_out", time.Now().Format("2006-01-02"), "西安市"
		if err := tr.reg.UpdatePerson(ctx, tr.regActor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		if err := tr.m.Retire(ctx, tr.actor, g2.ID, g2.Version); err != nil {
			t.Fatal(err)
		}
		if b := tr.get(t, tr.building.ID); b.RetiredOn == "" {
			t.Error("the building under the retired grid serves on")
		}
		hist, _ := tr.org.History(ctx, g2.ID)
		if len(hist) < 2 || hist[0].Op != "retire" || hist[1].Op != "merge" {
			t.Errorf("history of the grid merged into and retired: %+v", hist)
		}
	})
}

func TestStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		bad := orgtree.Staff{UnitID: tr.cb.ID, Role: orgtree.RoleGridWorker, Phone: "123", StartedOn: "2024-13-01"}
		fe := fault.FieldsOf(tr.m.Assign(ctx, tr.actor, &bad))
		if fe["name"] == "" || fe["role"] == "" || fe["phone"] == "" || fe["started_on"] == "" {
			t.Errorf("a bad assignment: %v", fe)
		}
		st := orgtree.Staff{UnitID: tr.grid1.ID, Role: orgtree.RoleGridWorker, Name: "赵丽", Phone: "13909110009", StartedOn: "2024-03-01"}
		if err := tr.m.Assign(ctx, tr.actor, &st); err != nil {
			t.Fatal(err)
		}
		again := st
		if fe := fault.FieldsOf(tr.m.Assign(ctx, tr.actor, &again)); fe["name"] == "" {
			t.Errorf("the same person twice in one post: %v", fe)
		}
		if fe := fault.FieldsOf(tr.m.EndAssignment(ctx, tr.actor, tr.grid1.ID, st.ID, "2024-02-01")); fe["ended_on"] == "" {
			t.Errorf("an end before the start: %v", fe)
		}
		if err := tr.m.EndAssignment(ctx, tr.actor, tr.grid2.ID, st.ID, ""); !fault.Is(err, fault.NotFound) {
			t.Errorf("ending through another unit: %v", err)
		}
		if err := tr.m.EndAssignment(ctx, tr.actor, tr.grid1.ID, st.ID, "2024-06-30"); err != nil {
			t.Fatal(err)
		}
		if err := tr.m.EndAssignment(ctx, tr.actor, tr.grid1.ID, st.ID, ""); !fault.Is(err, fault.Conflict) {
			t.Errorf("a second end: %v", err)
		}
		if cur, _ := tr.org.StaffOf(ctx, tr.grid1.ID); len(cur) != 0 {
			t.Errorf("current staff after the end: %+v", cur)
		}
		h, _ := tr.org.History(ctx, tr.grid1.ID)
		if len(h) < 2 || h[0].Op != "unassign" || h[1].Op != "assign" {
			t.Errorf("history: %+v", h)
		}
		for _, c := range h {
			for _, f := range c.Fields {
				if s, _ := f.After.(string); strings.Contains(s, "13909110009") {
					t.Error("the history keeps the staff's phone number")
				}
			}
		}
	})
}
