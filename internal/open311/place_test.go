package open311_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/server"
)

// Requests placed by an address alone, private descriptions, and the
// service's name as clients match it.
func TestRequestsByAddressAndPrivacy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		mk := func(parent int64, level, name, code string) orgtree.Unit {
			u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code}
			if err := org.Create(ctx, db, &u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		district := mk(0, "district", "安塞区", "610603")
		street := mk(district.ID, "street", "真武洞街道", "610603100000")
		cb := mk(street.ID, "community", "城北社区", "610603100001")
		cn := mk(street.ID, "community", "城南社区", "610603100002")
		grid := mk(cb.ID, "grid", "第1网格", "")
		cnGrid := mk(cn.ID, "grid", "第2网格", "")
		b12 := mk(grid.ID, "building", "12号楼", "")
		b2 := mk(grid.ID, "building", "2号楼", "")
		for _, b := range []struct {
			u       orgtree.Unit
			address string
		}{{b12, "幸福路12号楼"}, {b2, "幸福路2号楼"}} {
			if _, err := db.ExecContext(ctx, `INSERT INTO buildings (community_id, id, grid_id, name, address, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, '2026-01-01', '2026-01-01')`, cb.ID, b.u.ID, grid.ID, b.u.Name, b.address); err != nil {
				t.Fatal(err)
			}
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

		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		var photo bytes.Buffer
		jpeg.Encode(&photo, img, nil)
		postWith := func(form url.Values, media []byte) specRequest {
			t.Helper()
			var made []specRequest
			c.key = key
			if code := c.post("/requests.json", form, media, &made); code != 201 || len(made) != 1 {
				t.Fatalf("create %v: %d %+v", form, code, made)
			}
			return made[0]
		}
		post := func(form url.Values) specRequest { return postWith(form, nil) }
		place := func(r specRequest) (community, gridID, orgID int64, note string) {
			t.Helper()
			id, _ := strconv.ParseInt(r.ServiceRequestID, 10, 64)
			e, err := app.Events.Get(ctx, access.System, id)
			if err != nil {
				t.Fatal(err)
			}
			steps, err := app.Events.Steps(ctx, e)
			if err != nil || len(steps) == 0 {
				t.Fatal(err)
			}
			return e.CommunityID, e.GridID, e.OrgID, steps[0].Note
		}

		// address_string alone: found among the register's buildings, in
		// the words people use.
		r := post(url.Values{"service_code": {"facility.lamp"}, "address_string": {"城北社区 幸福路１２号楼东门"},
			"description": {"路灯不亮"}})
		if cm, g, o, _ := place(r); cm != cb.ID || g != grid.ID || o != b12.ID {
			t.Errorf("幸福路12号楼: community %d grid %d org %d, want %d %d %d", cm, g, o, cb.ID, grid.ID, b12.ID)
		}
		r = post(url.Values{"service_code": {"facility.lamp"}, "address_string": {"城南社区第2网格菜市场"}, "description": {"路灯不亮"}})
		if cm, g, o, _ := place(r); cm != cn.ID || g != cnGrid.ID || o != cnGrid.ID {
			t.Errorf("城南第2网格: community %d grid %d org %d", cm, g, o)
		}
		// An address naming nothing known is taken, unplaced, at the
		// jurisdiction's first community, with a note to check it.
		r = post(url.Values{"service_code": {"facility.lamp"}, "address_string": {"不知名小路路口"}, "description": {"路灯不亮"},
			"jurisdiction_id": {"610603100000"}})
		if cm, g, o, note := place(r); cm != cb.ID || g != 0 || o != cb.ID || !strings.Contains(note, "地址未能定位") {
			t.Errorf("unplaced: community %d grid %d org %d note %q", cm, g, o, note)
		}
		// No location at all is still refused.
		var errs []specError
		if code := c.post("/requests.json", url.Values{"service_code": {"facility.lamp"}, "description": {"路灯不亮"}}, nil, &errs); code != 400 ||
			len(errs) != 1 || !strings.Contains(errs[0].Description, "address_string") {
			t.Errorf("no location: %d %+v", code, errs)
		}

		// Public words: shown, numbers masked; private ones not shown.
		open := postWith(url.Values{"service_code": {"facility.lamp"}, "address_string": {"幸福路2号楼"},
			"description": {"2号楼路灯不亮,电话13912345678"}}, photo.Bytes())
		hidden := postWith(url.Values{"service_code": {"facility.lamp"}, "address_string": {"幸福路2号楼"},
			"description": {"我家门口的灯坏了"}, "attribute[private]": {"true"}}, photo.Bytes())
		c.key = ""
		var got []specRequest
		c.get("/requests/"+open.ServiceRequestID+".json", nil, &got)
		if len(got) != 1 || got[0].Description != "2号楼路灯不亮,电话139****5678" || got[0].MediaURL == "" {
			t.Fatalf("public description and photo: %+v", got)
		}
		mediaOf := func(u string) int {
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := mediaOf(got[0].MediaURL); code != 200 {
			t.Errorf("the public photo: %d", code)
		}
		openMedia := got[0].MediaURL
		c.get("/requests/"+hidden.ServiceRequestID+".json", nil, &got)
		if len(got) != 1 || got[0].Description != "" || got[0].MediaURL != "" {
			t.Errorf("private description shows: %+v", got)
		}
		// Nor is the private photo served to whoever finds its address.
		hid, _ := strconv.ParseInt(hidden.ServiceRequestID, 10, 64)
		he, err := app.Events.Get(ctx, access.System, hid)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := app.Events.Steps(ctx, he)
		if err != nil || len(steps) == 0 || len(steps[0].Attachments) != 1 {
			t.Fatalf("the private report's photo: %v", err)
		}
		private := strings.Replace(openMedia, "/media/"+open.ServiceRequestID+"/", "/media/"+hidden.ServiceRequestID+"/", 1)
		private = private[:strings.LastIndex(private, "/")+1] + strconv.FormatInt(steps[0].Attachments[0].ID, 10) + ".jpg"
		if code := mediaOf(private); code != 404 {
			t.Errorf("the private photo at %s: %d", private, code)
		}
		if code := c.post("/requests.json", url.Values{"service_code": {"facility.lamp"}, "address_string": {"幸福路2号楼"},
			"description": {"x"}, "attribute[private]": {"maybe"}, "api_key": {key}}, nil, &errs); code != 400 {
			t.Errorf("a bad private flag: %d", code)
		}

		// The service's name is the same in services and requests.
		var svcs []specService
		c.get("/services.json", nil, &svcs)
		name := ""
		for _, s := range svcs {
			if s.ServiceCode == "facility.lamp" {
				name = s.ServiceName
			}
		}
		if name == "" || got[0].ServiceName != name {
			t.Errorf("service_name: services %q, requests %q", name, got[0].ServiceName)
		}
	})
}
