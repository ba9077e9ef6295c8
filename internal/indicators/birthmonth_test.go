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

// Persons whose birth a roster gave to the month only (出生年月) count their
// age at the end of that month: 80 in the month of the 80th birthday and
// not before, a child born in the period's month is a child of it, and the
// ledger shows the month, not a day.
func TestAgesOfBirthsKnownToTheMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		h4 := w.h["h4"] // in community B, whose only person in October is p8 (26)
		month := func(name, gender, birth string, at time.Time) *register.Person {
			p := &register.Person{CommunityID: h4.CommunityID, HouseholdID: h4.ID, OrgID: h4.OrgID, GridID: h4.GridID,
				Name: name, DocType: string(ident.DocNone), Gender: gender, BirthDate: register.MonthEnd(birth),
				BirthPrecision: register.BirthByMonth, Residence: "registered", Relation: "99"}
			if err := l.Person(ctx, at, p); err != nil {
				l.Rollback()
				t.Fatal(err)
			}
			return p
		}
		early := day("2015-03-01 09:00")
		m1 := month("m1", "M", "1946-10", early)                   // 80 during October 2026
		month("m2", "F", "1946-11", early)                         // 80 only in November
		m3 := month("m3", "F", "2026-10", day("2026-10-20 10:00")) // born in October, registered then
		if err := l.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		defs := []Indicator{
			ind("old80", "人口", "年龄 >= 80", "count", "end"),
			ind("baby", "人口", "年龄 < 1", "count", "end"),
			ind("born", "人口", "年龄 < 1", "count", "new"), // 本期出生 of the sample monthly report
			{Code: "avgage", Entity: "人口", Measure: "avg", Field: "年龄", Rule: "end"},
		}
		check := func(p Period, code string, want float64) {
			t.Helper()
			got := value(t, w.compute(t, w.street.ID, p, defs), defs, code, w.b.ID)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s %s in 城南 = %v, want %v", p, code, got, want)
			}
		}
		sep, _ := ParsePeriod("2026-09")
		nov, _ := ParsePeriod("2026-11")
		check(sep, "old80", 0)
		check(w.period, "old80", 1) // m1
		check(nov, "old80", 2)      // m1, m2
		check(w.period, "baby", 1)  // m3, 0 at the end of October
		check(w.period, "born", 1)
		check(sep, "born", 0)
		check(nov, "born", 0)
		check(w.period, "avgage", (26+80+79+0)/4.0)

		// The ledger of October's 80-year-olds shows m1 born in October 1946.
		c, err := Compile(w.reg, defs[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := NewEngine(db, w.reg).Compute(ctx, Request{Root: w.street.ID, Period: w.period,
			Indicators: []*Compiled{c}, Collect: &Collect{Indicator: 0, Unit: w.b.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 1 || res.Records[0].ID != m1.ID {
			t.Fatalf("records: %+v", res.Records)
		}
		rows, err := w.reg.Source(res.RecordEntity).Describe(ctx, res.RecordEntity, w.period, w.b.ID, []int64{m1.ID, m3.ID})
		if err != nil {
			t.Fatal(err)
		}
		births := map[int64]string{}
		for _, r := range rows {
			births[r.ID] = r.Cells[2]
		}
		if births[m1.ID] != "1946-10" || births[m3.ID] != "2026-10" {
			t.Errorf("ledger births: %v", births)
		}
	})
}
