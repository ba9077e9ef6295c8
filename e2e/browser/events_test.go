package browser

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
)

// TestEventToVerifiedClose follows one event on phone-sized pages: a grid
// worker reports it with a photo; the community accepts it and sends it up
// to the street; the street files it and dispatches it to 城管; 城管 signs
// for it and reports it handled; the grid worker verifies it on site; the
// street closes it; the resident who was given the tracking number rates it
// on the public page.
func TestEventToVerifiedClose(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var grid, community, street, district int64
	var building string
	err = db.QueryRowContext(ctx, `SELECT g.id, g.community_id, s.id, d.id,
		(SELECT b.name FROM org_units b WHERE b.parent_id = g.id AND b.level = 'building' ORDER BY b.sort, b.name LIMIT 1)
		FROM org_units g JOIN org_units c ON c.id = g.community_id JOIN org_units s ON s.id = c.parent_id
		JOIN org_units d ON d.id = s.parent_id WHERE g.level = 'grid' ORDER BY g.sort, g.name LIMIT 1`).
		Scan(&grid, &community, &street, &district, &building)
	db.Close()
	if err != nil {
		t.Fatalf("pick a grid from the demo data: %v", err)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "wangge", "--display-name", "网格员小王", "--role", "grid_worker", "--org", id(grid), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "社区小李", "--role", "community_staff", "--org", id(community), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "jiedao", "--display-name", "街道平台", "--role", "street_operator", "--org", id(street), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "chengguan", "--display-name", "城管队员", "--role", "dept_urban", "--org", id(district), "--password", pw)

	// A phone photo: 2400×1800, left half red.
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1800))
	for y := 0; y < 1800; y++ {
		for x := 0; x < 2400; x++ {
			c := color.RGBA{200, 40, 40, 255}
			if x > 1200 {
				c = color.RGBA{60, 60, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	photo := filepath.Join(t.TempDir(), "现场.jpg")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

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
	text := func(s string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(sel(s)))
		if err != nil {
			Screenshot(t, bctx, "failed")
			t.Fatalf("text of %s: %v", s, err)
		}
		return v
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
	// js runs a script for its effect.
	js := func(expr string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	loggedIn := false
	logout := func() {
		t.Helper()
		if loggedIn {
			step("log out",
				js(`(() => { document.querySelector('form[action="/logout"]').submit(); return true })()`),
				chromedp.WaitVisible(sel(`#f-password`)))
			loggedIn = false
		}
	}
	login := func(name string) {
		t.Helper()
		logout()
		loggedIn = true
		step("log in as "+name,
			chromedp.Navigate(base+"/login?next=/events"),
			chromedp.WaitVisible(sel(`#f-password`)),
			chromedp.SendKeys(sel(`#f-name`), name),
			chromedp.SendKeys(sel(`#f-password`), pw),
			chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
			chromedp.WaitVisible(sel(`#h-todo`)))
	}
	// act submits the form of an action on the event page.
	act := func(action string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		form := `form:has(input[name="action"][value="` + action + `"])`
		steps := []chromedp.Action[chromedp.Void]{chromedp.WaitReady(sel(form))}
		// Open the action's panel (the first one is open already).
		steps = append(steps, js(`(() => { document.querySelector('`+form+`').closest('details').open = true; return true })()`))
		steps = append(steps, fill...)
		// The flash of the step before must not count as this one's.
		steps = append(steps, js(`(() => { document.querySelectorAll('.flash').forEach(e => e.remove()); return true })()`),
			chromedp.Click(sel(form+` button[type="submit"]`)), chromedp.WaitVisible(sel(`.flash`)))
		step(action, steps...)
	}

	// 1. The grid worker reports on the phone, with a photo.
	login("wangge")
	step("open the report form",
		chromedp.Click(sel(`a[href="/events/new"]`)),
		chromedp.WaitVisible(sel(`#f-category`)))
	noSideways("report form")
	Screenshot(t, bctx, "report-form")
	step("fill in the report",
		chromedp.SetValue(sel(`#f-category`), "facility.lamp"),
		chromedp.SetValue(sel(`#f-description`), "幸福路路灯连续三晚不亮,夜间行人看不清路"),
		chromedp.SendKeys(sel(`#f-address`), "幸福路与东风街交叉口"),
		chromedp.SetUploadFiles(sel(`#f-photos`), []string{photo}),
		// Choose the first building of the grid in the place list.
		js(`(() => { const o = [...document.querySelectorAll('#f-org option')].find(o => o.textContent === `+strconv.Quote(building)+`); document.querySelector('#f-org').value = o.value; return true })()`),
		chromedp.Click(sel(`form[action="/events/new"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if f := text(".flash"); f != "已上报" {
		t.Fatalf("flash %q after reporting", f)
	}
	tracking := strings.TrimSpace(text(".kv dd.mono"))
	eventURL, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if imgs, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('.photos img').length`)); imgs != 1 {
		t.Errorf("the report shows %d photos, want 1", imgs)
	}
	if st := text(".ev-badges .ev-status"); st != "待受理" {
		t.Errorf("status %q after reporting", st)
	}
	noSideways("event")
	Screenshot(t, bctx, "reported")

	// 2. The community accepts it and sends it to the street.
	login("shequ")
	step("open it from the queue", chromedp.Navigate(eventURL), chromedp.WaitVisible(sel(`#act`)))
	act("accept", chromedp.Click(sel(`input[name="route"][value="street"]`)))

	// 3. The street files and dispatches it to 城管 (the category's department).
	login("jiedao")
	step("open it", chromedp.Navigate(eventURL), chromedp.WaitVisible(sel(`#act`)))
	act("file")
	act("dispatch")
	if st := text(".ev-badges .ev-status"); st != "待签收" {
		t.Errorf("status %q after dispatch", st)
	}

	// 4. 城管 finds it in its queue, signs for it and reports it handled.
	login("chengguan")
	taskURL := strings.Replace(eventURL, "/events/", "/events/tasks/", 1)
	step("the task waits in 城管's queue", chromedp.WaitVisible(sel(`.ev-list a[href="`+strings.TrimPrefix(taskURL, base)+`"]`)))
	step("open the task", chromedp.Navigate(taskURL), chromedp.WaitVisible(sel(`#act`)))
	act("take")
	act("feedback",
		chromedp.SendKeys(sel(`#f-note-feedback`), "已更换灯泡"),
		chromedp.SendKeys(sel(`#f-public-feedback`), "路灯已修复"))
	noSideways("task")

	// 5. The grid worker verifies it on site.
	login("wangge")
	step("the event waits in the grid worker's queue", chromedp.WaitVisible(sel(`.ev-list a[href="`+strings.TrimPrefix(eventURL, base)+`"]`)))
	step("open it", chromedp.Navigate(eventURL), chromedp.WaitVisible(sel(`#act`)))
	act("verify_pass", chromedp.SendKeys(sel(`#f-note-verify_pass`), "现场路灯已亮"))

	// 6. The street closes it.
	login("jiedao")
	step("open it", chromedp.Navigate(eventURL), chromedp.WaitVisible(sel(`#act`)))
	act("close", chromedp.SendKeys(sel(`#f-public-close`), "问题已解决,感谢反映"))
	if st := text(".ev-badges .ev-status"); st != "已结案" {
		t.Errorf("status %q after closing", st)
	}
	history := text(".timeline")
	for _, want := range []string{"上报", "受理", "立案", "派遣", "签收", "反馈", "核查通过", "结案", "网格员小王", "城管队员"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	Screenshot(t, bctx, "closed")
	// The street's map of open events and its KPIs, on the phone too.
	step("open the map", chromedp.Navigate(base+"/events/map"), chromedp.WaitVisible(sel(`svg.map-svg`)))
	noSideways("map")
	// On the phone every dot takes a tap 44 px across, the grids' labels
	// come after every dot (drawn over them) and no two labels overlap, as
	// Chromium lays them out.
	mapCheck, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => {
		const svg = document.querySelector('svg.map-svg');
		const hits = [...svg.querySelectorAll('.dot-hit')], labels = [...svg.querySelectorAll('text.grid-label')];
		if (hits.length === 0 || labels.length === 0) return 'no dots or no labels';
		const small = hits.filter(c => c.getBoundingClientRect().width < 44).length;
		if (small) return small + ' dots take taps less than 44 px across';
		const last = hits[hits.length - 1];
		if (labels.some(l => l.compareDocumentPosition(last) & Node.DOCUMENT_POSITION_FOLLOWING)) return 'a dot is drawn over a label';
		const boxes = labels.map(l => l.getBBox());
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
			const a = boxes[i], b = boxes[j];
			if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) return 'labels ' + i + ' and ' + j + ' overlap';
		}
		return 'ok';
	})()`))
	if err != nil || mapCheck != "ok" {
		t.Errorf("the events map on a phone: %s %v", mapCheck, err)
	}
	Screenshot(t, bctx, "map")
	step("open the KPIs", chromedp.Navigate(base+"/events/kpi?by=grid"), chromedp.WaitVisible(sel(`svg.chart-svg`)))
	// Every text of every chart inside its picture, as Chromium measures it.
	clipped, err := chromedp.Run(bctx, chromedp.Evaluate[int](`[...document.querySelectorAll('svg.chart-svg')].reduce((n, svg) => {
		const vb = svg.viewBox.baseVal;
		return n + [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox();
			return b.x < vb.x || b.y < vb.y || b.x + b.width > vb.x + vb.width || b.y + b.height > vb.y + vb.height }).length }, 0)`))
	if err != nil || clipped != 0 {
		t.Errorf("%d texts of the KPI charts run out of their picture (%v)", clipped, err)
	}
	if kpi := text("main"); !strings.Contains(kpi, "按期处置率") || !strings.Contains(kpi, "第") {
		t.Errorf("KPI page lacks its figures:\n%.300s", kpi)
	}
	noSideways("KPI")
	Screenshot(t, bctx, "kpi")

	// 7. The resident rates it on the public page, without an account.
	logout()
	step("look the number up",
		chromedp.Navigate(base+"/public/events/track"),
		chromedp.SendKeys(sel(`#f-no`), strings.ToLower(tracking)),
		chromedp.Click(sel(`.search-row button`)),
		chromedp.WaitVisible(sel(`form[action="/public/events/rate"]`)))
	page := text("main")
	for _, want := range []string{"已办结", "城市管理", "路灯已修复"} {
		if !strings.Contains(page, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	for _, secret := range []string{"网格员小王", "城管队员", "幸福路路灯连续三晚不亮"} {
		if strings.Contains(page, secret) {
			t.Errorf("public page shows %q", secret)
		}
	}
	noSideways("public")
	step("rate it",
		chromedp.Click(sel(`input[name="rating"][value="5"]`)),
		chromedp.SendKeys(sel(`#f-comment`), "修得很快"),
		chromedp.Click(sel(`form[action="/public/events/rate"] button`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if f := text(".flash"); !strings.Contains(f, "感谢您的评价") {
		t.Errorf("flash %q after rating", f)
	}
	if strings.Contains(text("main"), "提交评价") {
		t.Error("the rating form is still offered")
	}
	Screenshot(t, bctx, "rated")
}
