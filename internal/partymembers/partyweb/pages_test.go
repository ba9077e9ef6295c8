package partyweb_test

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
	"shequ/internal/partymembers"
	"shequ/internal/partymembers/partyweb"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var hidden = regexp.MustCompile(`name="(version|service-key|grade-version)" value="([^"]*)"`)

// TestPages: a community worker registers a resident as a member (a
// person not on the register refused at the field), records a re-report,
// a claim and service, pairs them with a household and records a visit
// (a visit of 百家熟); posts a wish, has it claimed, a wrong step refused
// in Chinese on the page; the service page and the employer's card as PDF
// and xlsx; a grid worker has no access.
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
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}); err != nil {
			t.Fatal(err)
		}
		var persons []register.Person
		var households []register.Household
		for i := range 2 {
			house := register.House{BuildingID: bu.ID, Number: "2-30" + itoa(int64(i)), Use: register.HouseOwner}
			if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
				t.Fatal(err)
			}
			hh := register.Household{Number: "CB000" + itoa(int64(i)), Kind: register.HouseholdRegistered, HouseID: house.ID}
			if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
				t.Fatal(err)
			}
			p := register.Person{HouseholdID: hh.ID, Name: []string{"李建国", "王秀英"}[i], Residence: register.ResidenceRegistered,
				Phone: "13909110001", IDNumber: ident.MakeResidentID("610603", time.Date(1980, 3, 9, 0, 0, 0, 0, time.UTC), 131+2*i)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatal(err)
			}
			persons, households = append(persons, p), append(households, hh)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		for _, e := range register.Entities() {
			k.Access.Resolve(e, reg.Resolver(e))
		}
		webtest.AddUser(t, k, "staff", "刘干事", "community_staff", cb.ID)
		webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		vs := visits.NewService(db, reg, nil, nil)
		ps := partymembers.NewService(db, reg, vs, nil)
		partyweb.Routes(rt, k, partyweb.Deps{Party: ps})
		srv := webtest.Serve(t, rt)
		c, gw := srv.Client(), srv.Client()
		c.Login("staff")
		gw.Login("gw")
		if res := gw.Get("/party-members"); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Fatalf("a grid worker's list: %d", res.Status)
		}

		res := c.Get("/party-members/new?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/party-members/new", res.Body)
		csrf := webtest.CSRFOf(t, res.Body)
		form := url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "id_number": {"610603198003091999"}, "employer": {"区税务局"}}
		if res := c.Post("/party-members/new", form); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "请先在登记册中登记该居民") {
			t.Fatalf("not on the register: %d", res.Status)
		}
		form.Set("id_number", persons[0].IDNumber)
		form.Set("reported_on", time.Now().AddDate(0, -7, 0).Format("2006-01-02"))
		res = c.Post("/party-members/new", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		member := res.Location()
		list := c.Get("/party-members?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/party-members", list.Body)
		webtest.Contains(t, "list", list.Body, "李建国", "区税务局", "逾期未报到")
		page := c.Get(member)
		webtest.CheckPage(t, member, page.Body)
		webtest.Contains(t, "member", page.Body, "逾期未报到", "6106**********0131"[:4])
		webtest.Lacks(t, "member", page.Body, persons[0].IDNumber, "13909110001")
		vals := func(body string) url.Values {
			v := url.Values{"csrf": {csrf}}
			for _, m := range hidden.FindAllStringSubmatch(body, -1) {
				if v.Get(m[1]) == "" {
					v.Set(m[1], m[2])
				}
			}
			return v
		}
		if res := c.Post(member+"/report", vals(page.Body)); res.Status != http.StatusSeeOther {
			t.Fatalf("report again: %d %s", res.Status, res.Body)
		}
		page = c.Get(member)
		webtest.Lacks(t, "after reporting", page.Body, "逾期未报到")

		posts := c.Get("/party-posts?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/party-posts", posts.Body)
		if res := c.Post("/party-posts", url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "name": {"文明劝导"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("post: %d %s", res.Status, res.Body)
		}
		p, _ := ps.Posts(ctx, cb.ID)
		if res := c.Post(member+"/claims", url.Values{"csrf": {csrf}, "claims-post": {itoa(p[0].ID)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("claim: %d %s", res.Status, res.Body)
		}
		page = c.Get(member)
		sv := vals(page.Body)
		sv.Set("service-post", itoa(p[0].ID))
		sv.Set("service-hours", "30")
		sv.Set("service-content", "路口劝导")
		if res := c.Post(member+"/service", sv); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "不超过 24") {
			t.Fatalf("30 hours: %d", res.Status)
		}
		sv.Set("service-hours", "2.5")
		for range 2 { // a double tap records once
			if res := c.Post(member+"/service", sv); res.Status != http.StatusSeeOther {
				t.Fatalf("service: %d %s", res.Status, res.Body)
			}
		}
		if res := c.Post(member+"/pairings", url.Values{"csrf": {csrf}, "pairings-household": {households[1].Number}}); res.Status != http.StatusSeeOther {
			t.Fatalf("pair: %d %s", res.Status, res.Body)
		}
		m, _ := ps.Members(ctx, access.Everything, partymembers.Filter{})
		pr, _ := ps.Pairings(ctx, m[0])
		f := "visit" + itoa(pr[0].ID)
		if res := c.Post(member+"/visit/"+itoa(pr[0].ID), url.Values{"csrf": {csrf}, f + "-key": {"k1"}, f + "-met": {"王秀英"},
			f + "-hours": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("pairing visit: %d %s", res.Status, res.Body)
		}
		if got, _ := vs.VisitsOf(ctx, cb.ID, households[1].ID, 5); len(got) != 1 {
			t.Fatalf("the household's visits: %+v", got)
		}
		page = c.Get(member)
		webtest.Contains(t, "member", page.Body, "3.5 小时", "路口劝导", "结对走访")

		wishes := c.Get("/party-wishes?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/party-wishes", wishes.Body)
		res = c.Post("/party-wishes", url.Values{"csrf": {csrf}, "org": {itoa(cb.ID)}, "id_number": {persons[1].IDNumber},
			"title": {"修理轮椅"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("wish: %d %s", res.Status, res.Body)
		}
		wish := res.Location()
		wp := c.Get(wish)
		webtest.CheckPage(t, wish, wp.Body)
		ver := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(wp.Body)[1]
		if res := c.Post(wish, url.Values{"csrf": {csrf}, "version": {ver}, "action": {"confirm"}}); res.Status != http.StatusConflict ||
			!strings.Contains(res.Body, "不能确认实现") {
			t.Fatalf("confirm an open wish: %d", res.Status)
		}
		if res := c.Post(wish, url.Values{"csrf": {csrf}, "version": {ver}, "action": {"claim"}, "claim-member": {itoa(m[0].ID)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("claim the wish: %d %s", res.Status, res.Body)
		}
		wp = c.Get(wish)
		webtest.Contains(t, "wish", wp.Body, "已认领", "李建国", "发布", "认领")

		year := time.Now().Format("2006")
		svc := c.Get("/party-service?org=" + itoa(cb.ID) + "&period=" + year)
		webtest.CheckPage(t, "/party-service", svc.Body)
		webtest.Contains(t, "service", svc.Body, "区税务局", "3.5")
		svc = c.Get("/party-service?org=" + itoa(cb.ID))
		webtest.Contains(t, "service", svc.Body, "季度卡 PDF")
		card := c.Get("/party-service/card?org=" + itoa(cb.ID) + "&employer=" + url.QueryEscape("区税务局") + "&period=" + year + "&format=xlsx")
		if card.Status != http.StatusOK || !strings.HasPrefix(card.Body, "PK") {
			t.Fatalf("the card's xlsx: %d", card.Status)
		}
		card = c.Get("/party-service/card?org=" + itoa(cb.ID) + "&employer=" + url.QueryEscape("区税务局") + "&period=" + year)
		if card.Status != http.StatusOK || !strings.HasPrefix(card.Body, "%PDF") {
			t.Fatalf("the card's PDF: %d", card.Status)
		}
		// The year is not over: those were previews. The last quarter's
		// card is due until the staff download it, then sent.
		svc = c.Get("/party-service?org=" + itoa(cb.ID))
		webtest.Contains(t, "service", svc.Body, "反馈卡送达情况", "未送达", "出具季度卡 PDF")
		card = c.Get("/party-service/card?org=" + itoa(cb.ID) + "&employer=" + url.QueryEscape("区税务局") + "&period=" + ps.LastQuarter())
		if card.Status != http.StatusOK || !strings.HasPrefix(card.Body, "%PDF") {
			t.Fatalf("the last quarter's card: %d", card.Status)
		}
		svc = c.Get("/party-service?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "/party-service", svc.Body)
		webtest.Contains(t, "service", svc.Body, "已送达 "+ps.Today(), "刘干事")
		webtest.Lacks(t, "service", svc.Body, "出具季度卡 PDF")
	})
}
