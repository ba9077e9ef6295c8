package browser

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// TestReportWithLocation: a resident on a 375 px phone reports a problem
// with the phone's position (emulated through the DevTools protocol); the
// event is saved with the grid holding the position and the building
// nearest to it. The same page with scripts disabled still submits: a tap
// on the map goes to the server, which picks the grid and the building.
func TestReportWithLocation(t *testing.T) {
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	// A grid of the demo, and two of its buildings given outlines: one a
	// few metres from the middle of the grid, one at its corner.
	var grid, community, near, far int64
	var boundary string
	err = db.QueryRowContext(ctx, `SELECT g.id, g.community_id, g.boundary,
			(SELECT MIN(b.id) FROM org_units b WHERE b.parent_id = g.id AND b.level = 'building'),
			(SELECT MAX(b.id) FROM org_units b WHERE b.parent_id = g.id AND b.level = 'building')
		FROM org_units g WHERE g.level = 'grid' AND g.boundary <> '' ORDER BY g.sort, g.name LIMIT 1`).
		Scan(&grid, &community, &boundary, &near, &far)
	if err != nil || near == far {
		t.Fatalf("pick a grid with two buildings from the demo data: %v", err)
	}
	geo, err := orgtree.ParseGeometry(boundary)
	if err != nil {
		t.Fatal(err)
	}
	minX, minY, maxX, maxY := geo.Bounds()
	lon, lat := (minX+maxX)/2, (minY+maxY)/2
	square := func(x, y, side float64) string {
		return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}`,
			x, y, x+side, y, x+side, y+side, x, y+side, x, y)
	}
	// The demo's own outlines of the grid's buildings are set aside: these
	// two decide.
	if _, err := db.ExecContext(ctx, `UPDATE org_units SET boundary = '' WHERE level = 'building' AND grid_id = $1`, grid); err != nil {
		t.Fatal(err)
	}
	for id, b := range map[int64]string{near: square(lon+0.0001, lat, 0.0002), far: square(minX, minY, 0.0002)} {
		if _, err := db.ExecContext(ctx, `UPDATE org_units SET boundary = $1 WHERE id = $2`, b, id); err != nil {
			t.Fatal(err)
		}
	}
	var grids []string
	rows, err := db.QueryContext(ctx, `SELECT boundary FROM org_units WHERE level = 'grid' AND community_id = $1 AND retired_on IS NULL`, community)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b string
		rows.Scan(&b)
		grids = append(grids, b)
	}
	rows.Close()
	db.Close()

	// The reports are checked in the database once the server has stopped
	// (cleanups run last-registered first), so that the test never holds
	// the file while the server writes it.
	type want struct{ what, no string }
	var reported []want
	t.Cleanup(func() {
		db, err := database.Open(ctx, DBPath(t))
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		for _, w := range reported {
			var org, g int64
			if err := db.QueryRowContext(ctx, `SELECT org_id, COALESCE(grid_id, 0) FROM events WHERE tracking_no = $1`, w.no).
				Scan(&org, &g); err != nil {
				t.Errorf("%s: the report %s: %v", w.what, w.no, err)
			} else if org != near || g != grid {
				t.Errorf("%s: saved at org %d grid %d, want building %d in grid %d", w.what, org, g, near, grid)
			}
		}
	})
	base := StartServer(t)
	bctx := Chromium(t)
	sel := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			Screenshot(t, bctx, "failed")
			t.Fatalf("%s: %v", what, err)
		}
	}
	cdpStep := func(method string, params any) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, cdp.Command[any, cdp.Empty]{Method: method}, params)
			return chromedp.Void{}, err
		}
	}
	saved := func(what, location string) {
		t.Helper()
		u, err := url.Parse(location)
		if err != nil || u.Path != "/public/events/track" || u.Query().Get("no") == "" {
			t.Fatalf("after reporting the browser is at %s", location)
		}
		reported = append(reported, want{what, u.Query().Get("no")})
	}
	noSideways := func(page string) {
		t.Helper()
		width, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 375 {
			t.Errorf("the %s page is %d px wide on a 375 px screen", page, width)
		}
	}

	// 1. With the phone's position.
	step("allow and place the phone's position",
		cdpStep("Browser.grantPermissions", map[string]any{"permissions": []string{"geolocation"}, "origin": base}),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			acc := 8.0
			_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
				Latitude: &lat, Longitude: &lon, Accuracy: &acc})
			return chromedp.Void{}, err
		})
	step("open the public form",
		chromedp.Navigate(base+"/public/events"),
		chromedp.WaitVisible(sel(`#locate-me`)), // shown by the script
		chromedp.WaitVisible(sel(`#org-filter`)))
	noSideways("report")
	// The list filtered as one types: the first match is chosen.
	step("filter the places", chromedp.SendKeys(sel(`#org-filter`), "第2网格"))
	filtered, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => { const s = document.querySelector('#f-org');
		const shown = [...s.querySelectorAll('option')].filter(o => !o.hidden && o.value !== '');
		return s.options[s.selectedIndex].text + '|' + shown.every(o => (o.parentElement.label + o.text).includes('第2网格')) })()`))
	if err != nil || !strings.HasPrefix(filtered, "第2网格") || !strings.HasSuffix(filtered, "|true") {
		t.Errorf("after filtering for 第2网格: %q %v", filtered, err)
	}
	step("fill it in and use the position",
		chromedp.SetValue(sel(`#f-category`), "facility.lamp"),
		chromedp.SetValue(sel(`#f-description`), "楼下路灯不亮,请联系13912345678"),
		chromedp.Click(sel(`#locate-me`)),
		chromedp.WaitVisible(sel(`#locate-status.located`)))
	status, err := chromedp.Run(bctx, chromedp.Text(sel(`#locate-status`)))
	if err != nil || !strings.Contains(status, "已取得您的位置") {
		t.Errorf("status after the position: %q %v", status, err)
	}
	if place, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#f-org').value + '|' + document.querySelector('#tap-pin').hidden`)); place != "|false" {
		t.Errorf("after the position: place chosen and pin hidden %q, want none and shown", place)
	}
	Screenshot(t, bctx, "located")
	step("submit", chromedp.Click(sel(`form[action="/public/events"] button[type="submit"]`)), chromedp.WaitVisible(sel(`#tracking-no`)))
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	saved("reported with the position", loc)

	// 2. The same page without scripts: the list, and the map as an
	// image button the server locates.
	step("disable scripts", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	})
	step("open the form again", chromedp.Navigate(base+"/public/events"), chromedp.WaitVisible(sel(`#tapmap`)))
	if vis, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`!document.querySelector('#locate-me').hidden || !document.querySelector('#org-filter').hidden`)); vis {
		t.Error("the position button or the filter shows without the script")
	}
	m := web.DrawGrids(grids)
	x, y, ok := m.Point(lon+0.0002, lat+0.0001)
	if !ok {
		t.Fatal("the position is off the map")
	}
	rect, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('#tapmap').getBoundingClientRect(); return [r.left, r.top, r.width, r.height] })()`))
	if err != nil || len(rect) != 4 {
		t.Fatalf("the map's box: %v %v", rect, err)
	}
	if rect[2] != 320 {
		t.Errorf("the map is %v px wide, want 320", rect[2])
	}
	step("fill in and tap the map",
		chromedp.SetValue(sel(`#f-category`), "facility.lamp"),
		chromedp.SetValue(sel(`#f-description`), "路灯不亮"),
		chromedp.MouseClickXY(rect[0]+x*rect[2]/m.Width, rect[1]+y*rect[3]/m.Height),
		chromedp.WaitVisible(sel(`#locate-status.located`)))
	status, _ = chromedp.Run(bctx, chromedp.Text(sel(`#locate-status`)))
	chosen, _ := chromedp.Run(bctx, chromedp.Value(sel(`#f-org`)))
	if !strings.Contains(status, "已定位到") || chosen != strconv.FormatInt(near, 10) {
		t.Errorf("after a tap without the script: %q, place %s, want %d", status, chosen, near)
	}
	Screenshot(t, bctx, "tapped-without-script")
	step("submit without the script", chromedp.Click(sel(`form[action="/public/events"] button[type="submit"]`)), chromedp.WaitVisible(sel(`#tracking-no`)))
	loc, _ = chromedp.Run(bctx, chromedp.Location())
	saved("reported without the script", loc)
}
