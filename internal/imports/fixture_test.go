package imports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// today is the clock of the tests: the ID numbers and dates below are
// before it.
var today = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// fixture is a street with two communities: 城北 with two households of
// five persons, 城南 with one person.
type fixture struct {
	db                 *database.DB
	svc                *Service
	reg                *register.Store
	org                *orgtree.Store
	street, cb, cn     orgtree.Unit
	grid1, grid2       orgtree.Unit
	h1, h2, h3         register.Household
	p1, p2, p3, p4, p5 register.Person
	p6                 register.Person
	dir                string
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: NewService(db), reg: register.NewStore(db), org: orgtree.NewStore(db), dir: t.TempDir()}
	f.svc.now = func() time.Time { return today }
	f.svc.SpoolDir = filepath.Join(f.dir, "spool")
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := f.org.Create(ctx, db, u); err != nil {
			t.Fatalf("unit %s: %v", u.Name, err)
		}
	}
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	f.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	f.cb = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.cn = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&f.cn)
	f.grid1 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&f.grid1)
	f.grid2 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第二网格"}
	mk(&f.grid2)
	cnGrid := orgtree.Unit{ParentID: f.cn.ID, Level: "grid", Name: "城南第一网格"}
	mk(&cnGrid)
	actor := register.Actor{Name: "测试", Source: "web"}
	all := access.Everything
	hh := func(h *register.Household, unit int64, number, address string) {
		t.Helper()
		*h = register.Household{OrgID: unit, Number: number, Kind: register.HouseholdRegistered, Address: address}
		if err := f.reg.CreateHousehold(ctx, actor, all, h); err != nil {
			t.Fatal(err)
		}
	}
	hh(&f.h1, f.grid1.ID, "CB0001", "城北路12号3号楼1-301")
	hh(&f.h2, f.grid2.ID, "CB0002", "城北路14号2-201")
	hh(&f.h3, cnGrid.ID, "CN0001", "城南路1号")
	person := func(p *register.Person, h register.Household, name, area string, birth time.Time, seq int, rel, phone string) {
		t.Helper()
		*p = register.Person{HouseholdID: h.ID, Name: name, IDNumber: ident.MakeResidentID(area, birth, seq),
			Residence: register.ResidenceRegistered, Relation: rel, Ethnicity: "01", Phone: phone,
			HukouAddress: "陕西省延安市安塞区" + h.Address, Address: h.Address}
		if err := f.reg.CreatePerson(ctx, actor, all, p); err != nil {
			t.Fatalf("person %s: %v", name, err)
		}
	}
	person(&f.p1, f.h1, "李建国", "610624", date(1968, 3, 9), 131, "02", "13909110001")
	person(&f.p2, f.h1, "王秀兰", "610602", date(1970, 8, 1), 242, "12", "13909110002")
	person(&f.p3, f.h1, "李明", "610603", date(2000, 5, 5), 51, "20", "")
	person(&f.p4, f.h2, "张伟", "610603", date(1985, 1, 1), 17, "02", "")
	person(&f.p5, f.h2, "张秀英", "610603", date(1987, 2, 2), 28, "12", "13909110005")
	person(&f.p6, f.h3, "赵强", "610603", date(1975, 6, 6), 33, "02", "13909110006")
	return f
}

// write saves bytes as a file in the fixture's directory.
func (f *fixture) write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func saveXLSX(t *testing.T, x *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importFile creates and runs an import of path into unit as v.
func (f *fixture) importFile(t *testing.T, v *access.Viewer, path, department string, unit int64, req Request) (*Import, Created) {
	t.Helper()
	ctx := context.Background()
	req.UnitID, req.Department, req.Path, req.FileName = unit, department, path, filepath.Base(path)
	im, how, err := f.svc.Create(ctx, v, req)
	if err != nil {
		t.Fatalf("create import of %s: %v", filepath.Base(path), err)
	}
	if how != CreatedDuplicate {
		if err := f.svc.Run(ctx, v, im.ID, path, nil); err != nil {
			t.Fatalf("run import of %s: %v", filepath.Base(path), err)
		}
	}
	im, err = f.svc.Import(ctx, access.Everything, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	return im, how
}

func counts(im *Import) string {
	return fmt.Sprintf("created %d merged %d queued %d rejected %d unchanged %d", im.Created, im.Merged, im.Queued,
		im.Rejected, im.Unchanged)
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) person(t *testing.T, id int64) register.Person {
	t.Helper()
	ps, err := f.reg.PersonsByID(context.Background(), []int64{id})
	if err != nil || len(ps) != 1 {
		t.Fatalf("person %d: %v %v", id, ps, err)
	}
	return ps[0]
}

// legacy is the 15-digit number of someone born in the 1900s.
func legacy(id string) string { return id[:6] + id[8:17] }

func fullWidth(s string) string {
	out := []rune{}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = r - '0' + '０'
		}
		out = append(out, r)
	}
	return string(out)
}
