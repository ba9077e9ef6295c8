package workaccessweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func request(title, startsOn string) url.Values {
	return url.Values{"kind": {"assistance"}, "department": {"civil"}, "title": {title},
		"legal_basis": {"《养老机构管理办法》第十二条"}, "frequency": {"每年"}, "staff_hours": {"1.5"},
		"funding_rule": {"household"}, "funding_yuan": {"12.5"}, "valid_from": {"2026-12-01"}, "starts_on": {startsOn}}
}

// TestPages walks the catalogue and a request through the pages: a
// department applies (refused at the field first), the review group
// refuses it with reasons, a community reads the decision; two reviewers
// editing one item conflict visibly.
func TestPages(t *testing.T) {
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
		webtest.AddUser(t, k, "admin", "管理员", "admin")
		reviewer := webtest.AddUser(t, k, "admin2", "审查组小李", "work_reviewer")
		dept := webtest.AddUser(t, k, "civil", "民政小王", "dept_civil", street.ID)
		webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		now := time.Date(2026, 9, 18, 10, 0, 0, 0, workdays.Shanghai)
		work := workaccess.NewService(db, func() time.Time { return now })
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: work})
		// board is what a person's workbench holds of work access: the
		// count of its section and the links of its items.
		board := func(u accounts.User) (int, []string) {
			t.Helper()
			v, err := k.Access.Viewer(ctx, u.ID, u.Name)
			if err != nil {
				t.Fatal(err)
			}
			secs, err := work.Workbench(ctx, v, now)
			if err != nil {
				t.Fatal(err)
			}
			n, links := 0, []string(nil)
			for _, s := range secs {
				n += s.Count
				for _, it := range s.Items {
					links = append(links, it.Link)
				}
			}
			return n, links
		}
		srv := webtest.Serve(t, rt)
		civil, admin, admin2, staff := srv.Client(), srv.Client(), srv.Client(), srv.Client()
		civil.Login("civil")
		admin.Login("admin")
		admin2.Login("admin2")
		staff.Login("staff")

		r := staff.Get("/work-items?kind=negative")
		webtest.CheckPage(t, "/work-items", r.Body)
		webtest.Contains(t, "negative list", r.Body, "婚姻状况证明", "示例")
		webtest.Lacks(t, "negative list", r.Body, "最低生活保障申请受理与入户核查协助", "新增事项", "申请准入</a>")
		// The community's inbox and its burden are one click from the catalogue.
		webtest.Contains(t, "links from the catalogue", r.Body, `href="/demands"`, `href="/work-burden"`)
		if r := staff.Get("/work-items/new"); r.Status != http.StatusForbidden {
			t.Errorf("a community worker opens the item form: %d", r.Status)
		}

		r = civil.Get("/work-requests/new")
		webtest.CheckPage(t, "/work-requests/new", r.Body)
		webtest.Contains(t, "request form", r.Body, "2026-10-15", "2026-11-05")
		form := request("老年人能力评估入户协助", "2026-11-04")
		form.Set("csrf", webtest.CSRFOf(t, r.Body))
		form.Set("legal_basis", "")
		r = civil.Post("/work-requests/new", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad request: %d", r.Status)
		}
		webtest.Contains(t, "refused request", r.Body, "请填写法律法规或政策依据", "开始日期最早为 2026-11-05")
		form.Set("legal_basis", "《养老机构管理办法》第十二条")
		form.Set("starts_on", "2026-11-05")
		r = civil.Post("/work-requests/new", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("request: %d %s", r.Status, r.Body)
		}
		reqPath := r.Location()
		if r := staff.Get(reqPath); r.Status != http.StatusNotFound {
			t.Errorf("a pending request shown to a community: %d", r.Status)
		}

		r = admin.Get("/work-requests")
		webtest.Contains(t, "review list", r.Body, "老年人能力评估入户协助", "2026-10-15")
		// The review group's workbench holds the request, one click from
		// its decision, as many as the list it opens; the department's not.
		if n, links := board(reviewer); n != 1 || len(links) != 1 || links[0] != reqPath+"#h-decision" {
			t.Errorf("the reviewer's workbench: %d %v", n, links)
		}
		if n, _ := board(dept); n != 0 {
			t.Errorf("the department's workbench holds %d reviews", n)
		}
		r = admin.Get(reqPath)
		decide := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "version": {webtest.VersionOf(t, r.Body)}, "outcome": {"refused"}}
		r = admin.Post(reqPath+"/decide", decide)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refused without reasons: %d", r.Status)
		}
		webtest.Contains(t, "decision", r.Body, "不予准入须写明理由")
		decide.Set("reasons", "能力评估属部门法定职责,由评估机构入户")
		if r := admin.Post(reqPath+"/decide", decide); r.Status != http.StatusSeeOther {
			t.Fatalf("refuse: %d", r.Status)
		}
		if n, _ := board(reviewer); n != 0 {
			t.Errorf("a decided request stays on the workbench (%d)", n)
		}
		r = staff.Get("/work-decisions")
		webtest.CheckPage(t, "/work-decisions", r.Body)
		webtest.Contains(t, "decisions", r.Body, "老年人能力评估入户协助", "不予准入", "能力评估属部门法定职责,由评估机构入户")

		// Two reviewers open the same item; the second save is a conflict.
		r = admin.Get("/work-items?kind=duty&department=civil")
		item := regexp.MustCompile(`href="(/work-items/\d+)"`).FindStringSubmatch(r.Body)[1]
		first, second := admin.Get(item+"/edit").Body, admin2.Get(item+"/edit").Body
		save := func(c *webtest.Client, page, frequency string) webtest.Result {
			f := url.Values{"csrf": {webtest.CSRFOf(t, page)}, "version": {webtest.VersionOf(t, page)}, "kind": {"duty"},
				"department": {"civil"}, "title": {"组织召开居民会议、居民代表会议"}, "legal_basis": {"《中华人民共和国城市居民委员会组织法》第十条"},
				"frequency": {frequency}, "staff_hours": {"4"}, "funding_rule": {"year"}, "funding_yuan": {"2000"}, "valid_from": {"2026-01-01"}}
			return c.Post(item+"/edit", f)
		}
		if r := save(admin, first, "每两月"); r.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d", r.Status)
		}
		r = save(admin2, second, "每季度")
		if r.Status != http.StatusConflict {
			t.Fatalf("second save: %d", r.Status)
		}
		webtest.Contains(t, "conflict", r.Body, "已被他人修改")
		webtest.Contains(t, "item", staff.Get(item).Body, "每两月", "按年 2000 元")

		// The lead window is a setting of the review group.
		csrf := webtest.CSRFOf(t, admin.Get("/work-requests").Body)
		r = admin.Post("/work-requests/settings", url.Values{"csrf": {csrf}, "lead_workdays": {"三十"}, "review_workdays": {"15"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad setting: %d", r.Status)
		}
		webtest.Contains(t, "settings", r.Body, "提前工作日数应在 0–250 之间")
		if r := civil.Post("/work-requests/settings", url.Values{"csrf": {civil.CSRF("/work-requests/new")}, "lead_workdays": {"5"}}); r.Status != http.StatusForbidden {
			t.Errorf("a department changes the clocks: %d", r.Status)
		}
		if r := admin.Post("/work-requests/settings", url.Values{"csrf": {csrf}, "lead_workdays": {"5"}, "review_workdays": {"15"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("setting: %d", r.Status)
		}
		webtest.Contains(t, "request form after the setting", civil.Get("/work-requests/new").Body, "最早 2026-09-24")
	})
}
