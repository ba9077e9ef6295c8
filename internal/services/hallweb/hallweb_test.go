package hallweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/services/hallweb"
	"shequ/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const password = "correct-horse-42"

// hall is the hall's pages alone on the kit, over a community with one
// household and a window clerk who serves it.
type hall struct {
	t   *testing.T
	srv *httptest.Server
	svc *services.Service
	cb  orgtree.Unit
	who register.Person
}

func newHall(t *testing.T, db *database.DB) *hall {
	t.Helper()
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	ctx := context.Background()
	reg, org, acc, acs := register.NewStore(db), orgtree.NewStore(db), accounts.NewStore(db), access.NewService(db)
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
	h := &hall{t: t, cb: orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}}
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

	u := &accounts.User{Name: "clerk", DisplayName: "窗口小刘"}
	must(acc.AddUser(ctx, nil, u, password))
	must(acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: "window_clerk", Units: []int64{h.cb.ID}}))

	h.svc = services.New(db, reg, services.Options{Quiet: true})
	acs.Resolve("application", h.svc.PlaceOf)
	acs.Resolve("certificate", h.svc.CertificatePlace)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	aud := audit.New(db, log)
	t.Cleanup(aud.Close)
	rt := web.NewRoutes()
	k := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: aud, Log: log})
	k.Routes(rt)
	hallweb.Routes(rt, k, hallweb.Deps{Services: h.svc, Register: reg, Org: org, Access: acs})
	h.srv = httptest.NewServer(rt)
	t.Cleanup(h.srv.Close)
	return h
}

// browser is a client without JavaScript that does not follow redirects.
type browser struct {
	h *hall
	c *http.Client
}

func (h *hall) login(name string) *browser {
	h.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{h: h, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	_, page := b.get("/login")
	if status, _ := b.post("/login", url.Values{"csrf": {csrfOf(h.t, page)}, "name": {name}, "password": {password}}); status != http.StatusSeeOther {
		h.t.Fatalf("login %s: status %d", name, status)
	}
	return b
}

func (b *browser) do(req *http.Request) (int, string) {
	b.h.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
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
		clerk := h.login("clerk")
		path := "/services/applications/" + strconv.FormatInt(a.ID, 10)

		status, page := clerk.get(path)
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

		status, page = clerk.post(path+"/refuse", url.Values{"csrf": {csrfOf(t, page)},
			"version": {strconv.Itoa(a.Version)}, "reason": {"材料不实"}})
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
		if status, _ := clerk.get("/services/applications/999999"); status != http.StatusNotFound {
			t.Errorf("an unknown case: %d, want 404", status)
		}
	})
}
