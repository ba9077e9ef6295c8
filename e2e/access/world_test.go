package access

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/server"
	"shequ/internal/testlog"
)

// world is a small city for the access tests: two streets; street S1 has
// 城北 (with grids 1 and 2, building B1 in grid 1, B2 in grid 2) and 城南;
// street S2 has 紫南. Records of every kind lie on three sides: in building
// B1 ("in": inside the place of every grant the tests give), in B2 ("near":
// the same community, another grid) and in 紫南 ("out": outside every bound
// grant).
type world struct {
	db  *database.DB
	app *server.App
	srv *httptest.Server
	log *logBuffer

	district, s1, s2, cb, cn, zn, grid1, grid2, b1, b2, znGrid, znB orgtree.Unit

	objects          map[side]map[string]int64 // side → object kind → id
	inP, nearP, outP register.Person           // the persons of each side, to look for in answers
	today            string
	unitsForPlace    map[string][]int64 // where each kind of role is granted
}

// side says where a record lies relative to the grants of the test users.
type side int

const (
	in   side = iota // building B1 of 城北第一网格: inside every grant
	near             // building B2 of 城北第二网格: inside grants of 城北 and above, outside those of grid 1 or B1
	out              // 紫南: outside every grant bound to a place
)

func (s side) String() string { return [...]string{"inside", "near", "outside"}[s] }

// building is the building of a side, where its records hang.
func (w *world) building(s side) orgtree.Unit { return [...]orgtree.Unit{w.b1, w.b2, w.znB}[s] }

// makers create one record of a capability's object kind on a side (at
// w.building(s)) and return its id. The register's kinds are made by
// newWorld; each capability that names a new object kind in a route rule
// lists its makers in a file of its own, added here, so that the matrix can
// reach the route (a route whose kind has no maker fails the matrix).
var makers = func() map[string]func(t *testing.T, w *world, s side) int64 {
	m := map[string]func(t *testing.T, w *world, s side) int64{}
	for _, add := range []func(map[string]func(t *testing.T, w *world, s side) int64){
		eventMakers, importMakers, reportMakers, serviceMakers,
		volunteerCertificateMakers, workforceMakers,
	} {
		add(m)
	}
	return m
}()

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, objects: map[side]map[string]int64{in: {}, near: {}, out: {}}, log: &logBuffer{},
		today: time.Now().UTC().Format("2006-01-02")}
	org := orgtree.NewStore(db)
	reg := register.NewStore(db)
	mk := func(u *orgtree.Unit, parent int64, level, name string) {
		t.Helper()
		u.ParentID, u.Level, u.Name = parent, level, name
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
	}
	mk(&w.district, 0, "district", "安塞区")
	mk(&w.s1, w.district.ID, "street", "真武洞街道")
	mk(&w.s2, w.district.ID, "street", "金明街道")
	mk(&w.cb, w.s1.ID, "community", "城北社区")
	mk(&w.cn, w.s1.ID, "community", "城南社区")
	mk(&w.zn, w.s2.ID, "community", "紫南社区")
	mk(&w.grid1, w.cb.ID, "grid", "城北第一网格")
	mk(&w.grid2, w.cb.ID, "grid", "城北第二网格")
	mk(&w.b1, w.grid1.ID, "building", "3号楼")
	mk(&w.b2, w.grid2.ID, "building", "5号楼")
	mk(&w.znGrid, w.zn.ID, "grid", "紫南第一网格")
	mk(&w.znB, w.znGrid.ID, "building", "8号楼")
	actor := register.Actor{Name: "测试装载", Source: "cli"}
	all := access.Everything
	place := func(b orgtree.Unit, hh, name string, seq int, dst map[string]int64) register.Person {
		t.Helper()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(reg.CreateBuilding(ctx, actor, all, &register.Building{ID: b.ID, Name: b.Name, Address: "路" + b.Name, Kind: "residential"}))
		house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner, OwnerPhone: "1370911000" + string(rune('0'+seq))}
		must(reg.CreateHouse(ctx, actor, all, &house))
		h := register.Household{Number: hh, Kind: register.HouseholdRegistered, HouseID: house.ID, Phone: "1360911000" + string(rune('0'+seq))}
		must(reg.CreateHousehold(ctx, actor, all, &h))
		p := register.Person{HouseholdID: h.ID, Name: name, Residence: register.ResidenceRegistered, Relation: "02",
			Phone:    "1390911000" + string(rune('0'+seq)),
			IDNumber: ident.MakeResidentID("610603", time.Date(1970+seq, 3, 9, 0, 0, 0, 0, time.UTC), 100+seq)}
		must(reg.CreatePerson(ctx, actor, all, &p))
		h.HeadID = p.ID
		must(reg.UpdateHousehold(ctx, actor, all, &h))
		must(reg.AddTag(ctx, actor, all, &register.Tag{PersonID: p.ID, Tag: "correction", StartedOn: "2024-01-01", Note: "敏感标签" + name}))
		o := register.Organisation{Name: name + "的小店", Kind: "shop", OrgID: b.ID, Phone: "1350911000" + string(rune('0'+seq))}
		must(reg.CreateOrganisation(ctx, actor, all, &o))
		dst["person"], dst["household"], dst["house"], dst["building"], dst["organisation"], dst["unit"] =
			p.ID, h.ID, house.ID, b.ID, o.ID, b.ID
		return p
	}
	// The persons share a surname, so a search for it finds them all
	// unless the search is scoped.
	w.inP = place(w.b1, "CB0001", "韩梅梅", 1, w.objects[in])
	w.nearP = place(w.b2, "CB0002", "韩秋秋", 3, w.objects[near])
	w.outP = place(w.znB, "ZN0001", "韩冬冬", 2, w.objects[out])
	w.unitsForPlace = map[string][]int64{
		access.PlaceAnywhere:  nil,
		access.PlaceSubtree:   {w.s1.ID},
		access.PlaceCommunity: {w.cb.ID},
		access.PlaceStation:   {w.cb.ID, w.cn.ID},
		access.PlaceGrid:      {w.grid1.ID},
		access.PlaceBuildings: {w.b1.ID},
	}
	for kind, make := range makers {
		for _, s := range []side{in, near, out} {
			w.objects[s][kind] = make(t, w, s)
		}
	}
	for _, p := range []register.Person{w.inP, w.nearP, w.outP} {
		testlog.Secret(t, p.Name, p.IDNumber, p.Phone)
	}
	log := slog.New(slog.NewTextHandler(testlog.Writer(t, w.log), &slog.HandlerOptions{Level: slog.LevelDebug}))
	w.app = server.New(db, log, server.Config{})
	w.srv = httptest.NewServer(w.app.Handler)
	t.Cleanup(w.srv.Close)
	t.Cleanup(w.app.Close)
	// Whatever a test did, nothing personal reaches the application log.
	t.Cleanup(func() {
		logs := w.log.String()
		for _, p := range []register.Person{w.inP, w.nearP, w.outP} {
			for _, s := range []string{p.Name, p.IDNumber, p.Phone} {
				if s != "" && strings.Contains(logs, s) {
					t.Errorf("the application log contains personal data %q", s)
				}
			}
		}
	})
	return w
}

// logBuffer collects the application log of a test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
