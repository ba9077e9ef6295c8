package certificates

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

// fixture is a street with two communities, 城北 (two grids) and 城南;
// volunteers and their ledger rows are inserted by SQL as the registry
// would write them. Users: 社区小陈 (community_staff of 城北), 李书记
// (community_head of 城北, who may export), 城南小王 (community_staff of
// 城南).
type fixture struct {
	db           *database.DB
	s            *Service
	clock        *time.Time
	street       orgtree.Unit
	cb, cn       orgtree.Unit
	grid1, grid2 orgtree.Unit
	team         int64
	staff, head  *access.Viewer
	south        *access.Viewer
	seq          int
}

// at is a day in Shanghai at 10:00.
func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 3, 2)
	f := &fixture{db: db, clock: &now}
	f.s = NewService(db, Options{PublicURL: "https://shequ.example", Now: func() time.Time { return *f.clock }})
	org := orgtree.NewStore(db)
	mk := func(u *orgtree.Unit, parent int64, level, name, code string) {
		t.Helper()
		u.ParentID, u.Level, u.Name, u.Code = parent, level, name, code
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	var district orgtree.Unit
	mk(&district, 0, "district", "安塞区", "610603")
	mk(&f.street, district.ID, "street", "真武洞街道", "610603100000")
	mk(&f.cb, f.street.ID, "community", "城北社区", "610603100001")
	mk(&f.cn, f.street.ID, "community", "城南社区", "610603100002")
	mk(&f.grid1, f.cb.ID, "grid", "第一网格", "")
	mk(&f.grid2, f.cb.ID, "grid", "第二网格", "")
	f.team = database.NewID()
	if _, err := db.ExecContext(ctx, `INSERT INTO volunteer_teams (community_id, id, name, kind, created_at)
		VALUES ($1, $2, '医疗服务队', 'medical', '2025-01-01 00:00:00.000000')`, f.cb.ID, f.team); err != nil {
		t.Fatal(err)
	}
	acc := access.NewService(db)
	user := func(id int64, name, role string, units ...int64) *access.Viewer {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
			t.Fatal(err)
		}
		if err := acc.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: role, Units: units}); err != nil {
			t.Fatalf("grant %s: %v", role, err)
		}
		v, err := acc.Viewer(ctx, id, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f.staff = user(11, "社区小陈", "community_staff", f.cb.ID)
	f.head = user(12, "李书记", "community_head", f.cb.ID)
	f.south = user(13, "城南小王", "community_staff", f.cn.ID)
	return f
}

// vol is a volunteer of the fixture.
type vol struct {
	id, community int64
	number, name  string
	idNumber      string
}

// volunteer registers a person of a grid (or community) as a volunteer.
func (f *fixture) volunteer(t *testing.T, unit orgtree.Unit, name string) vol {
	t.Helper()
	ctx := context.Background()
	f.seq++
	reg := register.NewStore(f.db)
	p := register.Person{OrgID: unit.ID, Name: name, Residence: register.ResidenceRegistered, Ethnicity: "01",
		IDNumber: ident.MakeResidentID("610603", time.Date(1960+f.seq, 4, 9, 0, 0, 0, 0, time.UTC), 20+f.seq*2),
		Address:  "城北路1号"}
	if err := reg.CreatePerson(ctx, register.Actor{Name: "测试", Source: "test"}, access.Everything, &p); err != nil {
		t.Fatal(err)
	}
	v := vol{id: database.NewID(), community: p.CommunityID, number: fmt.Sprintf("V6106031000%04d", f.seq), name: name,
		idNumber: p.IDNumber}
	if _, err := f.db.ExecContext(ctx, `INSERT INTO volunteers (community_id, id, person_id, number, joined_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, '2025-01-01', '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')`,
		v.community, v.id, p.ID, v.number); err != nil {
		t.Fatal(err)
	}
	return v
}

// hours writes a ledger row (kind service unless training) and returns its id.
func (f *fixture) hours(t *testing.T, v vol, day string, minutes int, content string, training ...bool) int64 {
	t.Helper()
	kind := "service"
	if len(training) > 0 && training[0] {
		kind = "training"
	}
	id := database.NewID()
	if _, err := f.db.ExecContext(context.Background(), `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind,
		served_on, started_at, ended_at, minutes, content, team_id, source, verified_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '张医生', '2026-01-01 00:00:00.000000')`,
		v.community, id, v.id, kind, day, day+" 01:00:00.000000", day+" 03:00:00.000000", minutes, content, f.team,
		fmt.Sprintf("manual:%d", id)); err != nil {
		t.Fatal(err)
	}
	return id
}

// reverse writes the reversal of a ledger row, as a correction does.
func (f *fixture) reverse(t *testing.T, v vol, row int64, minutes int) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.db.ExecContext(ctx, `UPDATE volunteer_hours SET reversed = 1 WHERE community_id = $1 AND id = $2`,
		v.community, row); err != nil {
		t.Fatal(err)
	}
	id := database.NewID()
	if _, err := f.db.ExecContext(ctx, `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind, served_on, minutes,
		source, reverses_id, reason, created_at) VALUES ($1, $2, $3, 'service', '2026-01-10', $4, $5, $6, '录入有误', '2026-03-03 00:00:00.000000')`,
		v.community, id, v.id, -minutes, fmt.Sprintf("reversal:%d", row), row); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) setDay(y int, m time.Month, d int) { *f.clock = at(y, m, d) }
