package datareqweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/datareq"
	"shequ/internal/datareq/datareqweb"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestPages: a department pastes twelve items, sees the cost, submits, and
// downloads the subscription; a scope outside its street is refused at the
// field, and another department finds nothing.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道", Code: "150302001000"}
		other := orgtree.Unit{Level: orgtree.LevelStreet, Name: "城关街道", Code: "150302002000"}
		for _, u := range []*orgtree.Unit{&street, &other} {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"城北社区", "城南社区"} {
			c := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: name}
			if err := org.Create(ctx, db, &c); err != nil {
				t.Fatal(err)
			}
		}
		rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
		if _, err := rep.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		now := func() time.Time { return time.Date(2026, 9, 18, 10, 0, 0, 0, workdays.Shanghai) }
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "civil", "民政小王", "dept_civil", street.ID)
		webtest.AddUser(t, k, "health", "卫健小李", "dept_health", street.ID)
		datareqweb.Routes(rt, k, datareqweb.Deps{Data: datareq.NewService(db, rep, workaccess.NewService(db, now), now)})
		srv := webtest.Serve(t, rt)
		civil, health := srv.Client(), srv.Client()
		civil.Login("civil")
		health.Login("health")

		r := civil.Get("/data-requests/new")
		webtest.CheckPage(t, "/data-requests/new", r.Body)
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "department": {"civil"}, "title": {"人口与救助月度数据"},
			"unit": {"城关街道"}, "period": {"2026-08"}, "fund_yuan": {"5"}, "legal_basis": {"《社会救助暂行办法》第五条"},
			"starts_on": {"2026-11-05"}, "action": {"preview"},
			"lines": {"A001\r\nA002\r\n流动人口\r\nA006\r\nA007\r\n女性\r\nA013\r\n人口.性别\r\nhousehold.kind\r\nD026\r\n医疗救助人次\r\n辖区餐饮店油烟投诉数"}}
		r = civil.Post("/data-requests/new", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("another street: %d", r.Status)
		}
		webtest.Contains(t, "scope refused", r.Body, "只能在本部门负责的范围内提出")
		form.Set("unit", "真武洞街道")
		r = civil.Post("/data-requests/new", form)
		if r.Status != http.StatusOK {
			t.Fatalf("preview: %d", r.Status)
		}
		webtest.CheckPage(t, "/data-requests/new (cost)", r.Body)
		webtest.Contains(t, "cost", r.Body, "<strong>9</strong> 项由系统计算", "<strong>3</strong> 项需社区手工填报",
			"涉及社区 <strong>2</strong> 个", "<strong>1</strong> 小时", "<strong>30</strong> 元")
		form.Set("action", "submit")
		r = civil.Post("/data-requests/new", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		page := r.Location()
		r = civil.Get(page)
		webtest.CheckPage(t, page, r.Body)
		webtest.Contains(t, "request page", r.Body, "人口与救助月度数据", "逐项送准入审查", "每期每个社区填报 0.5 小时",
			"2026年8月", "download?period=2026-08&amp;format=xlsx", "download?period=2026-08&amp;format=csv")
		if n := strings.Count(r.Body, ">待审查</a>"); n != 3 {
			t.Errorf("%d typed items pending review, want 3", n)
		}
		r = civil.Get("/data-requests")
		webtest.CheckPage(t, "/data-requests", r.Body)
		webtest.Contains(t, "list", r.Body, `href="`+page+`"`, "人口与救助月度数据", "9 项", "3 项(0)")
		if r := health.Get("/data-requests"); strings.Contains(r.Body, "人口与救助月度数据") || !strings.Contains(r.Body, "还没有数据需求") {
			t.Errorf("another department lists the request")
		}
		if r := health.Get(page); r.Status != http.StatusNotFound {
			t.Errorf("another department reads the request: %d", r.Status)
		}
		r = civil.Get(page + "/download?period=2026-08")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("download: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		r = civil.Get(page + "/download?period=2026-08&format=csv")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(strings.TrimPrefix(r.Body, "\ufeff"), "人口与救助月度数据\n报告期,2026-08\n数据项,数值,说明\n") {
			t.Fatalf("csv download: %d %s %.40q", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if r := civil.Get(page + "/download?period=2026-Q3"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a quarter of a monthly request: %d", r.Status)
		}
	})
}
