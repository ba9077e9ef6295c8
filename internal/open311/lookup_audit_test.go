package open311_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/server"
)

// Every lookup of requests, by a client with a key or by anyone, is in the
// audit log with what was asked for and how many requests came back.
func TestLookupsAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		parent := int64(0)
		for _, u := range []orgtree.Unit{{Level: "district", Name: "安塞区", Code: "610603"},
			{Level: "street", Name: "真武洞街道", Code: "610603100000"}, {Level: "community", Name: "城北社区", Code: "610603100001"},
			{Level: "grid", Name: "第一网格", Boundary: `{"type":"Polygon","coordinates":[[[109.30,36.86],[109.31,36.86],[109.31,36.87],[109.30,36.87],[109.30,36.86]]]}`}} {
			u.ParentID = parent
			if err := org.Create(ctx, db, &u); err != nil {
				t.Fatal(err)
			}
			parent = u.ID
		}
		acc := accounts.NewStore(db)
		u := &accounts.User{Name: "cityapp"}
		if err := acc.AddUser(ctx, nil, u, "some-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := access.NewService(db).AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: "open311_client"}); err != nil {
			t.Fatal(err)
		}
		key, _, err := acc.CreateToken(ctx, "cityapp", "open311", 0)
		if err != nil {
			t.Fatal(err)
		}
		app := server.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{})
		t.Cleanup(app.Close)
		srv := httptest.NewServer(app.Handler)
		t.Cleanup(srv.Close)
		c := &client{t: t, base: srv.URL + "/open311/v2", key: key}
		var made []specRequest
		if code := c.post("/requests.json", url.Values{"service_code": {"facility.lamp"}, "lat": {"36.865"}, "long": {"109.305"},
			"description": {"路灯不亮已三天"}, "jurisdiction_id": {"610603"}}, nil, &made); code != 201 || len(made) != 1 {
			t.Fatalf("create: %d %+v", code, made)
		}
		id := made[0].ServiceRequestID
		last := func() audit.Entry {
			t.Helper()
			app.Audit.Flush()
			es, _, err := app.Audit.Query(ctx, audit.Filter{Action: audit.Search, Limit: 1})
			if err != nil || len(es) != 1 {
				t.Fatalf("no search recorded: %v %v", es, err)
			}
			return es[0]
		}
		var got []specRequest
		c.get("/requests.json", url.Values{"service_request_id": {id}}, &got)
		if e := last(); e.Detail != "open311: service_request_id="+id || e.Rows != 1 || e.UserName != "cityapp" {
			t.Errorf("lookup by id recorded as %+v", e)
		}
		c.get("/requests/"+id+".json", nil, &got)
		if e := last(); e.Detail != "open311: service_request_id="+id || e.Rows != 1 || e.Route != "GET /open311/v2/requests/{file}" {
			t.Errorf("lookup of one recorded as %+v", e)
		}
		c.key = ""
		c.get("/requests.json", url.Values{"status": {"closed"}}, &got)
		if e := last(); e.Detail != "open311: status=closed" || e.Rows != 0 || e.UserName != "" {
			t.Errorf("anonymous lookup recorded as %+v", e)
		}
	})
}
