package indicators

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// The tree's changes are made through its management, as administrators
// make them, on the day the test runs: month M is the month each change
// was recorded in, read back from its record, and the reports of the
// months around it must roll up the tree as it stood in each.

var treeDefs = []Indicator{
	ind("hh", "户", "", "count", "end"),
	ind("houses", "房屋", "", "count", "end"),
	ind("grids", "组织单元", "层级 = 网格", "count", "end"),
	ind("buildings", "组织单元", "层级 = 楼栋", "count", "end"),
}

// months returns the month a unit's last change of op was recorded in,
// the month before it and the month after it.
func months(t *testing.T, db *database.DB, unit int64, op string) (before, m, after Period) {
	t.Helper()
	var at string
	if err := db.QueryRowContext(context.Background(), `SELECT at FROM org_changes WHERE unit_id = $1 AND op = $2
		ORDER BY at DESC LIMIT 1`, unit, op).Scan(&at); err != nil {
		t.Fatalf("the %s of %d was not recorded: %v", op, unit, err)
	}
	m = Current(Monthly, database.ParseTime(at))
	return m.Previous(), m, Current(Monthly, m.StartTime().AddDate(0, 1, 0))
}

func manager(db *database.DB) *orgtree.Manager {
	return orgtree.NewManager(orgtree.NewStore(db), register.NewStore(db))
}

var admin = orgtree.Actor{UserID: 1, Name: "管理员", Source: "web"}

func version(t *testing.T, db *database.DB, id int64) int {
	t.Helper()
	u, err := orgtree.NewStore(db).Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Version
}

// parentIn returns the id of a unit's parent in a result, 0 for the root;
// -1 when the unit is not in it.
func parentIn(res *Result, id int64) int64 {
	i := res.Unit(id)
	if i < 0 {
		return -1
	}
	if p := res.Units[i].Parent; p >= 0 {
		return res.Units[p].ID
	}
	return 0
}

type want struct {
	unit   int64
	code   string
	value  float64
	parent int64 // the unit's parent in the result; 0: not checked
}

func expect(t *testing.T, res *Result, when string, wants ...want) {
	t.Helper()
	for _, w := range wants {
		if w.parent != 0 {
			if got := parentIn(res, w.unit); got != w.parent {
				t.Errorf("%s: unit %d under %d, want under %d", when, w.unit, got, w.parent)
			}
		}
		if w.code == "" {
			continue
		}
		if got := value(t, res, treeDefs, w.code, w.unit); got != w.value {
			t.Errorf("%s: %s in %d = %v, want %v", when, w.code, w.unit, got, w.value)
		}
	}
}

func absent(t *testing.T, res *Result, when string, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if res.Unit(id) >= 0 {
			t.Errorf("%s: unit %d has a row, want none", when, id)
		}
	}
}

// TestTreeAsOfCommunityMoved moves community B, with its household, from
// its street to a street created the same month: the month before counts
// B's household under the old street and shows no new street; the month
// after counts it under the new one, from the district, from either
// street and from B itself.
func TestTreeAsOfCommunityMoved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		m := manager(db)
		district := w.street.ParentID
		s2 := orgtree.Unit{ParentID: district, Level: orgtree.LevelStreet, Name: "招安街道", Code: "610603101000"}
		if err := m.Add(ctx, admin, &s2); err != nil {
			t.Fatal(err)
		}
		if err := m.Move(ctx, admin, w.b.ID, version(t, db, w.b.ID), s2.ID); err != nil {
			t.Fatal(err)
		}
		before, _, after := months(t, db, w.b.ID, "move")
		if b, _, _ := months(t, db, s2.ID, "create"); b != before {
			t.Skip("the street was created in another month than the move (the test ran across midnight)")
		}

		res := w.compute(t, district, before, treeDefs)
		expect(t, res, "before, district",
			want{w.street.ID, "hh", 4, district}, want{w.b.ID, "hh", 1, w.street.ID}, want{w.g3.ID, "hh", 1, w.b.ID},
			want{district, "hh", 4, 0}, want{w.street.ID, "grids", 3, 0})
		absent(t, res, "before, district", s2.ID)
		res = w.compute(t, w.street.ID, before, treeDefs)
		expect(t, res, "before, old street", want{w.street.ID, "hh", 4, 0}, want{w.b.ID, "hh", 1, w.street.ID})
		res = w.compute(t, s2.ID, before, treeDefs)
		expect(t, res, "before, new street", want{s2.ID, "hh", 0, 0})
		absent(t, res, "before, new street", w.b.ID, w.g3.ID)
		if len(res.Units) != 1 {
			t.Errorf("before, new street: %d units, want the street alone", len(res.Units))
		}

		res = w.compute(t, district, after, treeDefs)
		expect(t, res, "after, district",
			want{w.street.ID, "hh", 3, district}, want{s2.ID, "hh", 1, district}, want{w.b.ID, "hh", 1, s2.ID},
			want{district, "hh", 4, 0}, want{w.street.ID, "grids", 2, 0}, want{s2.ID, "grids", 1, 0})
		res = w.compute(t, w.street.ID, after, treeDefs)
		expect(t, res, "after, old street", want{w.street.ID, "hh", 3, 0})
		absent(t, res, "after, old street", w.b.ID, w.g3.ID)
		res = w.compute(t, s2.ID, after, treeDefs)
		expect(t, res, "after, new street", want{s2.ID, "hh", 1, 0}, want{w.g3.ID, "hh", 1, w.b.ID})
		for _, p := range []Period{before, after} {
			res = w.compute(t, w.b.ID, p, treeDefs)
			expect(t, res, "community B "+p.String(), want{w.b.ID, "hh", 1, 0}, want{w.g3.ID, "hh", 1, w.b.ID})
		}
	})
}

// TestTreeAsOfGridMoved moves a grid to another community. The register
// keeps each record in its community, so the tree moves a grid across
// communities only while nothing is registered in it; a household
// registered in it afterwards counts in the new community. The month
// before, the grid is a row of the old community (counted among its
// grids, whether the report starts at the street, at the old community or
// at the grid); the month after, of the new one.
func TestTreeAsOfGridMoved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		g4 := orgtree.Unit{ParentID: w.b.ID, Level: orgtree.LevelGrid, Name: "第四网格"}
		if err := orgtree.NewStore(db).Create(ctx, db, &g4); err != nil {
			t.Fatal(err)
		}
		if err := manager(db).Move(ctx, admin, g4.ID, version(t, db, g4.ID), w.a.ID); err != nil {
			t.Fatal(err)
		}
		before, _, after := months(t, db, g4.ID, "move")
		// A house and a household registered in the grid after the move.
		var b1 int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE name = '1号楼'`).Scan(&b1); err != nil {
			t.Fatal(err)
		}
		l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		at := after.StartTime().Add(12 * time.Hour)
		u := &register.House{CommunityID: w.a.ID, BuildingID: b1, OrgID: g4.ID, GridID: g4.ID, Number: "901", Use: "owner",
			AreaM2: 60, Address: "新区901"}
		if err := l.House(ctx, at, u); err != nil {
			l.Rollback()
			t.Fatal(err)
		}
		if err := l.Household(ctx, at, &register.Household{CommunityID: w.a.ID, Number: "h5", Kind: "registered",
			HouseID: u.ID, OrgID: g4.ID, GridID: g4.ID}, "h5"); err != nil {
			l.Rollback()
			t.Fatal(err)
		}
		if err := l.Commit(ctx); err != nil {
			t.Fatal(err)
		}

		res := w.compute(t, w.street.ID, before, treeDefs)
		expect(t, res, "before, street", want{g4.ID, "hh", 0, w.b.ID}, want{w.b.ID, "grids", 2, 0}, want{w.a.ID, "grids", 2, 0},
			want{w.a.ID, "hh", 3, 0}, want{w.b.ID, "hh", 1, 0})
		res = w.compute(t, w.b.ID, before, treeDefs)
		expect(t, res, "before, old community", want{g4.ID, "hh", 0, w.b.ID}, want{w.b.ID, "grids", 2, 0})
		res = w.compute(t, w.a.ID, before, treeDefs)
		absent(t, res, "before, new community", g4.ID)
		expect(t, res, "before, new community", want{w.a.ID, "grids", 2, 0})
		res = w.compute(t, g4.ID, before, treeDefs)
		expect(t, res, "before, the grid", want{g4.ID, "grids", 1, 0}, want{g4.ID, "hh", 0, 0})
		if res.Units[0].CommunityID != w.b.ID {
			t.Errorf("before, the grid: in community %d, want %d (B)", res.Units[0].CommunityID, w.b.ID)
		}

		res = w.compute(t, w.street.ID, after, treeDefs)
		expect(t, res, "after, street", want{g4.ID, "hh", 1, w.a.ID}, want{w.a.ID, "grids", 3, 0}, want{w.b.ID, "grids", 1, 0},
			want{w.a.ID, "hh", 4, 0}, want{w.b.ID, "hh", 1, 0}, want{g4.ID, "houses", 1, 0})
		res = w.compute(t, w.b.ID, after, treeDefs)
		absent(t, res, "after, old community", g4.ID)
		res = w.compute(t, g4.ID, after, treeDefs)
		expect(t, res, "after, the grid", want{g4.ID, "grids", 1, 0}, want{g4.ID, "hh", 1, 0})
	})
}

// TestTreeAsOfGridsMerged merges grid 2 into grid 1: its building, house
// and household follow. The month before, grid 2 is a row with its
// household and houses (its building rolls into it, from the community and
// from the street); the month of the merge it still has a row (it was
// retired during it); the month after it has none and grid 1 counts all.
func TestTreeAsOfGridsMerged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		if err := manager(db).MergeGrids(ctx, admin, w.g2.ID, version(t, db, w.g2.ID), w.g1.ID); err != nil {
			t.Fatal(err)
		}
		before, m, after := months(t, db, w.g2.ID, "retire")
		for _, root := range []int64{w.street.ID, w.a.ID} {
			res := w.compute(t, root, before, treeDefs)
			expect(t, res, "before", want{w.g1.ID, "hh", 2, w.a.ID}, want{w.g2.ID, "hh", 1, w.a.ID},
				want{w.g1.ID, "houses", 2, 0}, want{w.g2.ID, "houses", 2, 0}, want{w.a.ID, "grids", 2, 0},
				want{w.g1.ID, "buildings", 1, 0}, want{w.g2.ID, "buildings", 1, 0})
			res = w.compute(t, root, m, treeDefs)
			expect(t, res, "the month of the merge", want{w.g1.ID, "hh", 3, w.a.ID}, want{w.g2.ID, "hh", 0, w.a.ID})
			res = w.compute(t, root, after, treeDefs)
			absent(t, res, "after", w.g2.ID)
			expect(t, res, "after", want{w.g1.ID, "hh", 3, w.a.ID}, want{w.g1.ID, "houses", 4, 0}, want{w.a.ID, "grids", 1, 0},
				want{w.a.ID, "hh", 3, 0}, want{w.g1.ID, "buildings", 2, 0})
		}
		// Grid 2's building, as the reports of grid 2 and of the building
		// itself see it (records placed by their own unit).
		res := w.compute(t, w.g2.ID, before, treeDefs)
		expect(t, res, "before, grid 2", want{w.g2.ID, "hh", 1, 0}, want{w.g2.ID, "houses", 2, 0}, want{w.g2.ID, "buildings", 1, 0})
		var b2 int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE name = '2号楼'`).Scan(&b2); err != nil {
			t.Fatal(err)
		}
		res = w.compute(t, b2, before, treeDefs)
		expect(t, res, "before, building 2", want{b2, "houses", 2, 0})
		if res.Units[0].CommunityID != w.a.ID {
			t.Errorf("building 2 in community %d, want %d", res.Units[0].CommunityID, w.a.ID)
		}
	})
}

// TestTreeAsOfGridRetired retires an empty grid: it has a row in the
// month before and the month it was retired in, none after, and is no
// longer counted among the community's grids.
func TestTreeAsOfGridRetired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		g4 := orgtree.Unit{ParentID: w.b.ID, Level: orgtree.LevelGrid, Name: "第四网格"}
		if err := orgtree.NewStore(db).Create(ctx, db, &g4); err != nil {
			t.Fatal(err)
		}
		if err := manager(db).Retire(ctx, admin, g4.ID, version(t, db, g4.ID)); err != nil {
			t.Fatal(err)
		}
		var retired string
		if err := db.QueryRowContext(ctx, `SELECT retired_on FROM org_units WHERE id = $1`, g4.ID).Scan(&retired); err != nil {
			t.Fatal(err)
		}
		p, err := ParsePeriod(retired[:7])
		if err != nil {
			t.Fatal(err)
		}
		after := Current(Monthly, p.StartTime().AddDate(0, 1, 0))
		// Retired on its month's last day, the grid still counts at its end.
		atEnd := 1.0
		if retired == p.End() {
			atEnd = 2
		}
		for _, c := range []struct {
			p     Period
			row   bool
			grids float64
		}{{p.Previous(), true, 2}, {p, true, atEnd}, {after, false, 1}} {
			res := w.compute(t, w.street.ID, c.p, treeDefs)
			if got := res.Unit(g4.ID) >= 0; got != c.row {
				t.Errorf("%s: the retired grid has a row: %v, want %v", c.p, got, c.row)
			}
			expect(t, res, c.p.String(), want{w.b.ID, "grids", c.grids, 0}, want{w.b.ID, "hh", 1, 0})
		}
	})
}
