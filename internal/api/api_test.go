package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"shequ/internal/web"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/disclosure"
	"shequ/internal/funds"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/proposals"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/socialorgs"
	"shequ/internal/surveys"
	"shequ/internal/testlog"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/workaccess"
	"time"
)

func TestMain(m *testing.M) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Main(m)
}

type env struct {
	srv                 *httptest.Server
	adminToken, gwToken string
	cb, grid1, grid2    orgtree.Unit
	person, other       register.Person
	household           register.Household
	audit               *audit.Log
}

func setup(t *testing.T, db *database.DB) *env {
	ctx := context.Background()
	org := orgtree.NewStore(db)
	reg := register.NewStore(db)
	acc := accounts.NewStore(db)
	e := &env{}
	mk := func(parent int64, level, name string) orgtree.Unit {
		u := orgtree.Unit{ParentID: parent, Level: level, Name: name}
		if err := org.Create(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	street := mk(0, "street", "真武洞街道")
	e.cb = mk(street.ID, "community", "城北社区")
	e.grid1 = mk(e.cb.ID, "grid", "一网格")
	e.grid2 = mk(e.cb.ID, "grid", "二网格")
	actor := register.Actor{Name: "t", Source: "cli"}
	mkPerson := func(grid orgtree.Unit, number, name string, seq int) (register.Household, register.Person) {
		h := register.Household{Number: number, Kind: "registered", OrgID: grid.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &h); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: h.ID, Name: name, Residence: "registered", Phone: "1390911000" + fmt.Sprint(seq),
			IDNumber: ident.MakeResidentID("610603", time.Date(1980, 1, 1+seq, 0, 0, 0, 0, time.UTC), seq)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		return h, p
	}
	e.household, e.person = mkPerson(e.grid1, "H1", "张伟", 1)
	_, e.other = mkPerson(e.grid2, "H2", "刘洋", 2)
	acs := access.NewService(db)
	for _, e := range register.Entities() {
		acs.Resolve(e, reg.Resolver(e))
	}
	acs.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		c, g, err := org.Place(ctx, id)
		if err != nil {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: c, Grid: g, Org: id}, nil
	})
	token := func(name, role string, units ...int64) string {
		t.Helper()
		u := &accounts.User{Name: name}
		if err := acc.AddUser(ctx, nil, u, "some-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role, Units: units}); err != nil {
			t.Fatal(err)
		}
		secret, _, err := acc.CreateToken(ctx, name, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	e.adminToken = token("admin", "admin")
	e.gwToken = token("gw", "grid_worker", e.grid1.ID)
	testlog.Secret(t, e.person.Name, e.person.IDNumber, e.person.Phone, e.other.Name, e.other.IDNumber, e.other.Phone)
	log := slog.New(slog.NewTextHandler(testlog.Writer(t, io.Discard), &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.audit = audit.New(db, log)
	t.Cleanup(e.audit.Close)
	rt := web.NewRoutes()
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: e.audit, Log: log})
	rep, work := reports.New(db, e.audit), workaccess.NewService(db, nil)
	work.CountReports(rep) // as the server wires them
	Routes(rt, kit, Deps{DB: db, Register: reg, Org: org, Access: acs, Audit: e.audit, Log: log, Reports: rep, Work: work,
		Visits: visits.NewService(db, reg, nil, nil), Volunteers: volunteers.NewService(db, nil),
		SocialOrgs: socialorgs.NewService(db, nil), Funds: funds.NewService(db, nil),

		Disclosures: disclosure.NewService(db, nil),

		Proposals: proposals.NewService(db, nil), Surveys: surveys.NewService(db, nil)})
	e.srv = httptest.NewServer(rt)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) do(t *testing.T, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: response is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func TestAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		pid := fmt.Sprint(e.person.ID)

		if code, _ := e.do(t, "", "GET", "/api/v1/stats", ""); code != 401 {
			t.Errorf("no token: %d", code)
		}
		if code, _ := e.do(t, "shq_forged", "GET", "/api/v1/stats", ""); code != 401 {
			t.Errorf("forged token: %d", code)
		}
		code, st := e.do(t, e.adminToken, "GET", "/api/v1/stats", "")
		for _, k := range []string{"persons", "floating_persons", "households", "houses", "organisations", "grids"} {
			if _, ok := st[k]; !ok || code != 200 {
				t.Errorf("stats lacks %s: %d %v", k, code, st)
			}
		}
		if st["persons"] != 2.0 || st["grids"] != 2.0 {
			t.Errorf("stats = %v", st)
		}
		if _, st := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/stats?org=%d", e.grid2.ID), ""); st["persons"] != 1.0 {
			t.Errorf("grid 2 stats = %v", st)
		}
		if code, body := e.do(t, e.adminToken, "GET", "/api/v1/stats?org=abc", ""); code != 400 || body["fields"].(map[string]any)["org"] == nil {
			t.Errorf("bad org: %d %v", code, body)
		}

		// Search and detail, and the grid worker's narrower view.
		_, res := e.do(t, e.adminToken, "GET", "/api/v1/persons?q="+e.person.IDNumber[10:16], "")
		if ps := res["persons"].([]any); len(ps) != 1 {
			t.Errorf("search by ID digits: %v", res)
		}
		if code, _ := e.do(t, e.gwToken, "GET", "/api/v1/persons/"+fmt.Sprint(e.other.ID), ""); code != 404 {
			t.Errorf("grid worker reading another grid's person: %d", code)
		}
		if _, res := e.do(t, e.gwToken, "GET", "/api/v1/persons?q=刘洋", ""); len(res["persons"].([]any)) != 0 {
			t.Errorf("grid worker found another grid's person: %v", res)
		}
		if code, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/stats?org=%d", e.grid2.ID), ""); code != 404 {
			t.Errorf("grid worker stats of another grid: %d", code)
		}
		code, res = e.do(t, e.adminToken, "GET", "/api/v1/persons/"+pid, "")
		p := res["person"].(map[string]any)
		if code != 200 || p["name"] != "张伟" {
			t.Fatalf("detail: %d %v", code, res)
		}

		// Updates: field errors, conflicts, malformed bodies.
		upd := func(phone string, version int) string {
			return fmt.Sprintf(`{"household_id":%d,"name":"张伟","id_number":"%s","residence":"registered","phone":"%s","version":%d}`,
				e.household.ID, e.person.IDNumber, phone, version)
		}
		if code, res := e.do(t, e.adminToken, "PUT", "/api/v1/persons/"+pid, upd("123", 1)); code != 422 || res["fields"].(map[string]any)["phone"] == nil {
			t.Errorf("bad phone: %d %v", code, res)
		}
		if code, res := e.do(t, e.adminToken, "PUT", "/api/v1/persons/"+pid, upd("13800001111", 1)); code != 200 {
			t.Errorf("update: %d %v", code, res)
		}
		if code, res := e.do(t, e.adminToken, "PUT", "/api/v1/persons/"+pid, upd("13800002222", 1)); code != 409 || res["changes"] == nil {
			t.Errorf("stale update: %d %v", code, res)
		}
		for body, field := range map[string]string{
			`{"name": 5}`: "name", `{"nickname":"x"}`: "nickname", `{`: "body", `{"name":"x"}`: "version",
		} {
			code, res := e.do(t, e.adminToken, "PUT", "/api/v1/persons/"+pid, body)
			if code != 400 || res["fields"].(map[string]any)[field] == nil {
				t.Errorf("body %s: %d %v, want 400 at %s", body, code, res, field)
			}
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/persons/-1", ""); code != 400 {
			t.Errorf("bad id: %d", code)
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/persons/999", ""); code != 404 {
			t.Errorf("missing person: %d", code)
		}
		// A grid worker cannot place a person in another grid.
		body := fmt.Sprintf(`{"org_id":%d,"name":"新人","id_number":"%s","residence":"floating"}`, e.grid2.ID,
			ident.MakeResidentID("610603", time.Date(1999, 9, 9, 0, 0, 0, 0, time.UTC), 7))
		if code, _ := e.do(t, e.gwToken, "POST", "/api/v1/persons", body); code != 422 {
			t.Errorf("grid worker creating in another grid: %d", code)
		}

		// History, feed, as-of.
		_, res = e.do(t, e.adminToken, "GET", "/api/v1/persons/"+pid+"/history", "")
		if len(res["changes"].([]any)) != 2 {
			t.Errorf("history: %v", res)
		}
		_, res = e.do(t, e.adminToken, "GET", "/api/v1/changes?since=0&limit=3", "")
		next := res["next_since"].(float64)
		if len(res["changes"].([]any)) != 3 || next == 0 {
			t.Errorf("feed: %v", res)
		}
		_, res2 := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/changes?since=%.0f", next), "")
		if len(res2["changes"].([]any)) < 2 {
			t.Errorf("feed continuation: %v", res2)
		}
		today := time.Now().UTC().Format("2006-01-02")
		_, res = e.do(t, e.adminToken, "GET", "/api/v1/asof?date="+today+"&entity=person", "")
		if len(res["rows"].([]any)) != 2 {
			t.Errorf("as of today: %v", res)
		}
		_, res = e.do(t, e.adminToken, "GET", "/api/v1/asof?date=2001-01-01&entity=person", "")
		if len(res["rows"].([]any)) != 0 {
			t.Errorf("as of 2001: %v", res)
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/asof?date=2001-01-01&entity=spaceship", ""); code != 400 {
			t.Errorf("bad entity: %d", code)
		}
		// Org tree.
		_, res = e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/org/units/%d/subtree?level=grid", e.cb.ID), "")
		if res["count"] != 2.0 {
			t.Errorf("subtree: %v", res)
		}
		if code, _ := e.do(t, e.adminToken, "GET", "/api/v1/nothing", ""); code != 404 {
			t.Errorf("unknown route: %d", code)
		}
	})
}

// TestOpenAPICoversRoutes fails when a route is added without describing it
// in openapi.json, or described without existing.
func TestOpenAPICoversRoutes(t *testing.T) {
	rt := web.NewRoutes()
	Routes(rt, web.NewKit(web.Config{}), Deps{Reports: reports.New(nil, nil)}) // every route, none called
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			described[strings.ToUpper(method)+" /api/v1"+path] = true
		}
	}
	for _, route := range rt.List() {
		p := route.Pattern
		if p == "/api/v1/" {
			continue
		}
		if !described[p] {
			t.Errorf("route %s is not in openapi.json", p)
		}
		delete(described, p)
	}
	for op := range described {
		t.Errorf("openapi.json describes %s, which is not routed", op)
	}
}
