package events

import (
	"context"
	"errors"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fix is a district with two streets: 真武洞街道 has 城北 (grids 1 and 2,
// building 3号楼 in grid 1) and 城南; 金明街道 has 紫南. Users hold the
// built-in roles at their places; contacts receive notices.
type fix struct {
	t   *testing.T
	db  *database.DB
	s   *Store
	acs *access.Service
	now time.Time

	district, street, street2, cb, cn, zn, grid1, grid2, b1, cnGrid orgtree.Unit

	gw, staff, head, streetOp, districtOp, street2Op, urban, police, admin *access.Viewer
	super                                                                  *access.Viewer // admin and 城管, for the state-machine walk
}

var nextUser int64 = 1000

func newFix(t *testing.T, db *database.DB) *fix {
	t.Helper()
	ctx := context.Background()
	f := &fix{t: t, db: db, s: NewStore(db), acs: access.NewService(db), now: workdays.Date(2026, 3, 2).Add(9 * time.Hour)}
	f.s.SetClock(func() time.Time { return f.now })
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit, parent int64, level, name string) {
		t.Helper()
		u.ParentID, u.Level, u.Name = parent, level, name
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
	}
	mk(&f.district, 0, "district", "安塞区")
	mk(&f.street, f.district.ID, "street", "真武洞街道")
	mk(&f.street2, f.district.ID, "street", "金明街道")
	mk(&f.cb, f.street.ID, "community", "城北社区")
	mk(&f.cn, f.street.ID, "community", "城南社区")
	mk(&f.zn, f.street2.ID, "community", "紫南社区")
	mk(&f.grid1, f.cb.ID, "grid", "城北第一网格")
	mk(&f.grid2, f.cb.ID, "grid", "城北第二网格")
	mk(&f.b1, f.grid1.ID, "building", "3号楼")
	mk(&f.cnGrid, f.cn.ID, "grid", "城南第一网格")
	f.gw = f.user("网格员小王", "grid_worker", f.grid1.ID)
	f.staff = f.user("社区干事小李", "community_staff", f.cb.ID)
	f.head = f.user("书记老张", "community_head", f.cb.ID)
	f.streetOp = f.user("街道平台小赵", "street_operator", f.street.ID)
	f.street2Op = f.user("金明平台", "street_operator", f.street2.ID)
	f.districtOp = f.user("区指挥中心", "district_operator", f.district.ID)
	f.urban = f.user("城管队员", "dept_urban", f.district.ID)
	f.police = f.user("派出所民警", "dept_police", f.street.ID)
	f.admin = f.user("管理员", "admin")
	f.super = f.user("全能", "admin", "dept_urban", f.district.ID)
	for _, c := range []Contact{
		{UnitID: f.cb.ID, Name: "城北社区值班", Phone: "13800000001"},
		{UnitID: f.street.ID, Name: "真武洞街道平台", Phone: "13800000002"},
		{UnitID: f.district.ID, Name: "区指挥中心", Phone: "13800000003"},
		{UnitID: f.district.ID, Department: "urban", Name: "城管值班", Phone: "13800000004"},
	} {
		if err := f.s.AddContact(ctx, nil, &c); err != nil {
			t.Fatal(err)
		}
	}
	if err := org.AddStaff(ctx, db, &orgtree.Staff{UnitID: f.grid1.ID, Role: "grid_worker", Name: "网格员小王",
		Phone: "13800000005", StartedOn: "2025-01-01"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// user makes an account holding roles; each role is followed by the units
// its grant covers (none for roles placed anywhere).
func (f *fix) user(name string, rolesAndUnits ...any) *access.Viewer {
	f.t.Helper()
	ctx := context.Background()
	nextUser++
	id := nextUser
	if _, err := f.db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
		f.t.Fatal(err)
	}
	var g *access.Grant
	flush := func() {
		if g != nil {
			if err := f.acs.AddGrant(ctx, nil, g); err != nil {
				f.t.Fatalf("grant %s to %s: %v", g.Role, name, err)
			}
		}
	}
	for _, x := range rolesAndUnits {
		switch x := x.(type) {
		case string:
			flush()
			g = &access.Grant{UserID: id, Role: x}
		case int64:
			g.Units = append(g.Units, x)
		}
	}
	flush()
	v, err := f.acs.Viewer(ctx, id, name)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// report files an event in building 3号楼 as the grid worker.
func (f *fix) report(category string) *Event {
	f.t.Helper()
	e, err := f.s.Report(context.Background(), f.gw, Report{OrgID: f.b1.ID, Category: category,
		Description: "楼下垃圾堆放三天无人清理", Address: "城北路3号楼东侧", Source: SourceGrid,
		ReporterPhone: "13912345678", ReporterName: "韩梅梅"})
	if err != nil {
		f.t.Fatalf("report: %v", err)
	}
	return e
}

// act takes an action and fails the test on error.
func (f *fix) act(v *access.Viewer, e *Event, a Action) *Event {
	f.t.Helper()
	out, err := f.s.Act(context.Background(), v, e.ID, a)
	if err != nil {
		f.t.Fatalf("%s by %s from %s: %v", a.Name, v.Name, e.Status, err)
	}
	return out
}

// refused checks that an action fails with an error of the kind want
// (ErrForbidden, ErrNotFound, *IllegalError, fault.Fields).
func (f *fix) refused(v *access.Viewer, e *Event, a Action, want any) {
	f.t.Helper()
	_, err := f.s.Act(context.Background(), v, e.ID, a)
	ok := false
	switch w := want.(type) {
	case *IllegalError:
		var ie *IllegalError
		ok = errors.As(err, &ie)
	case fault.Fields:
		var fe fault.Fields
		ok = errors.As(err, &fe)
		for k := range w {
			if _, has := fe[k]; !has {
				ok = false
			}
		}
	case error:
		ok = errors.Is(err, w)
	}
	if !ok {
		f.t.Errorf("%s by %s from %s: got %v, want %T %v", a.Name, v.Name, e.Status, err, want, want)
	}
}

// outbox lists the recipients of the messages about an event.
func (f *fix) outbox(e *Event) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(context.Background(), `SELECT recipient FROM notify_outbox WHERE ref = $1 ORDER BY created_at, id`, e.Ref())
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		rows.Scan(&r)
		out = append(out, r)
	}
	return out
}
