package reports

import (
	"context"
	"math"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
)

func TestSampleShape(t *testing.T) {
	d, err := parseSample(sampleMonthly)
	if err != nil {
		t.Fatal(err)
	}
	c, s, i := d.template.Counts()
	if c != 13 || s != 56 || i != 358 {
		t.Errorf("sample has %d 大类 %d 小类 %d 项, want 13/56/358", c, s, i)
	}
	if len(d.indicators) != 358 || len(d.rules) == 0 || !d.template.Sample {
		t.Errorf("indicators %d rules %d sample %v", len(d.indicators), len(d.rules), d.template.Sample)
	}
	cells := map[string]bool{}
	for _, it := range d.template.Items() {
		if it.Cell == "" || cells[it.Cell] {
			t.Errorf("item %s: cell %q missing or repeated", it.Indicator, it.Cell)
		}
		cells[it.Cell] = true
	}
}

// TestInstallSample installs the sample on both engines (every filter must
// parse against the register's entities) and computes it on a random town.
func TestInstallSample(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		ok, err := s.InstallSample(ctx)
		if err != nil || !ok {
			t.Fatalf("install: %v %v", ok, err)
		}
		if ok, err := s.InstallSample(ctx); ok || err != nil {
			t.Fatalf("second install: %v %v", ok, err)
		}
		tpl, err := s.Template(ctx, SampleCode)
		if err != nil {
			t.Fatal(err)
		}
		if c, sb, i := tpl.Counts(); c != 13 || sb != 56 || i != 358 {
			t.Fatalf("stored template %d/%d/%d", c, sb, i)
		}
		tw := buildTown(t, db, 1, 40)
		p := indicators.Current(indicators.Monthly, time.Now())
		r, err := s.Compute(ctx, SampleCode, tw.street.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) != 358 {
			t.Fatalf("rows = %d", len(r.Rows))
		}
		for _, row := range r.Rows {
			if row.Error != "" {
				t.Errorf("%s: %s", row.Indicator, row.Error)
			}
			if !row.Manual && row.Due && !row.Known && row.Unit != "%" && row.Unit != "岁" && row.Unit != "人" {
				// averages of nothing may be unknown; counts never are
			}
		}
		if r.Burden.Items != 358 || r.Burden.Manual+r.Burden.Computed != 358 || r.Burden.Manual == 0 {
			t.Errorf("burden %+v", r.Burden)
		}
		if pop := r.Row("A001"); pop == nil || !pop.Known || pop.Value <= 0 {
			t.Errorf("population row %+v", pop)
		}
	})
}

// TestEngineAgreesWithNaiveAndAdds checks, on a random town, that every
// computed 期末 indicator of the sample equals its one-query-per-unit SQL,
// and that a parent's value of every additive indicator is the sum of its
// children's.
func TestEngineAgreesWithNaiveAndAdds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		tw := buildTown(t, db, 42, 40)
		if db.Engine == database.Postgres {
			// Fresh tables have no statistics; the naive queries' plans need them.
			if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		reg, err := s.Registry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.indicatorMap(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var list []*indicators.Compiled
		index := map[string]int{}
		for _, ind := range all {
			if ind.Measure == indicators.Manual {
				continue
			}
			c, err := indicators.Compile(reg, ind, func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok })
			if err != nil {
				t.Fatal(err)
			}
			index[c.Code] = len(list)
			list = append(list, c)
		}
		// A period after every change: the live tables are its end state.
		p := indicators.Current(indicators.Monthly, time.Now())
		res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: tw.street.ID, Period: p, Indicators: list})
		if err != nil {
			t.Fatal(err)
		}
		org := orgtree.NewStore(db)
		compared := 0
		for _, id := range []int64{tw.street.ID, tw.grids[4].ID} {
			u, err := org.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			ui := res.Unit(id)
			for _, c := range list {
				// The naive SQL knows the register's entities; the
				// catalogue's visit indicators are checked in visits.
				if c.Rule != indicators.AtEnd || c.Entity.Name == "visit" || c.Entity.Name == "visit_due" ||
					c.Entity.Name == "workforce" || c.Entity.Name == "workforce_training" { // checked in workforce
					continue
				}
				// The in-service party members' are checked in partymembers.
				if c.Entity.Name == "party_member" {
					continue
				}
				// The volunteers' are checked in volunteers.
				if c.Entity.Name == "volunteer" {
					continue
				}
				// The social organisations' are checked in socialorgs.
				if c.Entity.Name == "social_org" {
					continue
				}
				den := 0.0
				if c.Measure == indicators.Share {
					den = res.Values[ui][index[c.Of]]
				}
				want, err := indicators.NaiveValue(ctx, db, c, u, p, den)
				if err != nil {
					t.Fatal(err)
				}
				got := res.Values[ui][index[c.Code]]
				if !(math.IsNaN(want) && math.IsNaN(got)) && math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("%s %s in %s: engine %v, SQL %v (%s)", c.Code, c.Name, u.Name, got, want, c.Filter)
				}
				compared++
			}
		}
		if compared < 400 {
			t.Errorf("compared only %d values", compared)
		}
		// Additivity: count, sum and distinct households (a household lies
		// in one grid) add up the tree.
		children := map[int][]int{}
		for i, u := range res.Units {
			if u.Parent >= 0 {
				children[u.Parent] = append(children[u.Parent], i)
			}
		}
		checked := 0
		for parent, kids := range children {
			for i, c := range list {
				if c.Measure == indicators.Avg || c.Measure == indicators.Share {
					continue
				}
				var sum float64
				for _, k := range kids {
					sum += res.Values[k][i]
				}
				if math.Abs(sum-res.Values[parent][i]) > 1e-6 {
					t.Errorf("%s in %s = %v, its children's sum %v", c.Code, res.Units[parent].Name, res.Values[parent][i], sum)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Error("nothing checked")
		}
	})
}
