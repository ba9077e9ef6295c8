package workaccessweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
	"shequ/internal/workdays"
)

// TestInboxPages: a department sends a campaign resting on nothing and a
// meeting on an admitted, funded duty; the community refuses the first in
// one step, is asked at the field for a reason to refuse the second; the
// department and the street read the refusal, another community nothing.
func TestInboxPages(t *testing.T) {
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
		nan := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城南社区"}
		if err := org.Create(ctx, db, &nan); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "civil", "民政小王", "dept_civil", street.ID)
		webtest.AddUser(t, k, "street", "街道小李", "street_operator", street.ID)
		staffU := webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		webtest.AddUser(t, k, "nan", "城南小赵", "community_staff", nan.ID)
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, workdays.Shanghai)
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: workaccess.NewService(db, func() time.Time { return now })})
		srv := webtest.Serve(t, rt)
		civil, streetC, staff, other := srv.Client(), srv.Client(), srv.Client(), srv.Client()
		civil.Login("civil")
		streetC.Login("street")
		staff.Login("staff")
		other.Login("nan")

		if r := staff.Get("/demands/new"); r.Status != http.StatusForbidden {
			t.Errorf("a community opens the send form: %d", r.Status)
		}
		r := civil.Get("/demands/new")
		webtest.CheckPage(t, "/demands/new", r.Body)
		webtest.Contains(t, "send form", r.Body, "城北社区", "城南社区", "组织召开居民会议、居民代表会议")
		csrf := webtest.CSRFOf(t, r.Body)
		send := func(kind, title, item string) webtest.Result {
			return civil.Post("/demands/new", url.Values{"csrf": {csrf}, "kind": {kind}, "title": {title}, "department": {"civil"},
				"community_id": {strconv.FormatInt(cb.ID, 10)}, "due_on": {"2026-11-20"}, "work_item_id": {item}})
		}
		if r := send("campaign", "", ""); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请填写工作名称") {
			t.Fatalf("send without title: %d", r.Status)
		}
		if r := send("campaign", "文明城市创建入户宣传", ""); r.Status != http.StatusSeeOther {
			t.Fatalf("send campaign: %d %s", r.Status, r.Body)
		}
		if r := send("meeting", "第四季度居民会议", "1001"); r.Status != http.StatusSeeOther {
			t.Fatalf("send meeting: %d", r.Status)
		}

		r = staff.Get("/demands")
		webtest.CheckPage(t, "/demands", r.Body)
		webtest.Contains(t, "inbox", r.Body, "文明城市创建入户宣传", "未准入", "第四季度居民会议", "2026-11-20", "接收")
		webtest.Lacks(t, "other inbox", other.Get("/demands").Body, "文明城市创建入户宣传", "第四季度居民会议")
		sv, err := k.Access.Viewer(ctx, staffU.ID, staffU.Name)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := workaccess.NewService(db, nil).Demands(ctx, sv, "")
		if err != nil || len(ds) != 2 {
			t.Fatalf("demands %v %v", ds, err)
		}
		byTitle := map[string]*workaccess.Demand{}
		for _, d := range ds {
			byTitle[d.Title] = d
		}
		answer := func(c *webtest.Client, d *workaccess.Demand, v url.Values) webtest.Result {
			v.Set("csrf", webtest.CSRFOf(t, c.Get("/demands").Body))
			v.Set("version", strconv.Itoa(d.Version))
			return c.Post("/demands/"+strconv.FormatInt(d.ID, 10)+"/answer", v)
		}
		if r := answer(other, byTitle["文明城市创建入户宣传"], url.Values{"answer": {"refuse"}}); r.Status != http.StatusNotFound {
			t.Errorf("another community answers: %d", r.Status)
		}
		if r := answer(streetC, byTitle["文明城市创建入户宣传"], url.Values{"answer": {"refuse"}}); r.Status != http.StatusForbidden {
			t.Errorf("the street answers for the community: %d", r.Status)
		}
		if r := answer(staff, byTitle["文明城市创建入户宣传"], url.Values{"answer": {"refuse"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("one-step refusal: %d %s", r.Status, r.Body)
		}
		r = answer(staff, byTitle["第四季度居民会议"], url.Values{"answer": {"refuse"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refusing an obligation without reason: %d", r.Status)
		}
		webtest.Contains(t, "refusal at the field", r.Body, "拒绝须写明理由", `aria-invalid="true"`)
		if r := answer(staff, byTitle["第四季度居民会议"], url.Values{"answer": {"accept"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.Status)
		}
		for _, c := range []*webtest.Client{civil, streetC} {
			r := c.Get("/demands?status=refused")
			webtest.Contains(t, "refusal seen by the sender and the street", r.Body, "文明城市创建入户宣传", "拒绝理由:未准入")
			webtest.Lacks(t, "accepted not among refusals", r.Body, "第四季度居民会议")
		}
	})
}
