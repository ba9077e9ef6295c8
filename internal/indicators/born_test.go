package indicators

import (
	"context"
	"math"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/register"
)

// 本期出生 counts the babies born within the period: p3, born on 10 October
// and registered on the 12th — not a baby born eleven months before and
// registered in the period, whom "年龄 < 1, 期内新增" counted too. The
// naive SQL agrees.
func TestBornInPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		h := w.h["h1"]
		bd := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
		late := &register.Person{CommunityID: h.CommunityID, HouseholdID: h.ID, OrgID: h.OrgID, GridID: h.GridID, Name: "p10",
			IDNumber: ident.MakeResidentID("610603", bd, 990), Gender: "M", BirthDate: "2025-11-20", Residence: "registered",
			Ethnicity: "01", Relation: "99", Address: "城北路"}
		if err := l.Person(ctx, day("2026-10-15 10:00"), late); err != nil {
			l.Rollback()
			t.Fatal(err)
		}
		if err := l.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		defs := []Indicator{
			{Code: "born", Entity: "人口", Filter: "期内出生", Measure: Count, Rule: During},
			{Code: "old", Entity: "人口", Filter: "年龄 < 1", Measure: Count, Rule: New},
		}
		res := w.compute(t, w.street.ID, w.period, defs)
		if got := value(t, res, defs, "born", w.a.ID); got != 1 {
			t.Errorf("本期出生 in 城北 = %v, want 1 (p3 only)", got)
		}
		if got := value(t, res, defs, "old", w.a.ID); got != 2 {
			t.Errorf("the old rule = %v; the fixture should show its fault (2)", got)
		}
		c, err := Compile(w.reg, Indicator{Code: "born", Name: "本期出生", Entity: "人口", Filter: "期内出生", Measure: Count, Rule: AtEnd}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := NaiveValue(ctx, db, c, w.a, w.period, math.NaN()); err != nil || v != 1 {
			t.Errorf("naive 本期出生 = %v %v, want 1", v, err)
		}
		// The month after: nobody was born in November.
		next, _ := ParsePeriod("2026-11")
		if got := value(t, w.compute(t, w.street.ID, next, defs), defs, "born", w.a.ID); got != 0 {
			t.Errorf("本期出生 in November = %v, want 0", got)
		}
	})
}
