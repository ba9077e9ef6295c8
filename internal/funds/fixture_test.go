package funds

import (
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 (one household of three residents) and 城南社区
// under a street, the service on a clock the test moves.
type fixture struct {
	db    *database.DB
	s     *Service
	clock *time.Time
	cb    orgtree.Unit
	other orgtree.Unit
	staff Staff
}

func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 11, 20)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	f.s = NewService(db, clock)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	actor := register.Actor{Name: "t", Source: "cli"}
	for i, name := range []string{"城北社区", "城南社区"} {
		cu := orgtree.Unit{ParentID: street.ID, Level: "community", Name: name, Code: "61060310000" + string(rune('1'+i))}
		mk(&cu)
		grid := orgtree.Unit{ParentID: cu.ID, Level: "grid", Name: "第一网格"}
		mk(&grid)
		bu := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
		mk(&bu)
		if i == 0 {
			b := register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}
			if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
				t.Fatal(err)
			}
			house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
			if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
				t.Fatal(err)
			}
			hh := register.Household{Number: "H0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
			if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
				t.Fatal(err)
			}
			for j, n := range []string{"李建国", "王秀英", "张伟"} {
				p := register.Person{HouseholdID: hh.ID, Name: n, Residence: register.ResidenceRegistered,
					IDNumber: ident.MakeResidentID("610603", time.Date(1950+j, 3, 9, 0, 0, 0, 0, time.UTC), 131+j)}
				if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
					t.Fatal(err)
				}
			}
			f.cb = cu
		} else {
			f.other = cu
		}
	}
	f.staff = Staff{Name: "张书记", May: func(c int64) bool { return c == f.cb.ID }}
	return f
}

// fund opens a fund of 城北 for 2026.
func (f *fixture) fund(t *testing.T, kind, name, rule, negative string) Fund {
	t.Helper()
	fd, err := f.s.Create(context.Background(), f.staff, f.cb.ID, Draft{Kind: kind, Name: name, Year: 2026, Source: "街道办事处",
		RuleCode: rule, NegativeList: negative})
	if err != nil {
		t.Fatalf("create fund %s: %v", name, err)
	}
	return fd
}

func refusedAt(t *testing.T, what string, err error, field string) {
	t.Helper()
	if fault.FieldsOf(err)[field] == "" {
		t.Fatalf("%s: %v, want a refusal at %s", what, err, field)
	}
}

// checkLedger sums every fund's entries and compares them with its sums
// row and its month sums: the ledger balances.
func checkLedger(t *testing.T, db *database.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT s.fund_id, s.allocated_fen, s.received_fen, s.spent_fen, s.entries,
		(SELECT COALESCE(SUM(amount_fen), 0) FROM fund_entries e WHERE e.fund_id = s.fund_id AND e.line = 'allocated'),
		(SELECT COALESCE(SUM(amount_fen), 0) FROM fund_entries e WHERE e.fund_id = s.fund_id AND e.line = 'received'),
		(SELECT COALESCE(-SUM(amount_fen), 0) FROM fund_entries e WHERE e.fund_id = s.fund_id AND e.line = 'spent'),
		(SELECT COUNT(*) FROM fund_entries e WHERE e.fund_id = s.fund_id),
		(SELECT COALESCE(SUM(amount_fen), 0) FROM fund_entries e WHERE e.fund_id = s.fund_id),
		(SELECT COALESCE(SUM(CASE WHEN line LIKE 'spent%' THEN -amount_fen ELSE amount_fen END), 0) FROM fund_month_sums m WHERE m.fund_id = s.fund_id)
		FROM fund_sums s`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, al, re, sp, ne, eal, ere, esp, nen, sum, msum int64
		if err := rows.Scan(&id, &al, &re, &sp, &ne, &eal, &ere, &esp, &nen, &sum, &msum); err != nil {
			t.Fatal(err)
		}
		if al != eal || re != ere || sp != esp || ne != nen || sum != al+re-sp || msum != sum {
			t.Errorf("fund %d: sums %d/%d/%d (%d entries), entries %d/%d/%d (%d) sum %d, month sums %d",
				id, al, re, sp, ne, eal, ere, esp, nen, sum, msum)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no fund to check")
	}
}
