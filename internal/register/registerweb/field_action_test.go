package registerweb

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/web/webtest"
)

var newIDPath = regexp.MustCompile(`^/(households|persons|houses|organisations)/(\d+)$`)

// TestFieldActions walks a grid worker's day at the door through the forms:
// a new household with its head at a house, a rental for it, a tag with
// its evidence and its end, a move out, a house and an organisation with an
// employee; errors come back at their fields and a stale form conflicts.
func TestFieldActions(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	webtest.AddUser(t, fx.kit, "gw", "网格员小李", "grid_worker", fx.grid1.ID)
	c := fx.srv.Client()
	c.Login("gw")
	csrf := c.CSRF("/")
	todayS := time.Now().Format("2006-01-02")

	// The house page offers the actions.
	r := c.Get("/houses/" + id(fx.house.ID))
	webtest.Contains(t, "house page", r.Body, "/houses/"+id(fx.house.ID)+"/households/new", "/houses/"+id(fx.house.ID)+"/rentals/new")

	// A new household: errors at the fields, nothing saved.
	headID := ident.MakeResidentID("612701", day(1988, 4, 2), 71)
	form := url.Values{"csrf": {csrf}, "number": {"CB0001"}, "kind": {"floating"}, "head_name": {""},
		"head_id_number": {headID[:17] + "X"}, "head_residence": {"floating"}, "head_phone": {"123"}}
	if headID[17] == 'X' {
		form.Set("head_id_number", headID[:17]+"0")
	}
	r = c.Post("/houses/"+id(fx.house.ID)+"/households/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad household: %d\n%s", r.Status, r.Body)
	}
	webtest.Contains(t, "bad household", r.Body, `id="err-head_name"`, `id="err-head_id_number"`, `id="err-head_phone"`)
	form.Set("head_name", "刘新")
	form.Set("head_id_number", headID)
	form.Set("head_phone", "13800005555")
	r = c.Post("/houses/"+id(fx.house.ID)+"/households/new", form)
	webtest.Contains(t, "duplicate number", r.Body, `id="err-number"`, "户号在本社区已存在")
	form.Set("number", "CB0100")
	r = c.Post("/houses/"+id(fx.house.ID)+"/households/new", form)
	m := newIDPath.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil || m[1] != "households" {
		t.Fatalf("register household: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	r = c.Get(r.Location())
	webtest.Contains(t, "new household", r.Body, "已添加", "户 CB0100", "刘新")

	// A rental with the new household's head as tenant.
	r = c.Get("/houses/" + id(fx.house.ID) + "/rentals/new")
	webtest.Contains(t, "rental form", r.Body, "刘新", `value="李建国"`)
	head := findPerson(t, fx, "刘新")
	r = c.Post("/houses/"+id(fx.house.ID)+"/rentals/new", url.Values{"csrf": {csrf}, "landlord": {"李建国"},
		"started_on": {"2024-13-01"}, "monthly_rent": {"一千"}})
	webtest.Contains(t, "bad rental", r.Body, `id="err-monthly_rent"`, `id="err-tenant_ids"`)
	r = c.Post("/houses/"+id(fx.house.ID)+"/rentals/new", url.Values{"csrf": {csrf}, "landlord": {"李建国"},
		"started_on": {todayS}, "monthly_rent": {"1200.555"}, "tenant": {id(head.ID)}})
	webtest.Contains(t, "three decimals", r.Body, `id="err-monthly_rent"`, "最多两位小数")
	r = c.Post("/houses/"+id(fx.house.ID)+"/rentals/new", url.Values{"csrf": {csrf}, "landlord": {"李建国"},
		"started_on": {todayS}, "monthly_rent": {"1200.5"}, "tenant": {id(head.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("rental: %d\n%s", r.Status, r.Body)
	}
	r = c.Get("/houses/" + id(fx.house.ID))
	webtest.Contains(t, "rented house", r.Body, "出租", "1200.50 元", "刘新", "退租登记")

	// A tag with its evidence, then its end on a stale and a fresh form.
	r = c.Get("/persons/" + id(head.ID))
	webtest.Contains(t, "person page", r.Body, "添加标签", "户内迁移", "迁出或死亡")
	r = c.Post("/persons/"+id(head.ID)+"/tags/new", url.Values{"csrf": {csrf}, "tag": {"living_alone"},
		"started_on": {"2023-02-30"}})
	webtest.Contains(t, "bad tag", r.Body, `id="err-started_on"`)
	r = c.Post("/persons/"+id(head.ID)+"/tags/new", url.Values{"csrf": {csrf}, "tag": {"living_alone"},
		"started_on": {"2024-01-01"}, "evidence": {"走访记录2024-01"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("tag: %d\n%s", r.Status, r.Body)
	}
	p, _ := fx.reg.Person(ctx, access.Everything, head.ID)
	tags, _ := fx.reg.TagsOf(ctx, access.Everything, p, "")
	if len(tags) != 1 || tags[0].Evidence != "走访记录2024-01" {
		t.Fatalf("tags: %+v", tags)
	}
	endPath := "/persons/" + id(head.ID) + "/tags/" + id(tags[0].ID) + "/end"
	r = c.Get(endPath)
	version := webtest.VersionOf(t, r.Body)
	// Someone else ends it meanwhile.
	if err := fx.reg.CloseTag(ctx, register.Actor{Name: "另一位"}, access.Everything, register.TagEnding{TagID: tags[0].ID,
		Version: tags[0].Version, EndedOn: "2024-06-01"}); err != nil {
		t.Fatal(err)
	}
	r = c.Post(endPath, url.Values{"csrf": {csrf}, "version": {version}, "ended_on": {todayS}})
	if r.Status != http.StatusConflict {
		t.Fatalf("stale tag end: %d\n%s", r.Status, r.Body)
	}
	webtest.Contains(t, "tag conflict", r.Body, "记录已被他人修改", "另一位")

	// The spouse of the fixture's household moves out of the community.
	sp, _ := fx.reg.Person(ctx, access.Everything, fx.spouse.ID)
	leave := "/persons/" + id(sp.ID) + "/leave"
	r = c.Get(leave)
	webtest.Contains(t, "leave form", r.Body, `value="`+todayS+`"`)
	r = c.Post(leave, url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, r.Body)}, "status": {"moved_out"}, "left_on": {todayS}})
	webtest.Contains(t, "no destination", r.Body, `id="err-left_to"`, "迁往地不能为空")
	r = c.Post(leave, url.Values{"csrf": {csrf}, "version": {id(int64(sp.Version))}, "status": {"moved_out"},
		"left_on": {todayS}, "left_to": {"西安市雁塔区"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("move out: %d\n%s", r.Status, r.Body)
	}
	r = c.Get("/persons/" + id(sp.ID))
	webtest.Contains(t, "moved out", r.Body, "迁出日期", todayS, "西安市雁塔区")
	webtest.Lacks(t, "moved out", r.Body, "/persons/"+id(sp.ID)+"/leave")

	// A move into the new household, by its 户号.
	hp, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID)
	mv := "/persons/" + id(hp.ID) + "/move"
	r = c.Post(mv, url.Values{"csrf": {csrf}, "version": {id(int64(hp.Version))}, "household_number": {"CB9999"}, "relation": {"20"}})
	webtest.Contains(t, "unknown household", r.Body, `id="err-household_number"`, "CB9999")
	r = c.Post(mv, url.Values{"csrf": {csrf}, "version": {id(int64(hp.Version))}, "household_number": {"CB0100"}, "relation": {"20"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", r.Status, r.Body)
	}
	hp, _ = fx.reg.Person(ctx, access.Everything, fx.head.ID)
	if hp.HouseholdID == fx.hh.ID {
		t.Error("not moved")
	}

	// A house in the building and an organisation with an employee.
	r = c.Get("/org/" + id(fx.building.ID))
	webtest.Contains(t, "building page", r.Body, "登记房屋", "登记单位")
	r = c.Post("/org/"+id(fx.building.ID)+"/houses/new", url.Values{"csrf": {csrf}, "number": {"2-101"}, "use": {"vacant"}, "area_m2": {"大"}})
	webtest.Contains(t, "bad house", r.Body, `id="err-area_m2"`)
	r = c.Post("/org/"+id(fx.building.ID)+"/houses/new", url.Values{"csrf": {csrf}, "number": {"2-101"}, "use": {"vacant"}, "area_m2": {"75.5"}})
	if m := newIDPath.FindStringSubmatch(r.Location()); r.Status != http.StatusSeeOther || m == nil || m[1] != "houses" {
		t.Fatalf("house: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	r = c.Post("/org/"+id(fx.grid1.ID)+"/organisations/new", url.Values{"csrf": {csrf}, "name": {"城北便民超市"}, "kind": {"shop"}})
	m = newIDPath.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("organisation: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	org := "/organisations/" + m[2]
	r = c.Post(org+"/employees/new", url.Values{"csrf": {csrf}, "id_number": {fx.other.IDNumber}})
	webtest.Contains(t, "employee outside", r.Body, `id="err-id_number"`, "请先登记该人员")
	r = c.Post(org+"/employees/new", url.Values{"csrf": {csrf}, "id_number": {headID}, "occupation": {"收银员"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("employee: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(org)
	webtest.Contains(t, "organisation", r.Body, "刘新", "收银员", "离职")

	// Outside the worker's grid nothing is offered or accepted.
	r = c.Get("/org/" + id(fx.grid2.ID) + "/organisations/new")
	if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Errorf("organisation form in another grid: %d", r.Status)
	}
	if strings.Contains(fx.log.String(), headID) {
		t.Error("an ID number reached the log")
	}
}

func findPerson(t *testing.T, fx *fixture, name string) register.Person {
	t.Helper()
	var pid int64
	if err := fx.db.QueryRow(`SELECT id FROM persons WHERE name = $1`, name).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	p, err := fx.reg.Person(context.Background(), access.Everything, pid)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
