package visitsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/visits/visitsweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// TestNeedPages: a need typed on the visit form is saved with the visit as
// an event at the household's building; a bad one brings the form back
// with the error at its field and saves nothing; a visit recorded without
// one reports it from its page, once; the community head, who may take
// applications, finds 代办申请 opening the hall's intake for each member.
func TestNeedPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		reg := register.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		mk(&cb)
		grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		mk(&grid)
		bu := orgtree.Unit{ParentID: grid.ID, Level: orgtree.LevelBuilding, Name: "3号楼"}
		mk(&bu)
		actor := register.Actor{Name: "t", Source: "cli"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: bu.ID, Number: "2-301", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: hh.ID, Name: "李建国", Residence: register.ResidenceRegistered, Phone: "13909110001",
			IDNumber: ident.MakeResidentID("610603", time.Date(1950, 3, 9, 0, 0, 0, 0, time.UTC), 131)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		for _, e := range register.Entities() {
			k.Access.Resolve(e, reg.Resolver(e))
		}
		webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		vs := visits.NewService(db, reg, nil, nil)
		vs.UseEvents(events.NewStore(db))
		visitsweb.Routes(rt, k, visitsweb.Deps{Visits: vs, Register: reg})
		srv := webtest.Serve(t, rt)
		gw, head := srv.Client(), srv.Client()
		gw.Login("gw")
		head.Login("head")
		count := func(table string) int {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		form := "/visits/households/" + itoa(hh.ID) + "/new"
		res := gw.Get(form)
		webtest.Contains(t, "form", res.Body, "报事件", "困难群众帮扶")
		if strings.Contains(res.Body, "/services/intake?person=") {
			t.Error("代办申请 offered to a grid worker, who takes no applications")
		}
		values := url.Values{"csrf": {webtest.CSRFOf(t, res.Body)}, "outcome": {"met"}, "met": {"户主本人"},
			"household_phone": {""}, "need_category": {"demand"}, "need_description": {"老人需要代购药品"}}
		for _, m := range hidden.FindAllStringSubmatch(res.Body, -1) {
			values.Set(m[1], m[2])
		}
		if res := gw.Post(form, values); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请选择事件的具体小类") {
			t.Fatalf("a 大类 for the need: %d", res.Status)
		}
		if count("visits") != 0 || count("events") != 0 {
			t.Fatal("a refused need saved something")
		}
		values.Set("need_category", "demand.assist")
		res = gw.Post(form, values)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("visit with a need: %d %s", res.Status, res.Body)
		}
		var eventOrg, subject int64
		var source string
		if err := db.QueryRowContext(ctx, `SELECT e.org_id, e.subject_id, e.source FROM events e JOIN visits v ON v.event_id = e.id`).
			Scan(&eventOrg, &subject, &source); err != nil {
			t.Fatal(err)
		}
		if eventOrg != bu.ID || subject != hh.ID || source != events.SourceGrid {
			t.Errorf("the event: org %d subject %d source %s", eventOrg, subject, source)
		}
		page := gw.Get(res.Location())
		webtest.CheckPage(t, res.Location(), page.Body)
		webtest.Contains(t, "visit", page.Body, "已上报为")

		// Recorded without a need, reported from the visit's page.
		res = head.Get(form)
		values = url.Values{"csrf": {webtest.CSRFOf(t, res.Body)}, "outcome": {"absent"}, "household_phone": {""}}
		for _, m := range hidden.FindAllStringSubmatch(res.Body, -1) {
			values.Set(m[1], m[2])
		}
		res = head.Post(form, values)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("visit: %d %s", res.Status, res.Body)
		}
		page = head.Get(res.Location())
		webtest.CheckPage(t, res.Location(), page.Body)
		webtest.Contains(t, "visit", page.Body, "上报事件", "/services/intake?person="+itoa(p.ID))
		report := res.Location() + "/event"
		bad := url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "need_category": {"safety.gas"}}
		if r := head.Post(report, bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请描述") {
			t.Fatalf("no description: %d", r.Status)
		}
		bad.Set("need_description", "楼道有燃气味")
		if r := head.Post(report, bad); r.Status != http.StatusSeeOther {
			t.Fatalf("报事件: %d %s", r.Status, r.Body)
		}
		if r := head.Post(report, bad); r.Status != http.StatusConflict {
			t.Errorf("报事件 twice: %d", r.Status)
		}
		if n := count("events"); n != 2 {
			t.Errorf("%d events, want 2", n)
		}
	})
}
