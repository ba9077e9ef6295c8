package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"shequ/internal/web"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// The events API: a grid worker's system reports, the community accepts,
// the admin's token dispatches; bad input and illegal steps get clear
// answers; KPIs, counts, categories and the calendar read back.
func TestEventsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		acc := accounts.NewStore(db)
		acs := access.NewService(db)
		ev := events.NewStore(db)
		acs.Resolve("event", ev.Resolve)
		u := &accounts.User{Name: "staff", DisplayName: "社区小李"}
		if err := acc.AddUser(ctx, nil, u, "some-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: "community_staff", Units: []int64{e.cb.ID}}); err != nil {
			t.Fatal(err)
		}
		staff, _, err := acc.CreateToken(ctx, "staff", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		aud := audit.New(db, log)
		t.Cleanup(aud.Close)
		rt := web.NewRoutes()
		org := orgtree.NewStore(db)
		kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: aud, Log: log})
		Routes(rt, kit, Deps{DB: db, Register: register.NewStore(db), Org: org, Access: acs,
			Events: ev, Audit: aud, Log: log})
		srv := httptest.NewServer(rt)
		t.Cleanup(srv.Close)
		e.srv = srv

		code, body := e.do(t, e.gwToken, "POST", "/api/v1/events", `{"category": "env", "description": ""}`)
		fields, _ := body["fields"].(map[string]any)
		if code != 422 || fields["category"] == nil || fields["description"] == nil || fields["org"] == nil {
			t.Errorf("bad report: %d %v", code, body)
		}
		if code, _ := e.do(t, e.gwToken, "POST", "/api/v1/events", `{"category": 5}`); code != 400 {
			t.Errorf("wrong type: %d", code)
		}
		code, body = e.do(t, e.gwToken, "POST", "/api/v1/events", fmt.Sprintf(
			`{"org_id": %d, "category": "env.garbage", "description": "垃圾堆放", "reporter_phone": "13912345678"}`, e.grid1.ID))
		if code != 201 || body["status"] != "reported" || body["reporter_phone"] != "139****5678" {
			t.Fatalf("report: %d %v", code, body)
		}
		id := int64(body["id"].(float64))
		path := fmt.Sprintf("/api/v1/events/%d", id)
		if code, _ := e.do(t, e.gwToken, "POST", fmt.Sprintf("/api/v1/events/%d", id+1), `{"action": "comment"}`); code != 404 {
			t.Errorf("unknown event: %d", code)
		}
		if code, body := e.do(t, e.gwToken, "POST", path+"/actions", `{"action": "accept", "route": "street"}`); code != 403 {
			t.Errorf("a grid worker accepted: %d %v", code, body)
		}
		code, body = e.do(t, staff, "GET", path, "")
		ev1, _ := body["event"].(map[string]any)
		if code != 200 || fmt.Sprint(ev1["actions"]) != "[accept reject merge transfer recategorise reroute comment]" {
			t.Errorf("actions offered to the community: %d %v", code, ev1["actions"])
		}
		if code, body := e.do(t, staff, "POST", path+"/actions", `{"action": "accept", "route": "street", "version": 1}`); code != 200 {
			t.Fatalf("accept: %d %v", code, body)
		}
		if code, body := e.do(t, staff, "POST", path+"/actions", `{"action": "comment", "version": 1}`); code != 409 || body["steps"] == nil {
			t.Errorf("stale action: %d %v", code, body)
		}
		if code, body := e.do(t, staff, "POST", path+"/actions", `{"action": "close"}`); code != 409 || !strings.Contains(fmt.Sprint(body["error"]), "待立案") {
			t.Errorf("illegal close: %d %v", code, body)
		}
		for _, a := range []string{`{"action": "file"}`, `{"action": "dispatch", "department": "urban"}`} {
			if code, body := e.do(t, e.adminToken, "POST", path+"/actions", a); code != 200 {
				t.Fatalf("%s: %d %v", a, code, body)
			}
		}
		code, body = e.do(t, e.adminToken, "GET", "/api/v1/events?status=dispatched", "")
		if code != 200 || body["total"] != float64(1) {
			t.Errorf("list: %d %v", code, body)
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/events?status=nonsense", ""); code != 400 {
			t.Errorf("bad status filter: %d", code)
		}
		code, body = e.do(t, e.adminToken, "GET", "/api/v1/events/counts?by=status,department", "")
		if code != 200 || !strings.Contains(fmt.Sprint(body["rows"]), "城市管理") {
			t.Errorf("counts: %d %v", code, body)
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/events/counts?by=colour", ""); code != 400 {
			t.Errorf("bad dimension: %d", code)
		}
		if code, body := e.do(t, e.adminToken, "GET", "/api/v1/events/kpi?by=department", ""); code != 200 || body["rows"] == nil {
			t.Errorf("kpi: %d %v", code, body)
		}
		if code, body := e.do(t, e.gwToken, "GET", "/api/v1/events/categories", ""); code != 200 || !strings.Contains(fmt.Sprint(body), "5 工作日") {
			t.Errorf("categories: %d", code)
		}
		code, body = e.do(t, e.gwToken, "GET", "/api/v1/calendar?year=2026", "")
		if code != 200 || body["covered"] != true || len(body["days"].([]any)) != 39 {
			t.Errorf("calendar: %d %v", code, body)
		}
		if code, _ := e.do(t, e.gwToken, "GET", "/api/v1/calendar?year=abc", ""); code != 400 {
			t.Errorf("bad year: %d", code)
		}
	})
}
