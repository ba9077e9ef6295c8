package visitsweb_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/visits/visitsweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// TestOffline: the worker's package comes gzip-compressed with the
// households of their grid and the session's token; the scripts are served
// under the strict policy's rules; the page's sync saves a batch once,
// answers the second send "already", and an office edit made meanwhile
// comes back as a conflict the community head decides on the conflicts
// page.
func TestOffline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		reg := register.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		cb := orgtree.Unit{Level: orgtree.LevelCommunity, Name: "城北社区"}
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
		hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID, Phone: "09112223333"}
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
		worker := webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		st := orgtree.Staff{UnitID: grid.ID, CommunityID: cb.ID, Role: "grid_worker", Name: "王网格", UserID: worker.ID, StartedOn: "2025-01-01"}
		if err := org.AddStaff(ctx, db, &st); err != nil {
			t.Fatal(err)
		}
		vs := visits.NewService(db, reg, nil, nil)
		visitsweb.Routes(rt, k, visitsweb.Deps{Visits: vs, Register: reg})
		srv := webtest.Serve(t, rt)
		gw, head := srv.Client(), srv.Client()
		gw.Login("gw")
		head.Login("head")

		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/visits/offline.json", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res := gw.Do(req)
		if res.Status != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" ||
			!strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("package: %d %v", res.Status, res.Header)
		}
		zr, err := gzip.NewReader(strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(zr)
		var pkg struct {
			visits.Package
			CSRF string `json:"csrf"`
		}
		if err := json.Unmarshal(raw, &pkg); err != nil {
			t.Fatal(err)
		}
		if len(pkg.Households) != 1 || len(pkg.Households[0].Members) != 1 || pkg.CSRF == "" || pkg.Author != "王网格" {
			t.Fatalf("package: %s", raw)
		}
		if head.Get("/visits/offline.json").Status != http.StatusNotFound {
			t.Fatal("a package for someone who is no grid worker")
		}
		sw := gw.Get("/visits/sw.js")
		if sw.Header.Get("Service-Worker-Allowed") != "/visits" || !strings.HasPrefix(sw.Header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("sw.js: %v", sw.Header)
		}
		list := gw.Get("/visits")
		webtest.Contains(t, "worklist", list.Body, `id="offline-app"`, `src="/static/offline.js?v=`)
		shell := gw.Get("/visits/offline")
		webtest.Contains(t, "offline page", shell.Body, "<noscript>", `src="/static/offline.js?v=`)
		if strings.Contains(shell.Body, "<script>") {
			t.Fatal("an inline script")
		}

		// The office changes the household's phone after the package.
		office := register.Actor{UserID: 1, Name: "社区民警", Source: "web"}
		now, _ := reg.Household(ctx, access.Everything, hh.ID)
		now.Phone = "09114445555"
		if err := reg.UpdateHousehold(ctx, office, access.Everything, &now); err != nil {
			t.Fatal(err)
		}
		h0, m0 := pkg.Households[0], pkg.Households[0].Members[0]
		batch, _ := json.Marshal([]visits.Observation{{ClientUUID: "u-1", HouseholdID: h0.ID, Outcome: visits.OutcomeMet,
			Met: "户主", DeviceTime: "2026-12-01T10:00:00+08:00", HouseholdVersion: h0.Version, HouseholdPhone: ptr("09116667777"),
			PersonPhones: []visits.ObservedPhone{{PersonID: m0.ID, Version: m0.Version, Phone: "13800000003"}}}})
		form := url.Values{"csrf": {pkg.CSRF}, "batch": {string(batch)}}
		var answers []struct {
			Results []visits.Synced `json:"results"`
		}
		for range 2 {
			res := gw.Post("/visits/sync", form)
			if res.Status != http.StatusOK {
				t.Fatalf("sync: %d %s", res.Status, res.Body)
			}
			var a struct {
				Results []visits.Synced `json:"results"`
			}
			json.Unmarshal([]byte(res.Body), &a)
			answers = append(answers, a)
		}
		if answers[0].Results[0].Status != visits.SyncRecorded || len(answers[0].Results[0].Conflicts) != 1 ||
			answers[1].Results[0].Status != visits.SyncAlready {
			t.Fatalf("sync answers: %+v", answers)
		}
		if res := gw.Post("/visits/sync", url.Values{"csrf": {"x"}, "batch": {string(batch)}}); res.Status != http.StatusForbidden {
			t.Fatalf("sync without the token: %d", res.Status)
		}

		page := head.Get("/visits/conflicts")
		webtest.Contains(t, "conflicts", page.Body, "住户电话", "社区民警", "王网格", "保留登记值", "采用走访值")
		mine := gw.Get("/visits/conflicts")
		webtest.Contains(t, "worker's conflicts", mine.Body, "住户电话")
		id := answers[0].Results[0].Conflicts[0].ID
		res = head.Post("/visits/conflicts/"+itoa(id)+"/decide", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "decision": {"apply"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("decide: %d %s", res.Status, res.Body)
		}
		now, _ = reg.Household(ctx, access.Everything, hh.ID)
		if now.Phone != "0911-6667777" {
			t.Fatalf("applied: %s", now.Phone)
		}
		page = head.Get("/visits/conflicts")
		webtest.Contains(t, "after", page.Body, "没有待决定的冲突", "采用走访值(张书记")
	})
}

func ptr(s string) *string { return &s }
