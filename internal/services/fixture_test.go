package services

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

// messages returns the SMS queued for an application: "phone body".
func messages(t *testing.T, db *database.DB, id int64) []string {
	t.Helper()
	rows, err := db.Query(`SELECT recipient, body FROM notify_outbox WHERE ref = $1 ORDER BY created_at, id`, NotifyRef(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var to, body string
		if err := rows.Scan(&to, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, to+" "+body)
	}
	return out
}

// fixture: 安塞区 > 真武洞街道 > 城北社区 (two grids) and 城南社区; another
// street 招安镇 with 王庄社区. A household of two in 城北's first grid, a
// resident of 城南. Users: a window clerk serving 城北 and 城南 (一站多居),
// 城北's community worker, the street and district operators, an operator of
// the other street.
type fixture struct {
	svc                          *Service
	reg                          *register.Store
	acc                          *access.Service
	district, street, cb, cn     orgtree.Unit
	grid1, grid2, otherStreet    orgtree.Unit
	household                    register.Household
	head, spouse, southResident  register.Person
	clerk, staff, streetOp, dist *access.Viewer
	otherOp, gridWorker          *access.Viewer
	now                          time.Time
}

// friday is the fixture's clock: Friday 27 November 2026, 10:00 in China.
var friday = time.Date(2026, 11, 27, 10, 0, 0, 0, cst)

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{reg: register.NewStore(db), acc: access.NewService(db), now: friday}
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = New(db, f.reg, Options{Calendar: cal, PublicURL: "https://shequ.example", Now: func() time.Time { return f.now }})
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit, parent int64, level, name, code string) {
		t.Helper()
		u.ParentID, u.Level, u.Name, u.Code = parent, level, name, code
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	mk(&f.district, 0, "district", "安塞区", "610603")
	mk(&f.street, f.district.ID, "street", "真武洞街道", "610603100000")
	mk(&f.cb, f.street.ID, "community", "城北社区", "610603100001")
	mk(&f.cn, f.street.ID, "community", "城南社区", "610603100002")
	mk(&f.grid1, f.cb.ID, "grid", "第一网格", "")
	mk(&f.grid2, f.cb.ID, "grid", "第二网格", "")
	mk(&f.otherStreet, f.district.ID, "street", "招安镇", "610603101000")
	var wz, cnGrid orgtree.Unit
	mk(&wz, f.otherStreet.ID, "community", "王庄社区", "610603101001")
	mk(&cnGrid, f.cn.ID, "grid", "城南第一网格", "")
	if err := org.AddStaff(ctx, db, &orgtree.Staff{UnitID: f.grid1.ID, Role: orgtree.RoleGridWorker, Name: "张网格",
		Phone: "13700000001", StartedOn: "2020-01-01"}); err != nil {
		t.Fatal(err)
	}
	actor := register.Actor{UserID: 1, Name: "测试", Source: "test"}
	var building orgtree.Unit
	mk(&building, f.grid1.ID, "building", "3号楼", "")
	b := register.Building{ID: building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential"}
	if err := f.reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
		t.Fatal(err)
	}
	house := register.House{BuildingID: b.ID, Number: "1-301", Use: register.HouseOwner}
	if err := f.reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
		t.Fatal(err)
	}
	f.household = register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID,
		Address: "城北路12号3号楼1-301"}
	if err := f.reg.CreateHousehold(ctx, actor, access.Everything, &f.household); err != nil {
		t.Fatal(err)
	}
	birth := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	f.head = register.Person{HouseholdID: f.household.ID, Name: "李建国", IDNumber: ident.MakeResidentID("610624", birth(1968, 3, 9), 131),
		Residence: register.ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13909110001", MovedInOn: "2009-05-01"}
	if err := f.reg.CreatePerson(ctx, actor, access.Everything, &f.head); err != nil {
		t.Fatal(err)
	}
	f.spouse = register.Person{HouseholdID: f.household.ID, Name: "王秀兰", IDNumber: ident.MakeResidentID("610602", birth(1970, 8, 1), 242),
		Residence: register.ResidenceRegistered, Relation: "12", Ethnicity: "01", Phone: "13909110002"}
	if err := f.reg.CreatePerson(ctx, actor, access.Everything, &f.spouse); err != nil {
		t.Fatal(err)
	}
	f.household.HeadID = f.head.ID
	if err := f.reg.UpdateHousehold(ctx, actor, access.Everything, &f.household); err != nil {
		t.Fatal(err)
	}
	f.southResident = register.Person{OrgID: cnGrid.ID, Name: "赵南", IDNumber: ident.MakeResidentID("610602", birth(1990, 1, 2), 33),
		Residence: register.ResidenceFloating, Phone: "13909110003", Address: "城南路1号"}
	if err := f.reg.CreatePerson(ctx, actor, access.Everything, &f.southResident); err != nil {
		t.Fatal(err)
	}
	user := func(id int64, name, role string, units ...int64) *access.Viewer {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
			t.Fatal(err)
		}
		if err := f.acc.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: role, Units: units}); err != nil {
			t.Fatalf("grant %s: %v", role, err)
		}
		v, err := f.acc.Viewer(ctx, id, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f.clerk = user(11, "窗口小刘", "window_clerk", f.cb.ID, f.cn.ID)
	f.staff = user(12, "社区小陈", "community_staff", f.cb.ID)
	f.streetOp = user(13, "街道老马", "street_operator", f.street.ID)
	f.dist = user(14, "区平台", "district_operator", f.district.ID)
	f.otherOp = user(15, "招安镇平台", "street_operator", f.otherStreet.ID)
	f.gridWorker = user(16, "张网格", "grid_worker", f.grid2.ID)
	return f
}
