package visitsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
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
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var hidden = regexp.MustCompile(`name="(client_uuid|household_version|version_\d+)" value="([^"]*)"`)

// TestPages: a grid worker opens their list, records a visit correcting a
// member's phone (a register change with the visit as its source) and a
// double send of the form is one visit; the community head sees the
// team's lists, the coverage, the planner and the rules.
func TestPages(t *testing.T) {
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
		p := register.Person{HouseholdID: hh.ID, Name: "李建国", Residence: register.ResidenceRegistered, Phone: "13909110001",
			IDNumber: ident.MakeResidentID("610603", time.Date(1950, 3, 9, 0, 0, 0, 0, time.UTC), 131)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		start := time.Now().In(workdays.Shanghai).AddDate(0, 0, -40).Format("2006-01-02")
		if err := reg.AddTag(ctx, actor, access.Everything, &register.Tag{PersonID: p.ID, Tag: "dibao", StartedOn: start}); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		for _, e := range register.Entities() {
			k.Access.Resolve(e, reg.Resolver(e))
		}
		worker := webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		st := orgtree.Staff{UnitID: grid.ID, CommunityID: cb.ID, Role: "grid_worker", Name: "王网格", UserID: worker.ID, StartedOn: "2025-01-01"}
		if err := org.AddStaff(ctx, db, &st); err != nil {
			t.Fatal(err)
		}
		vs := visits.NewService(db, reg, nil, nil)
		vs.UseEvents(events.NewStore(db))
		if _, err := vs.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		visitsweb.Routes(rt, k, visitsweb.Deps{Visits: vs, Register: reg})
		srv := webtest.Serve(t, rt)
		gw, head := srv.Client(), srv.Client()
		gw.Login("gw")
		head.Login("head")

		res := gw.Get("/visits")
		webtest.CheckPage(t, "/visits", res.Body)
		webtest.Contains(t, "worklist", res.Body, "3号楼 2-301", "超期", "低保户每月一次")
		form := "/visits/households/" + itoa(hh.ID) + "/new"
		res = gw.Get(form + "?staff=" + itoa(st.ID))
		if res.Status != http.StatusOK {
			t.Fatalf("form: %d %s", res.Status, res.Body)
		}
		webtest.CheckPage(t, form, res.Body)
		values := url.Values{"csrf": {webtest.CSRFOf(t, res.Body)}, "outcome": {"met"}, "met": {"户主本人"},
			"present": {itoa(p.ID)}, "notes": {"老人身体还好"}, "household_phone": {""}, "staff": {itoa(st.ID)}}
		for _, m := range hidden.FindAllStringSubmatch(res.Body, -1) {
			values.Set(m[1], m[2])
		}
		values.Set("phone_"+itoa(p.ID), "13800000002")
		bad := url.Values{}
		for k, v := range values {
			bad[k] = v
		}
		bad.Set("outcome", "")
		if res := gw.Post(form, bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请选择走访结果") {
			t.Fatalf("no outcome: %d", res.Status)
		}
		res = gw.Post(form, values)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/visits/") {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		again := gw.Post(form, values) // a double tap
		if again.Location() != res.Location() {
			t.Fatalf("the same form twice: %s then %s", res.Location(), again.Location())
		}
		page := gw.Get(res.Location())
		webtest.CheckPage(t, res.Location(), page.Body)
		webtest.Contains(t, "visit", page.Body, "联系电话", "上报事件", "老人身体还好")
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM change_events WHERE source LIKE 'visit:%' AND entity = 'person'`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d person changes from the visit", n)
		}
		if res := gw.Get("/visits/coverage?org=" + itoa(cb.ID)); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Fatalf("a grid worker's coverage page: %d", res.Status)
		}

		for _, path := range []string{"/visits/team?org=" + itoa(cb.ID), "/visits/coverage?org=" + itoa(cb.ID),
			"/visits/capacity?org=" + itoa(cb.ID) + "&target=1", "/visit-rules", "/visit-rules/new", "/visits/workers/" + itoa(st.ID)} {
			res := head.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			webtest.CheckPage(t, path, res.Body)
		}
		cov := head.Get("/visits/coverage?org=" + itoa(cb.ID))
		webtest.Contains(t, "coverage", cov.Body, "共 1 户:周期内已访 1")
		rules := head.Get("/visit-rules/new")
		rf := url.Values{"csrf": {webtest.CSRFOf(t, rules.Body)}, "community": {itoa(cb.ID)}, "name": {"空巢老人每两周一次"},
			"applies": {"tag"}, "tag": {"very_old"}, "interval": {"14"}, "series": {"15,30"}, "window": {"3"}, "grace": {"3"}, "active": {"1"}}
		if res := head.Post("/visit-rules/new", rf); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "只填一项") {
			t.Fatalf("interval and series: %d", res.Status)
		}
		rf.Set("series", "")
		if res := head.Post("/visit-rules/new", rf); res.Status != http.StatusSeeOther {
			t.Fatalf("rule: %d %s", res.Status, res.Body)
		}
		rf.Set("community", "0")
		if res := head.Post("/visit-rules/new", rf); res.Status != http.StatusForbidden {
			t.Fatalf("a community head keeping a shared rule: %d", res.Status)
		}
		cap := head.Get("/visits/capacity?org=" + itoa(cb.ID))
		res = head.Post("/visits/capacity", url.Values{"csrf": {webtest.CSRFOf(t, cap.Body)}, "org": {itoa(cb.ID)},
			"staff": {itoa(st.ID)}, "visits_per_day": {"10"}, "team_size": {"2"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("capacity: %d %s", res.Status, res.Body)
		}
	})
}

func itoa(n int64) string { return visits.Source(n)[len("visit:"):] }
