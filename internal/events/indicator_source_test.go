package events

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
	"shequ/internal/workdays"
)

// Events counted by report indicators: reported, open at the end and
// closed in a month, as they stood then (replayed from the steps), rolled
// up the tree, with the records behind a number.
func TestIndicatorSource(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		f.now = workdays.Date(2026, 2, 10).Add(10 * time.Hour)
		a, _ := f.report("env.garbage"), f.report("env.garbage")
		c := f.report("dispute.family")
		f.act(f.staff, c, Action{Name: ActReject, Note: "已自行和解"})
		f.now = workdays.Date(2026, 3, 5).Add(10 * time.Hour)
		a = f.act(f.staff, a, Action{Name: ActAccept, Route: LevelCommunity})
		a = f.act(f.staff, a, Action{Name: ActFeedback, PublicNote: "已清理"})
		a = f.act(f.gw, a, Action{Name: ActVerifyPass})
		a = f.act(f.staff, a, Action{Name: ActClose})
		f.report("env.posters")
		if _, err := f.s.Report(ctx, f.admin, Report{OrgID: f.zn.ID, Category: "env.posters", Description: "小广告"}); err != nil {
			t.Fatal(err)
		}

		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		defs := []indicators.Indicator{
			{Code: "reported", Name: "本月上报", Entity: "事件", Measure: indicators.Count, Rule: indicators.New},
			{Code: "open", Name: "期末在办", Entity: "事件", Filter: "在办 = 是", Measure: indicators.Count, Rule: indicators.AtEnd},
			{Code: "closed", Name: "本月结案", Entity: "事件", Filter: "已结案 = 是", Measure: indicators.Count, Rule: indicators.New},
			{Code: "disputes", Name: "矛盾纠纷", Entity: "事件", Filter: "事件类型 = 矛盾纠纷", Measure: indicators.Count, Rule: indicators.AtEnd},
		}
		var list []*indicators.Compiled
		for _, d := range defs {
			cd, err := indicators.Compile(reg, d, nil)
			if err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
			list = append(list, cd)
		}
		compute := func(period string, collect *indicators.Collect) *indicators.Result {
			t.Helper()
			p, _ := indicators.ParsePeriod(period)
			res, err := indicators.NewEngine(db, reg).Compute(ctx, indicators.Request{Root: f.district.ID, Period: p,
				Indicators: list, Collect: collect})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		check := func(res *indicators.Result, unit int64, want ...float64) {
			t.Helper()
			u := res.Unit(unit)
			for i, w := range want {
				if got := res.Values[u][i]; got != w {
					t.Errorf("%s in %d, %s: %v, want %v", defs[i].Name, unit, res.Period, got, w)
				}
			}
		}
		feb := compute("2026-02", nil)
		check(feb, f.cb.ID, 3, 2, 0, 1) // a is still open at the end of February
		check(feb, f.district.ID, 3, 2, 0, 1)
		mar := compute("2026-03", &indicators.Collect{Indicator: 2, Unit: f.street.ID})
		check(mar, f.cb.ID, 1, 2, 1, 1)
		check(mar, f.street.ID, 1, 2, 1, 1)
		check(mar, f.district.ID, 2, 3, 1, 1)
		if len(mar.Records) != 1 || mar.Records[0].ID != a.ID {
			t.Fatalf("closed in March: %+v", mar.Records)
		}
		p, _ := indicators.ParsePeriod("2026-02")
		rows, err := reg.Source(mar.RecordEntity).Describe(ctx, mar.RecordEntity, p, f.cb.ID, []int64{a.ID})
		if err != nil || len(rows) != 1 || rows[0].Cells[0] != a.TrackingNo || rows[0].Cells[4] != "待受理" {
			t.Errorf("ledger of a as at the end of February: %+v %v", rows, err)
		}
	})
}
