package access

import (
	"context"
	"net/http/httptest"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// tree is a district with one street of two communities; 城北 has two grids
// and a building in its first grid.
type tree struct {
	district, street, cb, cn, grid1, grid2, building, cnGrid orgtree.Unit
	street2, zn, znGrid                                      orgtree.Unit
}

func newTree(t *testing.T, db *database.DB) tree {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(db)
	var tr tree
	mk := func(u *orgtree.Unit, parent int64, level, name string) {
		t.Helper()
		u.ParentID, u.Level, u.Name = parent, level, name
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	mk(&tr.district, 0, "district", "安塞区")
	mk(&tr.street, tr.district.ID, "street", "真武洞街道")
	mk(&tr.cb, tr.street.ID, "community", "城北社区")
	mk(&tr.cn, tr.street.ID, "community", "城南社区")
	mk(&tr.grid1, tr.cb.ID, "grid", "第一网格")
	mk(&tr.grid2, tr.cb.ID, "grid", "第二网格")
	mk(&tr.building, tr.grid1.ID, "building", "3号楼")
	mk(&tr.cnGrid, tr.cn.ID, "grid", "城南第一网格")
	mk(&tr.street2, tr.district.ID, "street", "金明街道")
	mk(&tr.zn, tr.street2.ID, "community", "紫南社区")
	mk(&tr.znGrid, tr.zn.ID, "grid", "紫南第一网格")
	return tr
}

func addUser(t *testing.T, db *database.DB, id int64, name string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
		t.Fatal(err)
	}
}

func TestScopes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		s := NewService(db)
		addUser(t, db, 1, "网格员甲")
		addUser(t, db, 2, "民政与网格")
		addUser(t, db, 3, "物业")
		addUser(t, db, 4, "管理员")
		grant := func(user int64, role string, units ...int64) error {
			return s.AddGrant(ctx, nil, &Grant{UserID: user, Role: role, Units: units})
		}
		if err := grant(1, "grid_worker", tr.grid1.ID); err != nil {
			t.Fatal(err)
		}
		if err := grant(1, "grid_worker", tr.cb.ID); err == nil {
			t.Error("a grid worker granted a community")
		}
		if err := grant(1, "grid_worker"); err == nil {
			t.Error("a grid worker granted the whole tree")
		}
		if err := grant(1, "no_such_role", tr.grid1.ID); err == nil {
			t.Error("unknown role granted")
		}
		if err := grant(2, "dept_civil", tr.street.ID); err != nil {
			t.Fatal(err)
		}
		if err := grant(2, "grid_worker", tr.cnGrid.ID); err != nil {
			t.Fatal(err)
		}
		if err := grant(3, "property", tr.building.ID); err != nil {
			t.Fatal(err)
		}
		if err := grant(4, "admin"); err != nil {
			t.Fatal(err)
		}

		inGrid1 := Place{Community: tr.cb.ID, Grid: tr.grid1.ID, Org: tr.building.ID}
		inGrid2 := Place{Community: tr.cb.ID, Grid: tr.grid2.ID, Org: tr.grid2.ID}
		inCN := Place{Community: tr.cn.ID, Grid: tr.cnGrid.ID, Org: tr.cnGrid.ID}

		gw, err := s.Viewer(ctx, 1, "网格员甲")
		if err != nil {
			t.Fatal(err)
		}
		sc := gw.Scope(RegisterRead)
		if !sc.Contains(inGrid1) || sc.Contains(inGrid2) || sc.Contains(inCN) {
			t.Error("grid worker scope wrong")
		}
		if gw.Can(AuditRead) || gw.Can(RegisterExport) || !gw.Can(RegisterWrite) {
			t.Error("grid worker permissions wrong")
		}
		f := sc.Fields(inGrid1)
		if f.View("person", "id_number") != Masked || f.View("person", "name") != Full || !f.CanEdit("person", "phone") {
			t.Errorf("grid worker fields: id %v name %v", f.View("person", "id_number"), f.View("person", "name"))
		}
		if f.CanSeeTag("correction") || !f.CanSeeTag("dibao") {
			t.Error("grid worker tags wrong: sensitive visible or service hidden")
		}
		if got := f.ID("person", "id_number", "610603196803091315"); got != "6106**********1315" {
			t.Errorf("masked id = %s", got)
		}
		if got := f.Phone("person", "phone", "13812345678"); got != "138****5678" {
			t.Errorf("masked phone = %s", got)
		}
		if sc.Revealing().Fields(inGrid1).View("person", "id_number") != Masked {
			t.Error("a grid worker without register.reveal revealed an ID")
		}
		if sc.Fields(inCN).CanSee("person", "name") {
			t.Error("fields visible outside the scope")
		}

		// Two grants: 民政 across the street, grid worker in 城南. In 城南's
		// grid the fields are the union; in 城北 only 民政's.
		two, err := s.Viewer(ctx, 2, "民政与网格")
		if err != nil {
			t.Fatal(err)
		}
		sc2 := two.Scope(RegisterRead)
		if !sc2.Contains(inGrid1) || !sc2.Contains(inCN) {
			t.Error("street grant does not cover its communities")
		}
		fcb, fcn := sc2.Fields(inGrid1), sc2.Fields(inCN)
		if fcb.View("person", "id_number") != Full || fcb.View("person", "occupation") != Hidden || !fcb.CanSeeTag("dibao") || fcb.CanSeeTag("unemployed") {
			t.Error("民政 field set wrong")
		}
		if fcn.View("person", "occupation") != Full || !fcn.CanSeeTag("unemployed") || fcn.View("person", "id_number") != Full {
			t.Error("union of field sets wrong")
		}
		if fcb.CanEdit("person", "name") || !fcn.CanEdit("person", "name") {
			t.Error("edit rights leak from one grant's place to the other")
		}
		if got := two.Scope(RegisterWrite); got.Contains(inGrid1) || !got.Contains(inCN) {
			t.Error("write scope should be the grid worker grant only")
		}
		// A department acts only where its grant lies: 民政 in the street,
		// not through the grid worker grant in 城南.
		ds := two.DepartmentScopes(RegisterRead)
		if len(ds) != 1 || !ds["civil"].Contains(inGrid1) {
			t.Errorf("department scopes = %v", ds)
		}
		if err := grant(2, "dept_police", tr.cb.ID); err == nil {
			t.Error("a department granted a community: departments act across a subtree")
		}
		addUser(t, db, 5, "公安在金明")
		if err := grant(5, "dept_civil", tr.street.ID); err != nil {
			t.Fatal(err)
		}
		if err := grant(5, "dept_police", tr.street2.ID); err != nil {
			t.Fatal(err)
		}
		five, err := s.Viewer(ctx, 5, "公安在金明")
		if err != nil {
			t.Fatal(err)
		}
		inZN := Place{Community: tr.zn.ID, Grid: tr.znGrid.ID, Org: tr.znGrid.ID}
		ds = five.DepartmentScopes(RegisterRead)
		if !ds["civil"].Contains(inGrid1) || ds["civil"].Contains(inZN) || !ds["police"].Contains(inZN) || ds["police"].Contains(inGrid1) {
			t.Error("a department's scope covers another grant's places")
		}

		prop, err := s.Viewer(ctx, 3, "物业")
		if err != nil {
			t.Fatal(err)
		}
		pf := prop.Scope(RegisterRead).Fields(inGrid1)
		if pf.CanSeeTag("dibao") || !pf.CanEdit("person", "name") || pf.CanSee("person", "occupation") {
			t.Error("property field set wrong")
		}
		if prop.Scope(RegisterRead).Contains(Place{Community: tr.cb.ID, Grid: tr.grid1.ID, Org: tr.grid1.ID}) {
			t.Error("property sees a row of its grid outside its building")
		}

		admin, err := s.Viewer(ctx, 4, "管理员")
		if err != nil {
			t.Fatal(err)
		}
		if !admin.Scope(RegisterRead).Whole() || !admin.Can(AuditRead) {
			t.Error("admin scope")
		}
		if Nobody.Can(RegisterRead) || !Nobody.Scope(RegisterRead).Empty() {
			t.Error("nobody sees something")
		}

		// The SQL filter selects the same rows as Contains.
		if _, err := db.ExecContext(ctx, `CREATE TABLE things (id BIGINT, community_id BIGINT, grid_id BIGINT, org_id BIGINT)`); err != nil {
			t.Fatal(err)
		}
		for i, p := range []Place{inGrid1, inGrid2, inCN} {
			if _, err := db.ExecContext(ctx, `INSERT INTO things VALUES ($1, $2, $3, $4)`, i, p.Community, p.Grid, p.Org); err != nil {
				t.Fatal(err)
			}
		}
		count := func(sc Scope) int {
			t.Helper()
			where, args := sc.And("t", 1)
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM things t WHERE 1 = 1`+where, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for name, c := range map[string]struct {
			sc   Scope
			want int
		}{
			"grid worker":      {gw.Scope(RegisterRead), 1},
			"two grants":       {sc2, 3},
			"two grants write": {two.Scope(RegisterWrite), 1},
			"property":         {prop.Scope(RegisterRead), 1},
			"admin":            {admin.Scope(RegisterRead), 3},
			"nobody":           {Nobody.Scope(RegisterRead), 0},
		} {
			if got := count(c.sc); got != c.want {
				t.Errorf("%s: filter selects %d rows, want %d", name, got, c.want)
			}
		}

		// Narrowing to a unit.
		n, err := s.Narrow(ctx, sc2, tr.cb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !n.Contains(inGrid2) || n.Contains(inCN) || count(n) != 2 {
			t.Error("narrow to 城北")
		}
		n, err = s.Narrow(ctx, gw.Scope(RegisterRead), tr.cn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !n.Empty() || count(n) != 0 {
			t.Error("narrowing to a unit outside the scope should leave nothing")
		}
		n, err = s.Narrow(ctx, gw.Scope(RegisterRead), tr.street.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !n.Contains(inGrid1) || n.Contains(inGrid2) {
			t.Error("narrowing to a unit above the scope should keep the scope")
		}

		// Revoking takes effect at once.
		gs, err := s.Grants(ctx, 1)
		if err != nil || len(gs) != 1 {
			t.Fatalf("grants: %v %v", gs, err)
		}
		if err := s.RevokeGrant(ctx, gs[0].ID); err != nil {
			t.Fatal(err)
		}
		gw, err = s.Viewer(ctx, 1, "网格员甲")
		if err != nil {
			t.Fatal(err)
		}
		if gw.Can(RegisterRead) {
			t.Error("revoked grant still in force")
		}
	})
}

func TestAuthorize(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		s := NewService(db)
		addUser(t, db, 1, "网格员甲")
		if err := s.AddGrant(ctx, nil, &Grant{UserID: 1, Role: "grid_worker", Units: []int64{tr.grid1.ID}}); err != nil {
			t.Fatal(err)
		}
		places := map[int64]Place{
			10: {Community: tr.cb.ID, Grid: tr.grid1.ID, Org: tr.grid1.ID},
			20: {Community: tr.cn.ID, Grid: tr.cnGrid.ID, Org: tr.cnGrid.ID},
		}
		s.Resolve("thing", func(ctx context.Context, id int64) (Place, error) {
			p, ok := places[id]
			if !ok {
				return Place{}, ErrNoObject
			}
			return p, nil
		})
		v, err := s.Viewer(ctx, 1, "网格员甲")
		if err != nil {
			t.Fatal(err)
		}
		rule := Rule{Perm: RegisterRead, Object: "thing"}
		var got error
		for _, c := range []struct {
			viewer *Viewer
			rule   Rule
			path   string
			want   error
		}{
			{v, rule, "/things/10", nil},
			{v, rule, "/things/20", ErrNotFound},
			{v, rule, "/things/30", ErrNotFound},
			{v, rule, "/things/abc", ErrBadID},
			{v, Rule{Perm: AuditRead}, "/things/10", ErrForbidden},
			{v, Rule{}, "/things/10", ErrForbidden},
			{v, Rule{Login: true}, "/things/10", nil},
			{Nobody, rule, "/things/10", ErrLogin},
			{Nobody, Rule{Public: true}, "/things/10", nil},
		} {
			r := httptest.NewRequest("GET", c.path, nil)
			r.SetPathValue("id", c.path[len("/things/"):])
			_, _, got = s.Authorize(r.Context(), c.viewer, c.rule, r.PathValue)
			if got != c.want {
				t.Errorf("%s %+v: %v, want %v", c.path, c.rule, got, c.want)
			}
		}
	})
}
