package socialorgsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/socialorgs"
	"shequ/internal/socialorgs/socialorgsweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPages: staff register an organisation through the form (a bad one
// first), file it, add a member found by name, record an activity, a
// stale edit conflicts, and the public list names no person.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		clock := func() time.Time { return now }
		org := orgtree.NewStore(db)
		reg := register.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		mk(&cb)
		grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		mk(&grid)
		bu := orgtree.Unit{ParentID: grid.ID, Level: orgtree.LevelBuilding, Name: "3号楼"}
		mk(&bu)
		actor := register.Actor{Name: "t", Source: "cli"}
		b := register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: b.ID, Number: "2-301", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: hh.ID, Name: "李秀兰", Residence: register.ResidenceRegistered, Phone: "13909110001",
			IDNumber: ident.MakeResidentID("610603", time.Date(1952, 3, 9, 0, 0, 0, 0, time.UTC), 132)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		socialorgsweb.Routes(rt, k, socialorgsweb.Deps{Orgs: socialorgs.NewService(db, clock)})
		srv := webtest.Serve(t, rt)
		head := srv.Client()
		head.Login("head")

		form := head.Get("/social-orgs/new?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "form", form.Body)
		csrf := webtest.CSRFOf(t, form.Body)
		res := head.Post("/social-orgs/new?org="+itoa(cb.ID), url.Values{"csrf": {csrf}, "name": {"老年人协会"},
			"kind": {"service"}, "status": {"filed"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "已备案的组织请填写备案编号") {
			t.Fatalf("filed without a number: %d", res.Status)
		}
		res = head.Post("/social-orgs/new?org="+itoa(cb.ID), url.Values{"csrf": {csrf}, "name": {"老年人协会"},
			"kind": {"service"}, "status": {"filed"}, "filing_number": {"ZWD-2026-003"}, "filed_on": {"2026-03-02"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		loc := res.Location()
		page := head.Get(loc)
		webtest.CheckPage(t, loc, page.Body)
		webtest.Contains(t, "org", page.Body, "ZWD-2026-003", "由真武洞街道备案", "登记")
		version := webtest.VersionOf(t, page.Body)

		found := head.Get(loc + "?who=" + url.QueryEscape("秀兰"))
		webtest.Contains(t, "search", found.Body, "李秀兰(编号 "+itoa(p.ID))
		res = head.Post(loc+"/members", url.Values{"csrf": {csrf}, "person": {itoa(p.ID)}, "role": {"会长"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("join: %d %s", res.Status, res.Body)
		}
		res = head.Post(loc+"/members", url.Values{"csrf": {csrf}, "person": {itoa(p.ID)}})
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "不能重复加入") {
			t.Fatalf("join twice: %d", res.Status)
		}
		res = head.Post(loc+"/activities", url.Values{"csrf": {csrf}, "title": {"重阳节茶话会"}, "held_on": {"2026-05-04"},
			"members": {itoa(p.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("activity: %d %s", res.Status, res.Body)
		}
		page = head.Get(loc)
		webtest.Contains(t, "org with member", page.Body, "李秀兰", "会长", "重阳节茶话会")

		edit := url.Values{"csrf": {csrf}, "version": {version}, "name": {"老年人协会"}, "kind": {"service"}, "status": {"filed"},
			"filing_number": {"ZWD-2026-003"}, "filed_on": {"2026-03-02"}, "leader": {itoa(p.ID)}}
		if res := head.Post(loc+"/edit", edit); res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.Status, res.Body)
		}
		edit.Set("purpose", "敬老")
		if res := head.Post(loc+"/edit", edit); res.Status != http.StatusConflict || !strings.Contains(res.Body, "保存冲突") {
			t.Fatalf("a stale edit: %d", res.Status)
		}
		m := regexp.MustCompile(`name="member">\s*<option value="(\d+)"`).FindStringSubmatch(head.Get(loc).Body)
		if m == nil {
			t.Fatal("no member to choose in the leave form")
		}
		res = head.Post(loc+"/leave", url.Values{"csrf": {csrf}, "member": {m[1]}, "left_on": {"2026-01-01"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "退出日期不能早于加入日期") {
			t.Fatalf("left before joined: %d", res.Status)
		}
		if res := head.Post(loc+"/leave", url.Values{"csrf": {csrf}, "member": {"12345"}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no such member: %d", res.Status)
		}
		list := head.Get("/social-orgs?org=" + itoa(cb.ID) + "&status=filed&kind=service")
		webtest.CheckPage(t, "list", list.Body)
		webtest.Contains(t, "list", list.Body, "老年人协会", "李秀兰")

		pub := srv.Client().Get("/public/social-orgs/" + itoa(cb.ID))
		if pub.Status != http.StatusOK {
			t.Fatalf("public: %d", pub.Status)
		}
		webtest.CheckPage(t, "public", pub.Body)
		webtest.Contains(t, "public", pub.Body, "老年人协会", "ZWD-2026-003", "成员 1 人")
		webtest.Lacks(t, "public", pub.Body, "李秀兰", "会长")
		if res := srv.Client().Get("/social-orgs?org=" + itoa(cb.ID)); res.Status == http.StatusOK {
			t.Fatal("the staff list without a login")
		}
	})
}
