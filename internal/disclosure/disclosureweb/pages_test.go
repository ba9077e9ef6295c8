package disclosureweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/disclosure"
	"shequ/internal/disclosure/disclosureweb"
	"shequ/internal/orgtree"
	"shequ/internal/services"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var pubLink = regexp.MustCompile(`href="(/disclosures/\d+/\d+)">财务收支</a></th>\s*<td data-label="期次">2026年3月`)

// TestPages: the staff's list shows a missed month overdue; staff publish
// it (late); a resident without a login reads the public page, asks
// (a bad phone refused at its field, the third quick question over the
// limit refused), staff answer and the answer is public while the phone
// is not; a grid worker has no access; a decision is recorded.
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
		grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		if err := org.Create(ctx, db, &grid); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 4, 11, 10, 0, 0, 0, workdays.Shanghai)
		ds := disclosure.NewService(db, func() time.Time { return now })
		if _, _, err := ds.Pass(ctx, []int64{cb.ID}); err != nil {
			t.Fatal(err)
		}
		lg := webtest.NewLog(t)
		k, rt := webtest.Kit(t, db, web.Config{Org: org, Log: lg.Logger()})
		defer func() {
			if t.Failed() {
				t.Log(lg.String())
			}
		}()
		webtest.AddUser(t, k, "staff", "刘干事", "community_staff", cb.ID)
		webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		webtest.AddUser(t, k, "street", "街道老马", "street_operator", street.ID)
		disclosureweb.Routes(rt, k, disclosureweb.Deps{Disclosure: ds, Asks: services.NewLimiter(1, 2, 1<<30, time.Hour)})
		srv := webtest.Serve(t, rt)
		c, gw, public, st := srv.Client(), srv.Client(), srv.Client(), srv.Client()
		st.Login("street")
		c.Login("staff")
		gw.Login("gw")
		if res := gw.Get("/disclosures"); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Fatalf("a grid worker's list: %d", res.Status)
		}
		list := c.Get("/disclosures?org=" + itoa(cb.ID) + "&overdue=1")
		webtest.CheckPage(t, "/disclosures", list.Body)
		webtest.Contains(t, "overdue list", list.Body, "财务收支", "2026年3月", "2026-04-10", "逾期", "督办")
		m := pubLink.FindStringSubmatch(list.Body)
		if m == nil {
			t.Fatalf("no link to March's 财务收支:\n%s", list.Body)
		}
		link := m[1]
		// The street sees its communities' overdue rows together (督办), without the forms.
		sl := st.Get("/disclosures?org=" + itoa(street.ID) + "&overdue=1")
		webtest.CheckPage(t, "/disclosures street", sl.Body)
		webtest.Contains(t, "street list", sl.Body, link, "2026-04-10")
		webtest.Lacks(t, "street list", sl.Body, "登记需公开的决定")
		page := c.Get(link)
		webtest.CheckPage(t, link, page.Body)
		csrf := webtest.CSRFOf(t, page.Body)
		// The public page says it is overdue; the row itself is not public yet.
		board := public.Get("/gongkai/" + itoa(cb.ID))
		webtest.CheckPage(t, "/gongkai", board.Body)
		webtest.Contains(t, "public board", board.Body, "应公开未公开", "财务收支")
		pubPath := strings.Replace(link, "/disclosures/", "/gongkai/", 1)
		if res := public.Get(pubPath); res.Status != http.StatusNotFound {
			t.Fatalf("an unpublished row in public: %d", res.Status)
		}
		if res := c.Post(link+"/publish", url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, page.Body)}, "body": {" "}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "请填写公开内容") {
			t.Fatalf("empty publication: %d", res.Status)
		}
		res := c.Post(link+"/publish", url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, page.Body)}, "body": {"3月收入 12,000.00 元"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		res = public.Get(pubPath)
		webtest.CheckPage(t, pubPath, res.Body)
		webtest.Contains(t, "public publication", res.Body, "3月收入 12,000.00 元", "应于 2026-04-10 前公开")
		pcsrf := webtest.CSRFOf(t, res.Body)
		if res := public.Post(pubPath+"/questions", url.Values{"csrf": {pcsrf}, "text": {"维修费用在哪?"}, "phone": {"123"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "请填写 11 位手机号码") {
			t.Fatalf("a bad phone: %d", res.Status)
		}
		if res := public.Post(pubPath+"/questions", url.Values{"csrf": {"forged-token-forged-token"}, "text": {"x"}}); res.Status != http.StatusForbidden {
			t.Fatalf("a forged token: %d", res.Status)
		}
		if res := public.Post(pubPath+"/questions", url.Values{"csrf": {pcsrf}, "text": {"维修费用用在哪栋楼?"}, "phone": {"13812345678"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("ask: %d %s", res.Status, res.Body)
		}
		if res := public.Post(pubPath+"/questions", url.Values{"csrf": {pcsrf}, "text": {"再问一次"}}); res.Status != http.StatusTooManyRequests {
			t.Fatalf("over the limit: %d", res.Status)
		}
		page = c.Get(link)
		webtest.Contains(t, "staff page", page.Body, "维修费用用在哪栋楼?", "138****5678", "待答复")
		qs, _ := ds.Questions(ctx, cb.ID, pathTail(link), false)
		if len(qs) != 1 {
			t.Fatalf("questions: %+v", qs)
		}
		answer := link + "/questions/" + itoa(qs[0].ID)
		if res := c.Post(answer, url.Values{"csrf": {csrf}, "version": {"1"}, "answer": {"用于3号楼屋面防水"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
		if res := c.Post(answer, url.Values{"csrf": {csrf}, "version": {"1"}, "answer": {"改"}}); res.Status != http.StatusConflict {
			t.Fatalf("a stale answer: %d", res.Status)
		}
		res = public.Get(pubPath)
		webtest.Contains(t, "public answer", res.Body, "维修费用用在哪栋楼?", "用于3号楼屋面防水")
		webtest.Lacks(t, "public answer", res.Body, "13812345678", "5678")
		board = public.Get("/gongkai/" + itoa(cb.ID))
		webtest.Contains(t, "board after", board.Body, "现行公开", "2026年3月")

		items := c.Get("/disclosure-items?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/disclosure-items", items.Body)
		webtest.Contains(t, "catalogue", items.Body, "低保、救助对象", "每季度,季后首月 15 日前", "示例")
		cat, _ := ds.Catalogue(ctx, cb.ID)
		var meeting int64
		for _, it := range cat {
			if it.Rule == disclosure.RuleDecision {
				meeting = it.ID
			}
		}
		res = c.Post("/disclosures/decisions", url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "item": {itoa(meeting)},
			"title": {"加装电梯议定"}, "decided_on": {"2026-04-09"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("decision: %d %s", res.Status, res.Body)
		}
		webtest.Contains(t, "decision", c.Get(res.Location()).Body, "加装电梯议定", "2026-04-14")
		form := c.Get("/disclosure-items/new?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/disclosure-items/new", form.Body)
		res = c.Post("/disclosure-items/new", url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "rule": {"weekly"}, "starts_on": {"x"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请填写公开事项") {
			t.Fatalf("bad row: %d", res.Status)
		}
		row := url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "category": {"居务"}, "item": {"物业服务费收支"},
			"content": {"收取、支出、结余"}, "rule": {"monthly"}, "responsible": {"物业联络员"}, "channel": {"公开栏"},
			"starts_on": {"2026-03-01"}, "active": {"1"}}
		if res := c.Post("/disclosure-items/new", row); res.Status != http.StatusSeeOther {
			t.Fatalf("new row: %d %s", res.Status, res.Body)
		}
		items = c.Get("/disclosure-items?org=" + itoa(cb.ID))
		m = regexp.MustCompile(`href="(/disclosure-items/\d+)">物业服务费收支`).FindStringSubmatch(items.Body)
		if m == nil {
			t.Fatalf("no link to the community's row:\n%s", items.Body)
		}
		edit := c.Get(m[1])
		webtest.CheckPage(t, "/disclosure-items/{item}", edit.Body)
		row.Set("version", webtest.VersionOf(t, edit.Body))
		row.Set("channel", "公开栏、网上公开页")
		if res := c.Post(m[1], row); res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.Status, res.Body)
		}
		if res := c.Post(m[1], row); res.Status != http.StatusConflict || !strings.Contains(res.Body, "已被他人修改") {
			t.Fatalf("a stale edit: %d", res.Status)
		}
		// The sample is the administrator's: staff cannot open it for editing.
		if res := c.Get("/disclosure-items/1"); res.Status != http.StatusNotFound {
			t.Fatalf("staff opened the sample: %d", res.Status)
		}
	})
}

func pathTail(p string) int64 {
	id, _ := strconv.ParseInt(p[strings.LastIndex(p, "/")+1:], 10, 64)
	return id
}
