package eventsweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/events/eventsweb"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

func box(lon, lat, w, h float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		lon, lat, lon+w, lat, lon+w, lat+h, lon, lat+h, lon, lat)
}

// The report forms say where a problem is by a tap on the map — without a
// script the tap submits the form, and the server picks the grid and the
// nearest building — or by a position alone, or from a list of places in
// natural order.
func TestReportWhereItIs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		mk := func(parent int64, level, name, boundary string) orgtree.Unit {
			u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Boundary: boundary}
			if err := org.Create(ctx, db, &u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		district := mk(0, "district", "安塞区", "")
		street := mk(district.ID, "street", "真武洞街道", "")
		community := mk(street.ID, "community", "城北社区", "")
		var grids []orgtree.Unit
		var boundaries []string
		for i := 1; i <= 12; i++ {
			b := box(109+0.002*float64(i-1), 36, 0.002, 0.004)
			grids = append(grids, mk(community.ID, "grid", "第"+strconv.Itoa(i)+"网格", b))
			boundaries = append(boundaries, b)
		}
		building := mk(grids[0].ID, "building", "5号楼", box(109.0005, 36.0015, 0.0004, 0.0004))
		mk(grids[0].ID, "building", "7号楼", box(109.0005, 36.0032, 0.0004, 0.0004))

		ev := events.NewStore(db)
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		k.Access.Resolve("event", ev.Resolve)
		eventsweb.Routes(rt, k, eventsweb.Deps{Events: ev, Org: org, Log: k.Log})
		webtest.AddUser(t, k, "wangge", "", "grid_worker", grids[0].ID)
		srv := webtest.Serve(t, rt)

		resident := srv.Client()
		page := resident.Get("/public/events")
		if page.Status != http.StatusOK {
			t.Fatalf("the public form: %d", page.Status)
		}
		src := "/public/events/map/" + strconv.FormatInt(community.ID, 10) + ".svg"
		webtest.Contains(t, "the public form", page.Body, `id="tapmap"`, `src="`+src+`"`, `id="locate-me" hidden`,
			`<script src="/static/locate.js?v=`, "不公开我的描述")
		// Naturally: 第1, 第2 … 第10, not 第1, 第10, 第11, 第12, 第2.
		i1, i2, i10 := strings.Index(page.Body, ">第1网格"), strings.Index(page.Body, ">第2网格"), strings.Index(page.Body, ">第10网格")
		if i1 < 0 || i2 < i1 || i10 < i2 {
			t.Errorf("places not in natural order: 第1 at %d, 第2 at %d, 第10 at %d", i1, i2, i10)
		}
		csrf := webtest.CSRFOf(t, page.Body)

		// The map as the form shows it: 320 px wide.
		m := web.DrawGrids(boundaries)
		height := int(m.Height*320/m.Width + 0.5)
		tap := func(lon, lat float64) (string, string) {
			x, y, ok := m.Point(lon, lat)
			if !ok {
				t.Fatalf("%v,%v is off the map", lon, lat)
			}
			return strconv.Itoa(int(x * 320 / m.Width)), strconv.Itoa(int(y * float64(height) / m.Height))
		}
		report := url.Values{"csrf": {csrf}, "category": {"facility.lamp"}, "description": {"路灯不亮"},
			"map": {strconv.FormatInt(community.ID, 10)}}
		with := func(kv ...string) url.Values {
			f := url.Values{}
			for k, v := range report {
				f[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}

		// A tap near 5号楼, without a script: the form again, the place
		// chosen, the position kept, a pin on the map.
		px, py := tap(109.0010, 36.0020)
		r := resident.Post("/public/events", with("map.x", px, "map.y", py))
		bid := strconv.FormatInt(building.ID, 10)
		if r.Status != http.StatusOK {
			t.Fatalf("a tap: %d\n%s", r.Status, r.Body)
		}
		webtest.Contains(t, "the form after a tap", r.Body, "已定位到 第1网格 · 5号楼", `<option value="`+bid+`" selected>`,
			`name="lat" value="36.00`, src+"?pin=")
		// A tap outside every grid's building but in a grid: the grid.
		px, py = tap(109.0150, 36.0020)
		r = resident.Post("/public/events", with("map.x", px, "map.y", py))
		webtest.Contains(t, "a tap in 第8网格", r.Body, "已定位到 第8网格,", `<option value="`+strconv.FormatInt(grids[7].ID, 10)+`" selected>`)

		created := func(f url.Values) *events.Event {
			t.Helper()
			r := resident.Post("/public/events", f)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("report %v: %d\n%s", f, r.Status, r.Body)
			}
			u, _ := url.Parse(r.Location())
			e, err := ev.GetByTracking(ctx, u.Query().Get("no"))
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		// Submitted with the place the tap chose.
		e := created(with("org", bid, "lat", "36.002", "lon", "109.001"))
		if e.OrgID != building.ID || e.GridID != grids[0].ID || e.Lat == nil || *e.Lat != 36.002 {
			t.Errorf("reported after a tap: org %d grid %d lat %v", e.OrgID, e.GridID, e.Lat)
		}
		// A position alone (the device's, or a tap the script took): the
		// grid and the nearest building, found on submission; kept private.
		e = created(with("lat", "36.0021", "lon", "109.0011", "private", "1"))
		if e.OrgID != building.ID || e.GridID != grids[0].ID || !e.Private {
			t.Errorf("reported by position: org %d grid %d private %v", e.OrgID, e.GridID, e.Private)
		}
		// No place at all: the field says so.
		r = resident.Post("/public/events", with())
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请选择事件所在的社区、网格或楼栋") {
			t.Errorf("no place: %d", r.Status)
		}

		// The map itself.
		svg := resident.Get(src)
		if svg.Status != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml" ||
			strings.Count(svg.Body, "<path") != 14 {
			t.Errorf("the map: %d %s\n%s", svg.Status, svg.Header.Get("Content-Type"), svg.Body)
		}

		// A grid worker's form shows the map of their grid.
		gw := srv.Client()
		gw.Login("wangge")
		r = gw.Get("/events/new")
		webtest.Contains(t, "the grid worker's form", r.Body, `src="/public/events/map/`+strconv.FormatInt(grids[0].ID, 10)+`.svg"`,
			`id="tapmap"`, "5号楼")
	})
}
