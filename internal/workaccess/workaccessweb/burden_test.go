package workaccessweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/money"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
)

// TestBurdenPage: a community's month with its funds to the 分, the street
// side by side with its two communities and a year's trend drawn as SVG,
// and no community's figures for a worker of another.
func TestBurdenPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		zn := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "紫南社区"}
		for _, u := range []*orgtree.Unit{&cb, &zn} {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "admin", "管理员", "admin")
		webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		work := workaccess.NewService(db, nil)
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: work})
		if err := work.RecordDone(ctx, "社区小张", cb.ID, 1051, "2026-03", 3); err != nil { // 按次 50 元
			t.Fatal(err)
		}
		if _, err := work.Receive(ctx, "财务", workaccess.Payment{Department: "civil", Community: cb.ID, AmountYuan: "123.45",
			ReceivedOn: "2026-03-10", Voucher: "民拨 3 号"}); err != nil {
			t.Fatal(err)
		}
		srv := webtest.Serve(t, rt)
		admin, staff := srv.Client(), srv.Client()
		admin.Login("admin")
		staff.Login("staff")

		path := fmt.Sprintf("/work-burden?org=%d&period=2026-03", cb.ID)
		r := staff.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.Status)
		}
		webtest.CheckPage(t, "/work-burden", r.Body)
		webtest.Contains(t, "community month", r.Body, "城北社区 社区负担 2026-03", "123.45 元", "民政", "近十二个月", "登记本月工作量")
		webtest.Lacks(t, "community month", r.Body, "各社区对比")
		if n := strings.Count(r.Body, "<rect x="); n != 5*12 {
			t.Errorf("trend bars %d, want 60", n)
		}
		if r := staff.Get(fmt.Sprintf("/work-burden?org=%d&period=2026-03", zn.ID)); r.Status != http.StatusNotFound {
			t.Errorf("another community: %d", r.Status)
		}
		if r := staff.Get(fmt.Sprintf("/work-burden?org=%d&period=2026-3", cb.ID)); r.Status == http.StatusOK {
			t.Errorf("bad period: %d", r.Status)
		}

		// The community's staff record the month's work; a bad count is
		// refused at its field and nothing is saved, a good one counts.
		donePath := fmt.Sprintf("/work-done?org=%d&period=2026-03", cb.ID)
		r = staff.Get(donePath)
		webtest.CheckPage(t, "/work-done", r.Body)
		webtest.Contains(t, "work done form", r.Body, "最低生活保障申请受理与入户核查协助", `name="n1051"`, `value="3"`)
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "org": {fmt.Sprint(cb.ID)}, "period": {"2026-03"},
			"n1051": {"5"}, "n1052": {"-1"}}
		if r := staff.Post("/work-done", form); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "次数应为不小于 0 的整数") {
			t.Fatalf("bad count: %d", r.Status)
		}
		form.Set("n1052", "2")
		if r := staff.Post("/work-done", form); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.Status)
		}
		area, _ := work.AreaOf(ctx, cb.ID)
		b, _ := work.Burden(ctx, area, "2026-03")
		lg, _ := work.Ledger(ctx, area, "2026-03", "2026-03")
		if b.FundsDueFen != lg.DueFen || lg.Departments[0].ImposedMinutes < 5*180+2*150 {
			t.Errorf("after saving: %+v", lg.Departments)
		}
		var occ int
		db.QueryRowContext(ctx, `SELECT occurrences FROM work_done WHERE community_id = $1 AND item_id = 1051 AND period = '2026-03'`, cb.ID).Scan(&occ)
		if occ != 5 {
			t.Errorf("1051 recorded %d times, want 5", occ)
		}
		if r := staff.Get(fmt.Sprintf("/work-done?org=%d&period=2026-03", zn.ID)); r.Status != http.StatusNotFound {
			t.Errorf("another community's form: %d", r.Status)
		}

		r = admin.Get(fmt.Sprintf("/work-burden?org=%d&period=2026-03", street.ID))
		if r.Status != http.StatusOK {
			t.Fatalf("street: %d", r.Status)
		}
		webtest.CheckPage(t, "/work-burden street", r.Body)
		webtest.Contains(t, "street side by side", r.Body, "各社区对比", "城北社区", "紫南社区", "123.45",
			"仍须使用的部门业务系统", "全国社会救助信息系统", "本月到期的派发工作", "近十二个月")
	})
}

// TestScoresPage: every department's demand score is published to anyone
// signed in — a window clerk, who has no part in work access, sees civil's line — and a
// bad month is refused.
func TestScoresPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "gw", "窗口小王", "window_clerk", cb.ID)
		work := workaccess.NewService(db, nil)
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: work})
		if err := work.RecordDone(ctx, "社区小张", cb.ID, 1051, "2026-03", 3); err != nil { // 按次 50 元
			t.Fatal(err)
		}
		if _, err := work.Receive(ctx, "财务", workaccess.Payment{Department: "civil", Community: cb.ID, AmountYuan: "100",
			ReceivedOn: "2026-03-10", Voucher: "民拨 3 号"}); err != nil {
			t.Fatal(err)
		}
		sc, err := work.Scores(ctx, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		var civil *workaccess.Line
		for i := range sc.Lines {
			if sc.Lines[i].Department == "civil" {
				civil = &sc.Lines[i]
			}
		}
		if civil == nil || civil.ReceivedFen != 10000 || civil.DueFen < 15000 || civil.ImposedMinutes == 0 {
			t.Fatalf("civil's score %+v in %+v", civil, sc.Lines)
		}
		srv := webtest.Serve(t, rt)
		gw := srv.Client()
		gw.Login("gw")
		r := gw.Get("/work-scores?period=2026-03")
		if r.Status != http.StatusOK {
			t.Fatalf("/work-scores: %d", r.Status)
		}
		webtest.CheckPage(t, "/work-scores", r.Body)
		if !strings.Contains(r.Body, civil.DepartmentName) || !strings.Contains(r.Body, money.Yuan(civil.ArrearsFen())) ||
			!strings.Contains(r.Body, fmt.Sprintf("%d%%", workaccess.FundedShare(*civil))) {
			t.Errorf("the page lacks civil's line (%s, arrears %s)", civil.DepartmentName, money.Yuan(civil.ArrearsFen()))
		}
		if r := gw.Get("/work-scores?period=2026-3"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad month: %d", r.Status)
		}
	})
}
