package services

import (
	"context"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// Applications counted by report indicators over two months: taken in,
// accepted, open at the end and finished in each month as they stood then
// (replayed from the steps), on time, by item, 代办, rolled up the tree,
// with the records behind a number.
func TestIndicatorSource(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cnStaff := *access.System // 城南's community worker
		cnStaff.Name = "社区小周"
		on := func(month time.Month, day int) { f.now = time.Date(2026, month, day, 10, 0, 0, 0, cst) }
		must := func(a *Application, err error) *Application {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		intake := func(p int64, item string, proxy bool, received ...string) *Application {
			t.Helper()
			return must(f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: p, Item: item, Received: received, Proxy: proxy}))
		}
		approve := func(v *access.Viewer, a *Application) *Application {
			t.Helper()
			return must(f.svc.Approve(ctx, v, a.ID, a.Version, ""))
		}
		rate := func(a *Application, score int) {
			t.Helper()
			if err := f.svc.Rate(ctx, a.TrackingNo, a.PhoneLast4, score, ""); err != nil {
				t.Fatal(err)
			}
		}

		// October (1–7 and the 8th's weekend are National Day; the 10th,
		// a Saturday, is worked).
		on(10, 12)
		a := approve(f.staff, intake(f.head.ID, "juzhu", false)) // 居住证明, finished the same day
		on(10, 13)
		rate(a, 5)
		on(10, 14)
		b := intake(f.head.ID, "dibao", true, "form", "income", "marriage") // 低保, 代办: due 11-25
		on(10, 15)
		c := intake(f.spouse.ID, "gaoling", false, "bank") // 高龄补贴 without the form: waits at the window
		on(10, 20)
		b = approve(f.staff, b)                                            // to the street, stage due 11-03
		d := intake(f.southResident.ID, "jiuye", false, "hukou", "photo1") // 就业失业登记 in 城南: due 10-27
		on(10, 22)
		d = approve(&cnStaff, d) // to the street, stage due 10-27: overdue at the end of October
		// November.
		on(11, 2)
		d = approve(f.streetOp, d) // finished after 10-27: late, 9 working days after acceptance
		on(11, 3)
		c = must(f.svc.Supply(ctx, f.clerk, c.ID, c.Version, []string{"form"})) // accepted, due 11-24
		on(11, 4)
		c = must(f.svc.Return(ctx, f.staff, c.ID, c.Version, "银行卡复印件不清", []string{"bank"}, "")) // 14 days left
		on(11, 5)
		b = approve(f.streetOp, b) // to the district, stage due capped at 11-25: overdue at the end of November
		on(11, 9)
		c = must(f.svc.Supply(ctx, f.clerk, c.ID, c.Version, []string{"bank"})) // resumed, due 11-27
		on(11, 10)
		must(f.svc.Reject(ctx, f.staff, c.ID, c.Version, "年龄不符合条件")) // 办结 on time, 5 working days after acceptance
		on(11, 16)
		e := approve(f.staff, intake(f.head.ID, "juzhu", false))
		on(11, 17)
		rate(e, 3)
		on(11, 20)
		intake(f.southResident.ID, "linshi", true, "hukou", "hardship", "evidence", "form") // 临时救助, 代办: stage due 11-24
		f.now = friday

		reg, err := indicators.NewRegistry(ctx, db, NewIndicatorSource)
		if err != nil {
			t.Fatal(err)
		}
		defs := []indicators.Indicator{
			{Code: "received", Name: "本月收件", Entity: "办件", Measure: indicators.Count, Rule: indicators.New},
			{Code: "accepted", Name: "本月受理", Entity: "办件", Filter: "已受理 = 是", Measure: indicators.Count, Rule: indicators.New},
			{Code: "open", Name: "期末在办", Entity: "办件", Filter: "在办 = 是", Measure: indicators.Count, Rule: indicators.AtEnd},
			{Code: "finished", Name: "本月办结", Entity: "办件", Filter: "已办结 = 是", Measure: indicators.Count, Rule: indicators.New},
			{Code: "on_time", Name: "按期办结", Entity: "办件", Filter: "按期 = 是", Measure: indicators.Count, Rule: indicators.New},
			{Code: "rate", Name: "按期办结率", Entity: "办件", Filter: "按期 = 是", Measure: indicators.Share, Of: "finished", Rule: indicators.New},
			{Code: "proxy", Name: "代办件数", Entity: "办件", Filter: "代办", Measure: indicators.Count, Rule: indicators.New},
			{Code: "street", Name: "期末在街道", Entity: "办件", Filter: "所在层级 = 街道", Measure: indicators.Count, Rule: indicators.AtEnd},
			{Code: "overdue", Name: "期末逾期", Entity: "办件", Filter: "逾期 = 是", Measure: indicators.Count, Rule: indicators.AtEnd},
			{Code: "rating", Name: "平均评价", Entity: "办件", Filter: "评价 >= 1", Measure: indicators.Avg, Field: "评价", Rule: indicators.New},
			{Code: "juzhu", Name: "居住证明", Entity: "办件", Filter: "事项 = 居住证明", Measure: indicators.Count, Rule: indicators.New},
			{Code: "days", Name: "平均办理用时", Entity: "办件", Filter: "已办结 = 是", Measure: indicators.Avg, Field: "办理用时", Rule: indicators.New},
			{Code: "relief", Name: "社会救助类", Entity: "办件", Filter: "事项类别 = 社会救助", Measure: indicators.Count, Rule: indicators.New},
			{Code: "refused", Name: "本月不予批准", Entity: "办件", Filter: "状态 = 不予批准", Measure: indicators.Count, Rule: indicators.New},
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
		nan := math.NaN()
		check := func(res *indicators.Result, unit int64, want ...float64) {
			t.Helper()
			u := res.Unit(unit)
			for i, w := range want {
				got := res.Values[u][i]
				if math.IsNaN(w) != math.IsNaN(got) || !math.IsNaN(w) && math.Abs(got-w) > 1e-9 {
					t.Errorf("%s in %d, %s: %v, want %v", defs[i].Name, unit, res.Period, got, w)
				}
			}
		}
		//                  收 受 在 结 按期 率 代办 街道 逾期 评价 居住 用时 救助 不予
		oct := compute("2026-10", nil)
		check(oct, f.cb.ID, 3, 2, 2, 1, 1, 100, 1, 1, 0, 5, 1, 0, 1, 0)
		check(oct, f.cn.ID, 1, 1, 1, 0, 0, nan, 0, 1, 1, nan, 0, nan, 0, 0)
		check(oct, f.street.ID, 4, 3, 3, 1, 1, 100, 1, 2, 1, 5, 1, 0, 1, 0)
		check(oct, f.district.ID, 4, 3, 3, 1, 1, 100, 1, 2, 1, 5, 1, 0, 1, 0)
		nov := compute("2026-11", &indicators.Collect{Indicator: 2, Unit: f.street.ID})
		check(nov, f.cb.ID, 1, 2, 1, 2, 2, 100, 0, 0, 1, 3, 1, 2.5, 0, 1)
		check(nov, f.cn.ID, 1, 1, 1, 1, 0, 0, 1, 0, 1, nan, 0, 9, 1, 0)
		check(nov, f.street.ID, 2, 3, 2, 3, 2, 200.0/3, 1, 0, 2, 3, 1, 14.0/3, 1, 1)
		check(nov, f.district.ID, 2, 3, 2, 3, 2, 200.0/3, 1, 0, 2, 3, 1, 14.0/3, 1, 1)
		for _, res := range []*indicators.Result{oct, nov} { // the street is the sum of its communities
			st, cb, cn := res.Unit(f.street.ID), res.Unit(f.cb.ID), res.Unit(f.cn.ID)
			for _, i := range []int{0, 1, 2, 3, 4, 6, 7, 8, 10, 12, 13} {
				if res.Values[st][i] != res.Values[cb][i]+res.Values[cn][i] {
					t.Errorf("%s, %s: street %v ≠ %v + %v", defs[i].Name, res.Period, res.Values[st][i], res.Values[cb][i], res.Values[cn][i])
				}
			}
		}
		if len(nov.Records) != 2 {
			t.Fatalf("open at the end of November: %+v", nov.Records)
		}

		// The ledger: as at the end of October b waited at the street;
		// nothing in any row names or reaches anyone.
		p, _ := indicators.ParsePeriod("2026-10")
		rows, err := reg.Source(nov.RecordEntity).Describe(ctx, nov.RecordEntity, p, f.cb.ID, []int64{b.ID, c.ID})
		if err != nil || len(rows) != 2 {
			t.Fatalf("ledger: %+v %v", rows, err)
		}
		cols := reg.Source(nov.RecordEntity).Columns(nov.RecordEntity)
		want := [][]string{
			{b.TrackingNo, "城乡居民最低生活保障(低保)", "2026-10-14", "办理中", "街道审核(入户调查、民主评议、公示)", "", "是"},
			{c.TrackingNo, "高龄补贴", "2026-10-15", "待补齐材料", "窗口", "", "否"},
		}
		for i, r := range rows {
			if len(r.Cells) != len(cols) || strings.Join(r.Cells, "|") != strings.Join(want[i], "|") {
				t.Errorf("ledger row %d: %q, want %q", i, r.Cells, want[i])
			}
		}
		p, _ = indicators.ParsePeriod("2026-11")
		rows, err = reg.Source(nov.RecordEntity).Describe(ctx, nov.RecordEntity, p, f.cb.ID, []int64{a.ID, b.ID, c.ID, e.ID})
		if err != nil || len(rows) != 4 || rows[2].Cells[3] != "不予批准" || rows[2].Cells[5] != "2026-11-10" {
			t.Fatalf("ledger at the end of November: %+v %v", rows, err)
		}
		digits := regexp.MustCompile(`\d{11,}|\d{6}[*]+`)
		for _, r := range rows {
			for _, c := range r.Cells {
				for _, p := range []string{f.head.Name, f.spouse.Name, f.head.IDNumber, f.head.Phone, f.spouse.IDNumber, f.spouse.Phone} {
					if strings.Contains(c, p) {
						t.Errorf("ledger cell %q holds personal data", c)
					}
				}
				if digits.MatchString(strings.ReplaceAll(c, r.Cells[0], "")) {
					t.Errorf("ledger cell %q looks like an ID or phone number", c)
				}
			}
		}
	})
}

// The replay of an application's steps reproduces its row: the same
// status, stage, queue, deadlines and dates the hall set, over the demo's
// cases (returns, refusals, every level, National Day in between).
func TestReplayMatchesRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := LoadDemo(ctx, db, DemoOptions{Seed: 3, Today: friday, PerCommunity: 60}); err != nil {
			t.Fatal(err)
		}
		src, err := NewIndicatorSource(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		s := src.(*indicatorSource)
		hall, err := s.service(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, returned := 0, 0
		for _, community := range []int64{f.cb.ID, f.cn.ID} {
			steps, err := s.stepsBefore(ctx, community, "9999", nil)
			if err != nil {
				t.Fatal(err)
			}
			as, _, err := f.svc.List(ctx, access.Everything, Filter{Community: community, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				n++
				_, st := hall.replay(Application{Chain: a.Chain, TimeLimit: a.TimeLimit}, steps[a.ID], "9999")
				got := []any{st.Status, st.Stage, st.StageLevel, st.StageDue, st.DueOn, st.PausedDays, st.AcceptedOn, st.FinishedOn,
					st.OnTime == nil, st.OnTime != nil && *st.OnTime, st.rated}
				want := []any{a.Status, a.Stage, a.StageLevel, a.StageDue, a.DueOn, a.PausedDays, a.AcceptedOn, a.FinishedOn,
					a.OnTime == nil, a.OnTime != nil && *a.OnTime, a.Rating > 0}
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("%s: replayed %v, row %v", a.TrackingNo, got, want)
						break
					}
				}
				returned += st.returns
			}
		}
		if n < 100 || returned == 0 {
			t.Errorf("%d applications, %d returns: the demo should make more", n, returned)
		}
	})
}
