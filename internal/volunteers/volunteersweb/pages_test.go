package volunteersweb_test

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
	"shequ/internal/volunteers"
	"shequ/internal/volunteers/volunteersweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var (
	scanURL   = regexp.MustCompile(`/v/scan/\d+\?k=[A-Za-z0-9_-]+`)
	phoneCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := phoneCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token in\n%s", body)
	}
	return m[1]
}

// TestQRFlow is the whole way of a resident: the join page on a phone, a
// sign-up, the activity's QR opened to check in, again too soon (refused),
// again after the service to check out, and the hours on my page; the
// staff's pages render on the way.
func TestQRFlow(t *testing.T) {
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
			IDNumber: ident.MakeResidentID("610603", time.Date(1962, 3, 9, 0, 0, 0, 0, time.UTC), 132)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		vs := volunteers.NewService(db, clock)
		volunteersweb.Routes(rt, k, volunteersweb.Deps{Volunteers: vs, BaseURL: "https://shequ.example"})
		srv := webtest.Serve(t, rt)
		head, phone := srv.Client(), srv.Client()
		head.Login("head")

		// The organiser's activity and its QR.
		form := head.Get("/volunteer-activities/new?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "activity form", form.Body)
		res := head.Post("/volunteer-activities/new?org="+itoa(cb.ID), url.Values{"csrf": {webtest.CSRFOf(t, form.Body)},
			"title": {"义诊进社区"}, "kind": {"service"}, "day": {"2026-05-05"}, "from": {"09:00"}, "to": {"11:00"}, "slots": {"0"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "名额须为 1 至 500") {
			t.Fatalf("no slots: %d", res.Status)
		}
		res = head.Post("/volunteer-activities/new?org="+itoa(cb.ID), url.Values{"csrf": {webtest.CSRFOf(t, form.Body)},
			"title": {"义诊进社区"}, "kind": {"service"}, "day": {"2026-05-05"}, "from": {"09:00"}, "to": {"11:00"}, "slots": {"5"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("activity: %d %s", res.Status, res.Body)
		}
		act := head.Get(res.Location())
		webtest.CheckPage(t, res.Location(), act.Body)
		webtest.Contains(t, "activity", act.Body, `<svg class="qr"`, "https://shequ.example/v/scan/", "2026-05-05 09:00–11:00")
		qr := scanURL.FindString(act.Body)
		if qr == "" {
			t.Fatal("no QR URL on the activity's page")
		}

		// The resident joins on the phone.
		join := phone.Get("/v/join?c=" + itoa(cb.ID))
		webtest.CheckPage(t, "join", join.Body)
		jf := url.Values{"csrf": {csrfOf(t, join.Body)}, "c": {itoa(cb.ID)}, "name": {"李秀兰"}, "id_number": {p.IDNumber},
			"phone": {"13900000000"}, "skills": {"medical"}}
		res = phone.Post("/v/join", jf)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "没有与所填姓名、身份证号和手机号一致") {
			t.Fatalf("a wrong phone: %d", res.Status)
		}
		webtest.Lacks(t, "join refused", res.Body, p.IDNumber)
		jf.Set("phone", p.Phone)
		res = phone.Post("/v/join", jf)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "610603100001-00001") {
			t.Fatalf("join: %d %s", res.Status, res.Body)
		}
		webtest.CheckPage(t, "joined", res.Body)
		webtest.Lacks(t, "joined", res.Body, p.IDNumber, p.Phone)
		again := phone.Post("/v/join", jf)
		if !strings.Contains(again.Body, "已登记为志愿者,志愿者编号 610603100001-00001") {
			t.Fatalf("joining twice: %d", again.Status)
		}

		// Sign up, then the QR on the day.
		shifts := phone.Get("/v/shifts")
		webtest.CheckPage(t, "shifts", shifts.Body)
		webtest.Contains(t, "shifts", shifts.Body, "义诊进社区", "余 5")
		shiftID := strings.TrimPrefix(strings.SplitN(qr, "?", 2)[0], "/v/scan/")
		res = phone.Post("/v/shifts/"+shiftID+"/signup", url.Values{"csrf": {csrfOf(t, shifts.Body)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("sign-up: %d %s", res.Status, res.Body)
		}
		if res := phone.Post("/v/shifts/"+shiftID+"/signup", url.Values{"csrf": {"forged-token-forged-token"}}); res.Status != http.StatusBadRequest {
			t.Fatalf("a forged token: %d", res.Status)
		}
		me := phone.Get("/v/me")
		webtest.CheckPage(t, "me", me.Body)
		webtest.Contains(t, "me", me.Body, "义诊进社区", "取消报名")

		if res := srv.Client().Get(qr); res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "登记为志愿者并签到") {
			t.Fatalf("the QR without a session: %d", res.Status)
		}
		now = time.Date(2026, 5, 5, 8, 45, 0, 0, workdays.Shanghai)
		res = phone.Get(qr)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "签到成功") {
			t.Fatalf("check-in: %d %s", res.Status, res.Body)
		}
		webtest.CheckPage(t, "check-in", res.Body)
		now = now.Add(time.Minute)
		if res := phone.Get(qr); res.Status != http.StatusConflict || !strings.Contains(res.Body, "不能重复签到") {
			t.Fatalf("a second check-in: %d", res.Status)
		}
		now = time.Date(2026, 5, 5, 11, 5, 0, 0, workdays.Shanghai)
		res = phone.Get(qr)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "签退成功") || !strings.Contains(res.Body, "2.3") {
			t.Fatalf("check-out: %d %s", res.Status, res.Body)
		}
		me = phone.Get("/v/me")
		webtest.Contains(t, "my hours", me.Body, `<strong id="year-hours">2.3</strong>`, "核实人 张书记")

		// The staff's pages.
		var vol int64
		db.QueryRowContext(ctx, `SELECT id FROM volunteers`).Scan(&vol)
		for _, path := range []string{"/volunteers?org=" + itoa(cb.ID), "/volunteers/" + itoa(vol), "/volunteers/new?org=" + itoa(cb.ID),
			"/volunteer-activities?org=" + itoa(cb.ID), "/volunteer-needs?org=" + itoa(cb.ID)} {
			res := head.Get(path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			webtest.CheckPage(t, path, res.Body)
		}
		page := head.Get("/volunteers/" + itoa(vol))
		webtest.Contains(t, "volunteer", page.Body, "610603100001-00001", "义诊进社区", "shift:")
		res = head.Post("/volunteers/"+itoa(vol)+"/hours", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "kind": {"training"},
			"served_on": {"2026-05-05"}, "hours": {"22"}, "content": {"急救培训"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "超过每天24小时") {
			t.Fatalf("24 hours a day: %d", res.Status)
		}
		res = head.Post("/volunteers/new?org="+itoa(cb.ID), url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "id_number": {p.IDNumber}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "志愿者编号 610603100001-00001,不能重复登记") {
			t.Fatalf("staff registering twice: %d", res.Status)
		}
	})
}
