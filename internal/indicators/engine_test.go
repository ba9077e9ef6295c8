package indicators

import (
	"context"
	"math"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
)

func ind(code, entity, filter, measure, rule string) Indicator {
	return Indicator{Code: code, Name: code, Entity: entity, Filter: filter, Measure: measure, Rule: rule}
}

// TestEngineHandChecked computes indicators over the world of
// fixture_test.go whose values were worked out by hand.
func TestEngineHandChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		defs := []Indicator{
			ind("pop", "人口", "", "count", "end"),
			ind("women", "人口", "性别 = 女", "count", "end"),
			ind("old", "人口", "年龄 >= 60", "count", "end"),
			ind("new", "人口", "", "count", "new"),
			ind("left", "人口", "状态 = 在册", "count", "left"),
			ind("movedout", "人口", "状态 = 迁出", "count", "new"),
			ind("during", "人口", "", "count", "during"),
			ind("dibao", "人口", "标签 含 低保", "count", "end"),
			{Code: "dibaohh", Entity: "人口", Filter: "标签 含 低保", Measure: "distinct", Field: "所属户", Rule: "end"},
			ind("cb", "人口", "标签 含 育龄妇女", "count", "end"),
			ind("w1549", "人口", "性别 = 女 且 年龄 在 15 到 49", "count", "end"),
			ind("preg", "人口", "标签 含 孕情", "count", "end"),
			ind("newpreg", "人口", "标签 含 孕情", "count", "new"),
			ind("newunemp", "人口", "标签 含 失业", "count", "new"),
			ind("tenant", "人口", "租住", "count", "end"),
			ind("employed", "人口", "有工作单位", "count", "end"),
			{Code: "avgage", Entity: "人口", Measure: "avg", Field: "年龄", Rule: "end"},
			{Code: "floatshare", Entity: "人口", Filter: "人口类别 = 流动", Measure: "share", Of: "pop", Rule: "end"},
			ind("hh", "户", "", "count", "end"),
			{Code: "hhsize", Entity: "户", Measure: "avg", Field: "户人数", Rule: "end"},
			ind("alone", "户", "户人数 = 1 且 成员最小年龄 >= 60", "count", "end"),
			ind("dibaofam", "户", "成员标签 含 低保", "count", "end"),
			ind("houses", "房屋", "", "count", "end"),
			ind("rented", "房屋", "用途 = 出租", "count", "end"),
			ind("occupied", "房屋", "有住户", "count", "end"),
			{Code: "area", Entity: "房屋", Measure: "sum", Field: "面积", Rule: "end"},
			ind("rentals", "出租登记", "", "count", "end"),
			{Code: "tenants", Entity: "出租登记", Measure: "sum", Field: "承租人数", Rule: "end"},
			ind("orgs", "单位", "", "count", "end"),
			{Code: "staff", Entity: "单位", Measure: "sum", Field: "从业人数", Rule: "end"},
			ind("grids", "组织单元", "层级 = 网格", "count", "end"),
			ind("gw", "工作人员", "岗位 = 网格员", "count", "end"),
			ind("buildings", "楼栋", "", "count", "end"),
		}
		res := w.compute(t, w.street.ID, w.period, defs)
		check := func(code string, unit int64, want float64) {
			t.Helper()
			got := value(t, res, defs, code, unit)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s in %d = %v, want %v", code, unit, got, want)
			}
		}
		a, b, st := w.a.ID, w.b.ID, w.street.ID
		// p1 p2 p3 p4 p5 p6 in A (p7 moved out, p6 died only in November);
		// p8 in B (p9 registered in November).
		check("pop", a, 6)
		check("pop", b, 1)
		check("pop", st, 7)
		check("pop", w.g1.ID, 4) // p1 p2 p3 p6
		check("pop", w.g2.ID, 2)
		check("women", a, 3)
		check("old", a, 2)
		check("new", a, 1) // p3
		check("new", b, 0)
		check("left", a, 1)     // p7
		check("movedout", a, 1) // p7
		check("during", a, 7)   // p7 was here until the 20th
		check("dibao", a, 2)
		check("dibaohh", a, 1)
		check("dibaohh", st, 1)
		check("cb", a, 2)
		check("w1549", a, 2) // p2 (35), p5 (38)
		check("preg", a, 1)
		check("newpreg", a, 0) // since 2026-09-15: already at the start
		check("newunemp", b, 1)
		check("newunemp", st, 1)
		check("tenant", a, 2)
		check("employed", a, 1)
		check("avgage", a, (76+35+0+41+38+86)/6.0)
		check("avgage", st, (76+35+0+41+38+86+26)/7.0)
		check("floatshare", a, 2.0/6*100)
		check("hh", a, 3)
		check("hh", st, 4)
		check("hhsize", a, 2) // h1 3, h2 2, h3 1
		check("alone", a, 1)  // h3
		check("dibaofam", a, 1)
		check("houses", a, 4)
		check("houses", st, 5)
		check("rented", a, 1)
		check("occupied", a, 3)
		check("area", a, 235)
		check("area", st, 305)
		check("rentals", a, 1)
		check("tenants", a, 2)
		check("orgs", st, 2)
		check("staff", st, 15)
		check("grids", st, 3)
		check("gw", st, 1)
		check("buildings", st, 3)

		// Units: the street, its two communities and three grids.
		if len(res.Units) != 6 {
			t.Errorf("units = %d, want 6", len(res.Units))
		}

		// November: p6 died, p9 arrived; October stays as it was.
		nov, _ := ParsePeriod("2026-11")
		res = w.compute(t, w.street.ID, nov, defs)
		check("pop", a, 5)
		check("pop", b, 2)
		check("left", a, 1) // p6
		check("new", b, 1)  // p9
		check("alone", a, 0)
		// September: before p3 was born and p7 left.
		sep, _ := ParsePeriod("2026-09")
		res = w.compute(t, w.street.ID, sep, defs)
		check("pop", a, 6) // p1 p2 p4 p5 p6 p7
		check("preg", a, 1)
		check("newpreg", a, 1)
		check("employed", a, 1)
	})
}

// TestEngineOneGridAndBuilding computes for units below the community.
func TestEngineOneGridAndBuilding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		defs := []Indicator{ind("pop", "人口", "", "count", "end"), ind("houses", "房屋", "", "count", "end")}
		res := w.compute(t, w.g2.ID, w.period, defs)
		if got := value(t, res, defs, "pop", w.g2.ID); got != 2 {
			t.Errorf("grid 2 population = %v, want 2", got)
		}
		var b1 int64
		db.QueryRowContext(context.Background(), `SELECT id FROM org_units WHERE name = '1号楼'`).Scan(&b1)
		res = w.compute(t, b1, w.period, defs)
		if got := value(t, res, defs, "pop", b1); got != 4 {
			t.Errorf("building 1 population = %v, want 4", got)
		}
		if got := value(t, res, defs, "houses", b1); got != 2 {
			t.Errorf("building 1 houses = %v, want 2", got)
		}
	})
}

// TestUnitsFinerThanGrids places units below the grids: those in a grid
// roll into it, one without a grid (a building straight under the
// community, with a 单元 of its own) into the community, whether the
// computation starts above the communities, at one, or at the building.
func TestUnitsFinerThanGrids(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		org := orgtree.NewStore(db)
		b4 := orgtree.Unit{ParentID: w.a.ID, Level: "building", Name: "4号楼"}
		if err := org.Create(ctx, db, &b4); err != nil {
			t.Fatal(err)
		}
		u1 := orgtree.Unit{ParentID: b4.ID, Level: "unit", Name: "1单元"}
		if err := org.Create(ctx, db, &u1); err != nil {
			t.Fatal(err)
		}
		defs := []Indicator{ind("buildings", "组织单元", "层级 = 楼栋", "count", "end"),
			ind("units", "组织单元", "层级 = 单元", "count", "end")}
		for _, root := range []int64{w.street.ID, w.a.ID} {
			res := w.compute(t, root, w.period, defs)
			for _, c := range []struct {
				unit             int64
				buildings, units float64
			}{{w.a.ID, 3, 1}, {w.g1.ID, 1, 0}, {w.g2.ID, 1, 0}} {
				if got := value(t, res, defs, "buildings", c.unit); got != c.buildings {
					t.Errorf("root %d: buildings in %d = %v, want %v", root, c.unit, got, c.buildings)
				}
				if got := value(t, res, defs, "units", c.unit); got != c.units {
					t.Errorf("root %d: 单元 in %d = %v, want %v", root, c.unit, got, c.units)
				}
			}
			if root == w.street.ID {
				if got := value(t, res, defs, "buildings", w.street.ID); got != 4 {
					t.Errorf("buildings in the street = %v, want 4", got)
				}
			}
		}
		res := w.compute(t, b4.ID, w.period, defs)
		if got := value(t, res, defs, "units", b4.ID); got != 1 {
			t.Errorf("单元 in 4号楼 = %v, want 1", got)
		}
	})
}

// TestCollect lists the records behind a value.
func TestCollect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			def  Indicator
			unit int64
			want []string
		}{
			{ind("old", "人口", "年龄 >= 60", "count", "end"), w.a.ID, []string{"p1", "p6"}},
			{ind("left", "人口", "状态 = 在册", "count", "left"), w.street.ID, []string{"p7"}},
			{ind("women", "人口", "性别 = 女", "count", "end"), w.g1.ID, []string{"p2", "p3"}},
		} {
			c, err := Compile(w.reg, tc.def, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewEngine(db, w.reg).Compute(ctx, Request{Root: w.street.ID, Period: w.period,
				Indicators: []*Compiled{c}, Collect: &Collect{Indicator: 0, Unit: tc.unit}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]bool{}
			for _, r := range res.Records {
				got[r.ID] = true
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s: %d records, want %v", tc.def.Code, len(got), tc.want)
			}
			for _, name := range tc.want {
				if !got[w.p[name].ID] {
					t.Errorf("%s: %s missing", tc.def.Code, name)
				}
			}
			// The ledger describes them as of the period's end.
			rows, err := w.reg.Source(res.RecordEntity).Describe(ctx, res.RecordEntity, w.period, w.a.ID, []int64{w.p["p6"].ID, w.p["p7"].ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				status := r.Cells[len(r.Cells)-1]
				if r.ID == w.p["p6"].ID && status != "在册" || r.ID == w.p["p7"].ID && status != "迁出" {
					t.Errorf("ledger row %d status %s", r.ID, status)
				}
			}
		}
		// A distinct count lists the households.
		c, _ := Compile(w.reg, Indicator{Code: "d", Name: "d", Entity: "人口", Filter: "标签 含 低保", Measure: "distinct", Field: "所属户", Rule: "end"}, nil)
		res, err := NewEngine(db, w.reg).Compute(ctx, Request{Root: w.a.ID, Period: w.period, Indicators: []*Compiled{c},
			Collect: &Collect{Indicator: 0, Unit: w.a.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if res.RecordEntity.Name != "household" || len(res.Records) != 1 || res.Records[0].ID != w.h["h1"].ID {
			t.Errorf("distinct ledger = %s %+v", res.RecordEntity.Name, res.Records)
		}
	})
}

// TestRowCache computes twice from the cache, then sees a change at once.
func TestRowCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		cache := NewRowCache(64 << 20)
		reg, err := NewRegistryCached(ctx, db, cache)
		if err != nil {
			t.Fatal(err)
		}
		w.reg = reg
		defs := []Indicator{ind("pop", "人口", "", "count", "end"), ind("tags", "人口", "标签 含 低保", "count", "end")}
		nov, _ := ParsePeriod("2026-11")
		for i := 0; i < 2; i++ {
			res := w.compute(t, w.street.ID, nov, defs)
			if got := value(t, res, defs, "pop", w.a.ID); got != 5 {
				t.Fatalf("run %d: population %v, want 5", i, got)
			}
		}
		if hits, _ := cache.Stats(); hits == 0 {
			t.Error("the second run read the tables again")
		}
		// p1 moves out today: a change event, so the cached rows go.
		w.p["p1"].Status = "moved_out"
		updatePerson(t, db, w.p["p1"], time.Now())
		today := Current(Monthly, time.Now())
		res := w.compute(t, w.street.ID, today, defs)
		if got := value(t, res, defs, "pop", w.a.ID); got != 4 {
			t.Errorf("after the move: population %v, want 4", got)
		}
		if got := value(t, res, defs, "tags", w.a.ID); got != 1 {
			t.Errorf("after the move: 低保 %v, want 1", got)
		}
	})
}
