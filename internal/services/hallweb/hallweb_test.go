package hallweb_test

import (
	"context"
	"net/http"
	"net/url"
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
	"shequ/internal/services"
	"shequ/internal/services/hallweb"
	"shequ/internal/services/portalweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// hall is the hall's pages alone on the kit, over a community with one
// household and a window clerk who serves it.
type hall struct {
	srv *webtest.Server
	kit *web.Kit
	svc *services.Service
	cb  orgtree.Unit
	who register.Person
}

func newHall(t *testing.T, db *database.DB) *hall {
	t.Helper()
	ctx := context.Background()
	reg, org := register.NewStore(db), orgtree.NewStore(db)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", u.Name, err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	h := &hall{cb: orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}}
	mk(&h.cb)
	grid := orgtree.Unit{ParentID: h.cb.ID, Level: "grid", Name: "第1网格"}
	mk(&grid)
	building := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
	mk(&building)
	actor := register.Actor{Name: "测试装载", Source: "cli"}
	must(reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential"}))
	house := register.House{BuildingID: building.ID, Number: "1-301", Use: register.HouseOwner}
	must(reg.CreateHouse(ctx, actor, access.Everything, &house))
	hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID, Address: "城北路12号3号楼1-301"}
	must(reg.CreateHousehold(ctx, actor, access.Everything, &hh))
	h.who = register.Person{HouseholdID: hh.ID, Name: "李建国", Relation: "02", Residence: register.ResidenceRegistered,
		IDNumber: ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131), Phone: "13909110001"}
	must(reg.CreatePerson(ctx, actor, access.Everything, &h.who))

	h.svc = services.New(db, reg, services.Options{Quiet: true})
	k, rt := webtest.Kit(t, db, web.Config{Org: org, Log: webtest.NewLog(t, h.who.Name, h.who.IDNumber, h.who.Phone).Logger()})
	k.Access.Resolve("application", h.svc.PlaceOf)
	k.Access.Resolve("certificate", h.svc.CertificatePlace)
	webtest.AddUser(t, k, "clerk", "窗口小刘", "window_clerk", h.cb.ID)
	hallweb.Routes(rt, k, hallweb.Deps{Services: h.svc, Register: reg, Org: org, Access: k.Access})
	portalweb.Routes(rt, k, portalweb.Deps{Services: h.svc})
	h.srv, h.kit = webtest.Serve(t, rt), k
	return h
}

// TestApplicationPage opens a case accepted at the window on its page, and
// refuses the window's 不予受理 once the case has gone on to the community's
// review: the page says where the case is and nothing changes.
func TestApplicationPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		h := newHall(t, db)
		ctx := context.Background()
		a, err := h.svc.Intake(ctx, access.System, services.IntakeRequest{PersonID: h.who.ID, Item: "dibao",
			Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != services.StatusProcessing {
			t.Fatalf("a complete intake is %s, want processing", a.Status)
		}
		clerk := h.srv.Client()
		clerk.Login("clerk")
		path := "/services/applications/" + strconv.FormatInt(a.ID, 10)

		r := clerk.Get(path)
		status, page := r.Status, r.Body
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		for _, want := range []string{a.TrackingNo, a.ItemName, "社区受理", `<html lang="zh-CN">`} {
			if !strings.Contains(page, want) {
				t.Errorf("the application page lacks %q", want)
			}
		}
		if strings.Contains(page, h.who.Phone) || strings.Contains(page, h.who.IDNumber) {
			t.Error("the application page shows a number in full")
		}

		r = clerk.Post(path+"/refuse", url.Values{"csrf": {webtest.CSRFOf(t, page)},
			"version": {strconv.Itoa(a.Version)}, "reason": {"材料不实"}})
		status, page = r.Status, r.Body
		if status != http.StatusConflict || !strings.Contains(page, "不在窗口,不能作不予受理处理") {
			t.Errorf("refusing a case under review at the window: %d, want 409 with the reason\n%s", status, page)
		}
		now, err := h.svc.Application(ctx, access.Everything, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Status != services.StatusProcessing || now.Version != a.Version {
			t.Errorf("after the refused refusal the case is %s v%d, want processing v%d", now.Status, now.Version, a.Version)
		}

		// A case that does not exist is the 404 page.
		if status := clerk.Get("/services/applications/999999").Status; status != http.StatusNotFound {
			t.Errorf("an unknown case: %d, want 404", status)
		}
	})
}
