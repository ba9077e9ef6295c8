package reportsweb_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/reports/reportsweb"
	"shequ/internal/testdb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// fixture is a street with two communities, 城北 (with a household of one
// person) and 城南, behind the kit and the reports' pages only.
type fixture struct {
	t      *testing.T
	db     *database.DB
	kit    *web.Kit
	srv    *webtest.Server
	street orgtree.Unit
	cb, cn orgtree.Unit
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, testdb.Engine{Name: "sqlite", DSN: testdb.SQLiteDSN})
	fx := &fixture{t: t, db: db}
	org := orgtree.NewStore(db)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mk := func(u *orgtree.Unit) { t.Helper(); must(org.Create(ctx, db, u)) }
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	fx.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&fx.street)
	fx.cb = orgtree.Unit{ParentID: fx.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&fx.cb)
	fx.cn = orgtree.Unit{ParentID: fx.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&fx.cn)
	grid := orgtree.Unit{ParentID: fx.cb.ID, Level: "grid", Name: "第1网格"}
	mk(&grid)
	building := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
	mk(&building)

	reg := register.NewStore(db)
	actor := register.Actor{Name: "测试装载", Source: "cli"}
	must(reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential"}))
	house := register.House{BuildingID: building.ID, Number: "1-301", Use: register.HouseOwner}
	must(reg.CreateHouse(ctx, actor, access.Everything, &house))
	hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID, Address: "城北路12号3号楼1-301"}
	must(reg.CreateHousehold(ctx, actor, access.Everything, &hh))
	head := register.Person{HouseholdID: hh.ID, Name: "李建国", IDNumber: ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131),
		Residence: register.ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13909110001"}
	must(reg.CreatePerson(ctx, actor, access.Everything, &head))

	k, rt := webtest.Kit(t, db, web.Config{Org: org, Log: webtest.NewLog(t, head.Name, head.IDNumber, head.Phone).Logger()})
	reportsweb.Routes(rt, k, reportsweb.Deps{Reports: reports.New(db, k.Audit), Org: org, Audit: k.Audit})
	fx.kit, fx.srv = k, webtest.Serve(t, rt)
	return fx
}

// addUser makes an account with one grant.
func (fx *fixture) addUser(name, display, role string, units ...int64) {
	fx.t.Helper()
	webtest.AddUser(fx.t, fx.kit, name, display, role, units...)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
