package procurementweb_test

import (
	"context"
	"encoding/json"
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
	"shequ/internal/procurement"
	"shequ/internal/procurement/procurementweb"
	"shequ/internal/register"
	"shequ/internal/socialorgs"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPages: staff make a project from a 协商 decision (one on the
// negative list refused first), publish a tender (bad weights refused),
// record two bids, seat a panel, are refused a late bid and a conflicted
// score, award; the public page shows the tender with sealed bids, then
// the award with every score; the OCDS package of the street carries it;
// the street reads but may not act.
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
		var persons []register.Person
		for j, n := range []string{"李秀兰", "周建华"} {
			p := register.Person{HouseholdID: hh.ID, Name: n, Residence: register.ResidenceRegistered,
				IDNumber: ident.MakeResidentID("610603", time.Date(1960+j, 3, 9, 0, 0, 0, 0, time.UTC), 132+j)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatal(err)
			}
			persons = append(persons, p)
		}
		so := socialorgs.NewService(db, clock)
		sst := socialorgs.Staff{Name: "张书记", May: func(int64) bool { return true }}
		var orgs []socialorgs.Org
		for i, n := range []string{"老年人协会", "阳光社工服务社"} {
			o, err := so.Create(ctx, sst, cb.ID, socialorgs.Draft{Name: n, Kind: "service", Status: "filed",
				FilingNumber: "ZWD-2025-00" + strconv.Itoa(i+1), FiledOn: "2025-03-01"})
			if err != nil {
				t.Fatal(err)
			}
			orgs = append(orgs, o)
		}
		if _, err := so.Join(ctx, sst, orgs[0].ID, persons[0].ID, "会长", "2025-04-01"); err != nil {
			t.Fatal(err)
		}
		matter := database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO proposals (community_id, id, title, body, proposer_kind, status, ballot_salt,
			decision, result, decided_on, created_at, updated_at) VALUES ($1, $2, '设立社区老年食堂', '助餐', 'committee',
			'decided', 'x', '同意委托社会组织运营老年助餐点', 'passed', '2026-04-20', $3, $3)`, cb.ID, matter, database.FormatTime(now)); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		webtest.AddUser(t, k, "street", "街道王", "street_operator", street.ID)
		procurementweb.Routes(rt, k, procurementweb.Deps{Projects: procurement.NewService(db, func() time.Time { return now })})
		srv := webtest.Serve(t, rt)
		head := srv.Client()
		head.Login("head")

		form := head.Get("/projects/new?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "new", form.Body)
		webtest.Contains(t, "new", form.Body, "设立社区老年食堂")
		csrf := webtest.CSRFOf(t, form.Body)
		project := url.Values{"csrf": {csrf}, "source": {"m" + itoa(matter)}, "title": {"老年食堂装修工程"}, "category": {"meals"},
			"goals": {"为80岁以上老人提供午餐"}, "budget": {"100000"}}
		res := head.Post("/projects/new?org="+itoa(cb.ID), project)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "负面清单") {
			t.Fatalf("an engineering project: %d", res.Status)
		}
		project.Set("title", "老年助餐点运营服务")
		project.Set("budget", "100000.5x")
		if res := head.Post("/projects/new?org="+itoa(cb.ID), project); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请填写预算金额") {
			t.Fatalf("a malformed budget: %d", res.Status)
		}
		project.Set("budget", "100000")
		res = head.Post("/projects/new?org="+itoa(cb.ID), project)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		loc := res.Location()
		page := head.Get(loc)
		webtest.CheckPage(t, loc, page.Body)
		webtest.Contains(t, "project", page.Body, "老年助餐点运营服务", "立项", "100000.00 元", "同意委托社会组织运营老年助餐点")
		version := webtest.VersionOf(t, page.Body)
		tender := url.Values{"csrf": {csrf}, "version": {version}, "price_points": {"20"}, "criterion0": {"服务方案"}, "points0": {"40"},
			"criterion1": {"团队与经验"}, "points1": {"30"}, "closes_at": {"2026-05-20T17:00"}}
		res = head.Post(loc+"/tender", tender)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "之和须为100分,现为90分") {
			t.Fatalf("weights of 90: %d", res.Status)
		}
		tender.Set("points1", "40")
		if res := head.Post(loc+"/tender", tender); res.Status != http.StatusSeeOther {
			t.Fatalf("tender: %d %s", res.Status, res.Body)
		}
		for i, price := range []string{"80000", "85000"} {
			res := head.Post(loc+"/bids", url.Values{"csrf": {csrf}, "org": {itoa(orgs[i].ID)}, "price": {price}, "proposal": {"驻点服务"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("bid: %d %s", res.Status, res.Body)
			}
		}
		res = head.Post(loc+"/bids", url.Values{"csrf": {csrf}, "org": {itoa(orgs[0].ID)}, "price": {"70000"}, "proposal": {"再投"}})
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "只能投一份标") {
			t.Fatalf("a second bid: %d %s", res.Status, res.Body)
		}
		for _, p := range persons {
			if res := head.Post(loc+"/panel", url.Values{"csrf": {csrf}, "person": {itoa(p.ID)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("panel: %d %s", res.Status, res.Body)
			}
		}
		id := strings.TrimPrefix(loc, "/projects/")
		pub := srv.Client().Get("/public/tenders/" + id)
		if pub.Status != http.StatusOK {
			t.Fatalf("public tender: %d", pub.Status)
		}
		webtest.Contains(t, "public tender", pub.Body, "招标公告", "价格分 20 分", "2026-05-20 17:00")
		webtest.Lacks(t, "public tender", pub.Body, "阳光社工服务社", "85000") // sealed until the award

		now = time.Date(2026, 5, 20, 17, 0, 0, 0, workdays.Shanghai)
		res = head.Post(loc+"/bids", url.Values{"csrf": {csrf}, "org": {itoa(orgs[1].ID)}, "price": {"60000"}, "proposal": {"晚到"}})
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "投标截止时间已过") {
			t.Fatalf("a late bid: %d", res.Status)
		}
		page = head.Get(loc)
		crit := regexp.MustCompile(`name="(c\d+)"`).FindAllStringSubmatch(page.Body, -1)
		bids := regexp.MustCompile(`name="bid">(?:<option value="(\d+)">[^<]*</option>)(?:<option value="(\d+)">)`).FindStringSubmatch(page.Body)
		if len(crit) != 2 || bids == nil {
			t.Fatalf("the score form: %d criteria, bids %v", len(crit), bids)
		}
		bidOf := map[string]string{}
		for _, bidID := range bids[1:] {
			if strings.Contains(page.Body, `<option value="`+bidID+`">老年人协会`) {
				bidOf["老年人协会"] = bidID
			} else {
				bidOf["阳光社工服务社"] = bidID
			}
		}
		score := func(person int64, bid string, a, b string) webtest.Result {
			r := head.Post(loc+"/scores", url.Values{"csrf": {csrf}, "person": {itoa(person)}, "bid": {bid}, crit[0][1]: {a}, crit[1][1]: {b}})
			return r
		}
		if r := score(persons[0].ID, bidOf["老年人协会"], "30", "30"); r.Status != http.StatusConflict || !strings.Contains(r.Body, "须回避") {
			t.Fatalf("a member scoring their organisation: %d", r.Status)
		}
		if r := score(persons[1].ID, bidOf["老年人协会"], "41", "30"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "须在0至40分之间") {
			t.Fatalf("a score over the range: %d", r.Status)
		}
		for _, s := range []struct {
			person int64
			bid    string
		}{{persons[1].ID, bidOf["老年人协会"]}, {persons[0].ID, bidOf["阳光社工服务社"]}, {persons[1].ID, bidOf["阳光社工服务社"]}} {
			if r := score(s.person, s.bid, "35", "30"); r.Status != http.StatusSeeOther {
				t.Fatalf("score: %d %s", r.Status, r.Body)
			}
		}
		page = head.Get(loc)
		if res := head.Post(loc+"/award", url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, page.Body)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("award: %d %s", res.Status, res.Body)
		}
		pub = srv.Client().Get("/public/tenders/" + id)
		// 老年人协会: 20.00 + 65 = 85.00 (its member stood aside); 阳光: 18.82 + 65 = 83.82.
		webtest.Contains(t, "public award", pub.Body, "中标公示", "85.00", "83.82", "回避", "阳光社工服务社")
		webtest.Lacks(t, "public award", pub.Body, "李秀兰", "周建华")
		list := srv.Client().Get("/public/tenders?org=" + itoa(street.ID))
		webtest.Contains(t, "public list", list.Body, "老年助餐点运营服务", "已授标")

		res = srv.Client().Get("/public/ocds/releases?org=" + itoa(street.ID))
		var pkg struct {
			Version  string `json:"version"`
			Releases []struct {
				OCID string   `json:"ocid"`
				Tag  []string `json:"tag"`
			} `json:"releases"`
		}
		if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &pkg) != nil || pkg.Version != "1.1" || len(pkg.Releases) != 3 ||
			pkg.Releases[2].Tag[0] != "award" || pkg.Releases[0].OCID != procurement.OCIDPrefix+id {
			t.Fatalf("the OCDS package: %d %s", res.Status, res.Body)
		}
		if strings.Contains(res.Body, "李秀兰") {
			t.Fatal("the OCDS package names a person")
		}
		if res := srv.Client().Get("/public/ocds/releases?org=12345"); res.Status != http.StatusNotFound {
			t.Fatalf("an unknown unit: %d", res.Status)
		}
		if res := srv.Client().Get("/public/ocds/records?org=" + itoa(cb.ID)); res.Status != http.StatusOK || !strings.Contains(res.Body, `"compiledRelease"`) {
			t.Fatalf("the record package: %d", res.Status)
		}

		st := srv.Client()
		st.Login("street")
		if r := st.Get(loc); r.Status != http.StatusOK || strings.Contains(r.Body, `action="`+loc+`/contract`) {
			t.Fatalf("the street reads without forms: %d", r.Status)
		}
		if r := st.Post(loc+"/contract", url.Values{"csrf": {st.CSRF(loc)}, "value": {"1"}}); r.Status != http.StatusForbidden {
			t.Fatalf("the street signs: %d", r.Status)
		}
		listPage := head.Get("/projects?org=" + itoa(cb.ID) + "&stage=awarded")
		webtest.CheckPage(t, "list", listPage.Body)
		webtest.Contains(t, "list", listPage.Body, "老年助餐点运营服务")
	})
}
