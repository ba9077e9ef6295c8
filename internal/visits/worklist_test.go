package visits

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// grid1 holds five households: 10号楼 1-301 and 1-101 (a 低保 member since
// May), 2号楼 2-101, 1-502 and 1-201.
type gridFixture struct {
	*fixture
	a, e, b, c, d register.Household
}

func newGrid(t *testing.T, db *database.DB) *gridFixture {
	f := newFixture(t, db)
	g := &gridFixture{fixture: f}
	g.a, _ = f.household(t, f.b10, "1-301", register.HouseholdRegistered, "M")
	var pe []register.Person
	g.e, pe = f.household(t, f.b10, "1-101", register.HouseholdRegistered, "M")
	g.b, _ = f.household(t, f.b2, "2-101", register.HouseholdRegistered, "M")
	g.c, _ = f.household(t, f.b2, "1-502", register.HouseholdRegistered, "M")
	g.d, _ = f.household(t, f.b2, "1-201", register.HouseholdRegistered, "M")
	f.tag(t, pe[0], "dibao", "2026-01-05")
	return g
}

func (g *gridFixture) visit(t *testing.T, h register.Household, outcome string) Visit {
	t.Helper()
	v, _, err := g.s.RecordVisit(context.Background(), g.visitor(), Record{HouseholdID: h.ID, Outcome: outcome, Met: "户主"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWorklistOrder: overdue first, then along the walking route (2号楼
// before 10号楼, unit, floor, door), cut to the worker's daily share.
func TestWorklistOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		g := newGrid(t, db)
		g.clock = ptr(at(2026, 7, 10))
		*g.fixture.clock = at(2026, 7, 10)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		w, err := g.s.Worker(ctx, g.staff1)
		if err != nil {
			t.Fatal(err)
		}
		l, err := g.s.WorklistOf(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, st := range l.Stops {
			order = append(order, st.Building+" "+st.House)
		}
		want := []string{"10号楼 1-101", "2号楼 1-201", "2号楼 1-502", "2号楼 2-101", "10号楼 1-301"}
		if !same(order, want) || l.Due != 5 || l.Overdue != 1 || l.Capacity != 10 {
			t.Fatalf("list %v due %d overdue %d capacity %d", order, l.Due, l.Overdue, l.Capacity)
		}
		if len(l.Stops[0].Lines) != 2 || !l.Stops[0].Overdue {
			t.Fatalf("the overdue household is one stop for both rules: %+v", l.Stops[0])
		}
		k := Keeper{Name: "书记", Community: func(c int64) bool { return c == g.cb.ID }}
		if err := g.s.SetCapacity(ctx, k, g.cb.ID, g.staff1, "6", "2"); err != nil {
			t.Fatal(err)
		}
		err = g.s.SetCapacity(ctx, k, g.cb.ID, g.staff1, "0", "x")
		if fe := fault.FieldsOf(err); fe["visits_per_day"] == "" || fe["team_size"] == "" {
			t.Fatalf("bad capacity: %v", err)
		}
		ls, err := g.s.Worklists(ctx, []int64{g.cb.ID})
		if err != nil || len(ls) != 2 {
			t.Fatal(ls, err)
		}
		order = order[:0]
		for _, st := range ls[0].Stops {
			order = append(order, st.Building+" "+st.House)
		}
		if !same(order, want[:3]) || ls[0].Capacity != 3 || ls[0].Due != 5 || ls[1].Due != 0 {
			t.Fatalf("cut to a share of 3: %v %+v", order, ls)
		}
		// The nightly run makes the same lists from its own reading.
		_, all, err := g.s.RecomputeAll(ctx)
		if err != nil || len(all) != 2 {
			t.Fatal(all, err)
		}
		for i := range all {
			a, b := all[i], ls[i]
			if a.Due != b.Due || a.Overdue != b.Overdue || len(a.Stops) != len(b.Stops) {
				t.Fatalf("nightly list %d: %+v, want %+v", i, a, b)
			}
			for j := range a.Stops {
				if a.Stops[j].HouseholdID != b.Stops[j].HouseholdID || len(a.Stops[j].Lines) != len(b.Stops[j].Lines) {
					t.Fatalf("nightly list %d stop %d: %+v, want %+v", i, j, a.Stops[j], b.Stops[j])
				}
			}
		}
	})
}

// TestCoverageSums: never visited, overdue, due and visited within the
// cycle split the households and add up to them.
func TestCoverageSums(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		g := newGrid(t, db)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		*g.fixture.clock = at(2026, 1, 10)
		g.visit(t, g.c, OutcomeMet)
		g.visit(t, g.e, OutcomeMet)
		*g.fixture.clock = at(2026, 7, 10)
		if _, err := g.s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		g.visit(t, g.a, OutcomeMet)
		g.visit(t, g.b, OutcomeAbsent)
		rep, err := g.s.CoverageOf(ctx, access.Everything)
		if err != nil {
			t.Fatal(err)
		}
		want := Coverage{Households: 5, VisitedInCycle: 1, Due: 1, Overdue: 1, NeverVisited: 2}
		if rep.Coverage != want {
			t.Fatalf("coverage %+v, want %+v", rep.Coverage, want)
		}
		if len(rep.Grids) != 2 || rep.Grids[0].Coverage != want || rep.Grids[1].Households != 0 {
			t.Fatalf("grids %+v", rep.Grids)
		}
		if len(rep.Workers) != 2 || rep.Workers[0].Coverage != want || rep.Workers[1].Households != 0 {
			t.Fatalf("workers %+v", rep.Workers)
		}
		if rep.Rate() != 20 {
			t.Fatalf("rate %v", rep.Rate())
		}
	})
}

// TestCapacityPlanner: the seed's arithmetic, a worker's round, and the
// buildings moved to reach a target.
func TestCapacityPlanner(t *testing.T) {
	if got := CycleDays(1000, 10, 2); got != 200 {
		t.Fatalf("1,000 households, a pair visiting 10 a day: %d working days, want 200", got)
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		g := newGrid(t, db)
		k := Keeper{Name: "书记", Community: func(c int64) bool { return c == g.cb.ID }}
		for _, st := range []int64{g.staff1, g.staff2} {
			if err := g.s.SetCapacity(ctx, k, g.cb.ID, st, "1", "1"); err != nil {
				t.Fatal(err)
			}
		}
		loads, err := g.s.Loads(ctx, []int64{g.cb.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(loads) != 2 || loads[0].Households != 5 || loads[0].CycleDays != 5 || loads[1].CycleDays != 0 {
			t.Fatalf("loads %+v", loads)
		}
		// Four ordinary households twice a year, one 低保 monthly.
		if loads[0].RequiredYear != 4*2+12 {
			t.Fatalf("required a year %d", loads[0].RequiredYear)
		}
		p, err := g.s.PlanFor(ctx, g.cb.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Moves) != 1 || p.Moves[0].Building != "10号楼" || p.Moves[0].Households != 2 || !p.Reached ||
			p.After[0].CycleDays != 3 || p.After[1].CycleDays != 2 || p.Before[0].CycleDays != 5 {
			t.Fatalf("plan %+v", p)
		}
	})
}

// TestVisitCorrections: a visit's corrections are register changes with
// the visit as their source; the same record sent twice is one visit; a
// correction made on a version changed meanwhile saves nothing.
func TestVisitCorrections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		h, ps := f.household(t, f.b10, "1-301", register.HouseholdRegistered, "M", "F", "F")
		f.advance(30)
		phone := "13800000009"
		rec := Record{HouseholdID: h.ID, ClientUUID: "3f1e2d4c-0000-4000-8000-000000000001", Outcome: OutcomeMet,
			Present: []int64{ps[0].ID, ps[1].ID}, Findings: "老人腿脚不便", Notes: "门口堆放杂物", DeviceTime: "2026-02-04T10:01:02+08:00",
			HouseholdVersion: h.Version, HouseholdPhone: &phone,
			PersonPhones: []PersonPhone{{PersonID: ps[0].ID, Version: ps[0].Version, Phone: "13800000001"}},
			Leavings:     []register.Leaving{{PersonID: ps[2].ID, Version: ps[2].Version, Status: "moved_out", On: "2026-02-01", To: "西安市雁塔区"}},
			Pregnancies:  []Pregnancy{{PersonID: ps[1].ID, StartedOn: "2026-02-03"}}}
		v, created, err := f.s.RecordVisit(ctx, f.visitor(), rec)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		src := Source(v.ID)
		n := f.count(t, `SELECT COUNT(*) FROM change_events WHERE source = $1`, src)
		for _, want := range []string{"household", "person", "tag"} {
			if f.count(t, `SELECT COUNT(*) FROM change_events WHERE source = $1 AND entity = $2`, src, want) == 0 {
				t.Errorf("no %s change with source %s", want, src)
			}
		}
		if len(v.Corrections) != 4 || v.BaseVersions["person:"+itoa(ps[2].ID)] != ps[2].Version {
			t.Fatalf("visit %+v", v)
		}
		hist, err := f.reg.History(ctx, access.Everything.Fields(h.Place()), "person", ps[2].ID)
		if err != nil || len(hist) == 0 || hist[0].Source != src {
			t.Fatalf("the move out in the person's history: %+v %v", hist, err)
		}
		// The phone sends its queue again: nothing twice.
		again, created, err := f.s.RecordVisit(ctx, f.visitor(), rec)
		if err != nil || created || again.ID != v.ID {
			t.Fatalf("second send: %v %v %v", again.ID, created, err)
		}
		if f.count(t, `SELECT COUNT(*) FROM visits`) != 1 || f.count(t, `SELECT COUNT(*) FROM change_events WHERE source LIKE 'visit:%'`) != n {
			t.Fatal("the second send saved something")
		}
		// Stale: the person's version was read before this visit's change.
		stale := Record{HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主",
			PersonPhones: []PersonPhone{{PersonID: ps[0].ID, Version: ps[0].Version, Phone: "13800000002"}}}
		_, _, err = f.s.RecordVisit(ctx, f.visitor(), stale)
		if !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale correction: %v", err)
		}
		if f.count(t, `SELECT COUNT(*) FROM visits`) != 1 {
			t.Fatal("a visit was saved with a refused correction")
		}
		// Bad input: at the field, nothing saved.
		_, _, err = f.s.RecordVisit(ctx, f.visitor(), Record{HouseholdID: h.ID, Outcome: "x", VisitedOn: "2030-01-01"})
		fe := fault.FieldsOf(err)
		if fe["outcome"] == "" || !strings.Contains(fe["visited_on"], "不能晚于今天") {
			t.Fatalf("bad record: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
