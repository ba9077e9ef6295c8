package exports

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/sheets"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	db          *database.DB
	svc         *Service
	reg         *register.Store
	street      orgtree.Unit
	cb, other   orgtree.Unit
	otherStreet orgtree.Unit
	a, b, c     register.Person
	civil       *access.Viewer
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: NewService(db), reg: register.NewStore(db)}
	f.svc.now = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit) {
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatal(err)
		}
	}
	district := orgtree.Unit{Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	f.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	f.cb = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.otherStreet = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "金明街道", Code: "610603001000"}
	mk(&f.otherStreet)
	f.other = orgtree.Unit{ParentID: f.otherStreet.ID, Level: "community", Name: "金明社区", Code: "610603001001"}
	mk(&f.other)
	actor := register.Actor{Name: "测试", Source: "web"}
	hh := register.Household{OrgID: f.cb.ID, Number: "CB0001", Kind: register.HouseholdRegistered, Address: "城北路1号"}
	if err := f.reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
		t.Fatal(err)
	}
	hh2 := register.Household{OrgID: f.other.ID, Number: "JM0001", Kind: register.HouseholdRegistered, Address: "金明路1号"}
	if err := f.reg.CreateHousehold(ctx, actor, access.Everything, &hh2); err != nil {
		t.Fatal(err)
	}
	person := func(p *register.Person, h register.Household, name string, seq int) {
		*p = register.Person{HouseholdID: h.ID, Name: name, IDNumber: ident.MakeResidentID("610603", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), seq),
			Residence: register.ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13812345678", Address: h.Address,
			Occupation: "退休"}
		if err := f.reg.CreatePerson(ctx, actor, access.Everything, p); err != nil {
			t.Fatal(err)
		}
	}
	person(&f.a, hh, "李建国", 11)
	person(&f.b, hh, "王秀兰", 12)
	person(&f.c, hh2, "赵强", 13)
	for _, p := range []register.Person{f.a, f.c} {
		tag := register.Tag{PersonID: p.ID, Tag: "dibao", StartedOn: "2023-05-01", Note: "月保障金额:600"}
		if err := f.reg.AddTag(ctx, actor, access.Everything, &tag); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES (9, '民政科', 'x', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	acs := access.NewService(db)
	if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 9, Role: "dept_civil", Units: []int64{f.street.ID}}); err != nil {
		t.Fatal(err)
	}
	v, err := acs.Viewer(ctx, 9, "民政科")
	if err != nil {
		t.Fatal(err)
	}
	f.civil = v
	return f
}

func readBack(t *testing.T, b []byte) [][]string {
	t.Helper()
	book, err := sheets.Open(bytes.NewReader(b), int64(len(b)), "x", sheets.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := book.Rows(0)
	var out [][]string
	for rs.Next() {
		var l []string
		for _, c := range rs.Row().Cells {
			l = append(l, c.Value)
		}
		out = append(out, l)
	}
	return out
}

func TestDepartmentExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ts, err := f.svc.Templates(ctx, Departments(f.civil))
		if err != nil || len(ts) != 1 || ts[0].Name != "低保对象花名册" || ts[0].Tag != "dibao" {
			t.Fatalf("民政's templates: %+v %v", ts, err)
		}
		tmpl := ts[0]
		// 民政 adds 职业, a field its role does not see.
		tmpl.Columns = append(tmpl.Columns, Column{Field: "occupation", Header: "职业"}, Column{Field: "community"})
		if err := f.svc.SaveTemplate(ctx, "民政科", tmpl); err != nil {
			t.Fatal(err)
		}
		stale := *tmpl
		stale.Version--
		if err := f.svc.SaveTemplate(ctx, "民政科", &stale); err == nil {
			t.Error("a stale template was saved")
		}
		bad := &Template{Department: "civil", Name: "坏", Columns: []Column{{Field: "tag_note"}}}
		if err := f.svc.SaveTemplate(ctx, "民政科", bad); err == nil {
			t.Error("a tag column without a tag was saved")
		}
		for _, format := range []string{"xlsx", "csv"} {
			var buf bytes.Buffer
			n, err := f.svc.Export(ctx, civilScope(f), tmpl, format, &buf)
			if err != nil {
				t.Fatal(err)
			}
			rows := readBack(t, buf.Bytes())
			if n != 1 || len(rows) != 2 {
				t.Fatalf("%s: %d rows %q (only 李建国 holds 低保 in 民政's street)", format, n, rows)
			}
			want := []string{"姓名", "身份证号码", "与户主关系", "批准日期", "家庭住址", "联系电话", "职业", "所属社区"}
			if strings.Join(rows[0], "|") != strings.Join(want, "|") {
				t.Errorf("%s header %q", format, rows[0])
			}
			want = []string{"李建国", f.a.IDNumber, "户主", "2023-05-01", "城北路1号", "138****5678", "", "城北社区"}
			if strings.Join(rows[1], "|") != strings.Join(want, "|") {
				t.Errorf("%s row %q, want %q", format, rows[1], want)
			}
		}
		// The download is audited with its row count before it goes out.
		log := audit.New(db, nil)
		defer log.Close()
		file, n, err := f.svc.Download(ctx, log, audit.Entry{UserID: 9, UserName: "民政科"}, civilScope(f), tmpl, "xlsx")
		if err != nil || n != 1 {
			t.Fatal(n, err)
		}
		file.Close()
		var rows int
		if err := db.QueryRowContext(ctx, `SELECT rows FROM audit_log WHERE action = 'export' AND user_id = 9`).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("audit: %d %v", rows, err)
		}
		// Also 公安 in the other street: 民政's list still comes from 民政's
		// street only, and 公安's templates from 公安's.
		acs := access.NewService(db)
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 9, Role: "dept_police", Units: []int64{f.otherStreet.ID}}); err != nil {
			t.Fatal(err)
		}
		both, err := acs.Viewer(ctx, 9, "民政科")
		if err != nil {
			t.Fatal(err)
		}
		if ds := Departments(both); strings.Join(ds, ",") != "civil,police" {
			t.Errorf("departments: %v", ds)
		}
		sc, _ := ScopeFor(both, "civil")
		var both1 bytes.Buffer
		if n, err := f.svc.Export(ctx, sc, tmpl, "csv", &both1); err != nil || n != 1 {
			t.Errorf("民政's list of a user who is also 公安 elsewhere: %d rows, %v", n, err)
		}
		// Everyone, for a template without a tag, still only in scope.
		all := &Template{Department: "civil", Name: "全部居民", Columns: []Column{{Field: "name"}, {Field: "occupation"}}}
		if err := f.svc.SaveTemplate(ctx, "民政科", all); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if n, err := f.svc.Export(ctx, civilScope(f), all, "csv", &buf); err != nil || n != 2 {
			t.Errorf("everyone in 民政's street: %d %v", n, err)
		}
	})
}

func TestFeedCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sub := Subscriber{UserID: 9}
		sc := f.civil.Scope(access.RegisterRead)
		first, cursor, err := f.svc.Pull(ctx, sub, sc, nil, 3)
		if err != nil || len(first) != 3 || cursor == 0 {
			t.Fatalf("first pull: %d %d %v", len(first), cursor, err)
		}
		// Not confirmed: the same changes again.
		again, cursor2, err := f.svc.Pull(ctx, sub, sc, nil, 3)
		if err != nil || len(again) != 3 || again[0].ID != first[0].ID || cursor2 != cursor {
			t.Errorf("unconfirmed pull: %v %d", err, cursor2)
		}
		// Confirmed: what comes after.
		next, _, err := f.svc.Pull(ctx, sub, sc, &cursor, 1000)
		if err != nil || len(next) == 0 || next[0].ID <= cursor {
			t.Errorf("confirmed pull: %d %v", len(next), err)
		}
		for _, c := range append(first, next...) {
			if c.CommunityID == f.other.ID {
				t.Errorf("a change outside 民政's street: %+v", c)
			}
		}
		beyond := cursor * 1000
		if _, _, err := f.svc.Pull(ctx, sub, sc, &beyond, 10); err == nil {
			t.Error("a cursor never handed out was accepted")
		}
		// Another department's system has its own cursor.
		other, _, err := f.svc.Pull(ctx, Subscriber{UserID: 9, GrantID: 1}, sc, nil, 3)
		if err != nil || len(other) != 3 || other[0].ID != first[0].ID {
			t.Errorf("second subscriber: %v", err)
		}
	})
}

func civilScope(f *fixture) access.Scope {
	sc, _ := ScopeFor(f.civil, "civil")
	return sc
}
