package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// TestWorkbench opens the home page of a 网格员, a 窗口 clerk, a street's
// platform and a department on a 375 px phone: the navigation shows every
// entry within the screen, and each person takes one item from their
// workbench through to its action — the grid worker verifies an event,
// the clerk takes in the missing material, the street approves an
// application, 城管 signs for an event and reports it handled — after
// which the item is no longer on their workbench.
func TestWorkbench(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var grid, community, street, district int64
	err = db.QueryRowContext(ctx, `SELECT e.grid_id, e.community_id, s.id, d.id FROM events e
		JOIN org_units c ON c.id = e.community_id JOIN org_units s ON s.id = c.parent_id JOIN org_units d ON d.id = s.parent_id
		WHERE e.status = 'verifying' AND e.grid_id IS NOT NULL ORDER BY e.id LIMIT 1`).Scan(&grid, &community, &street, &district)
	if err != nil {
		db.Close()
		t.Fatalf("pick a grid with an event to verify from the demo data: %v", err)
	}
	// A second community in the street, with a long name, so that the
	// street compares two and its charts must make room for the name.
	second := orgtree.Unit{ParentID: street, Level: orgtree.LevelCommunity, Name: "路东街道红旗东路第二社区居民委员会"}
	err = orgtree.NewStore(db).Create(ctx, db, &second)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, u := range [][3]string{{"wangge", "grid_worker", id(grid)}, {"chuangkou", "window_clerk", id(community)},
		{"jiedao", "street_operator", id(street)}, {"chengguan", "dept_urban", id(district)},
		{"shegong", "community_staff", id(community)}} {
		RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", u[0], "--role", u[1], "--org", u[2], "--password", pw)
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
	js := func(expr string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			Screenshot(t, bctx, "failed")
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	loggedIn := false
	login := func(name string) {
		t.Helper()
		if loggedIn {
			step("log out", chromedp.Navigate(base+"/"),
				js(`(() => { document.querySelector('form[action="/logout"]').submit(); return true })()`),
				chromedp.WaitVisible(sel(`#f-password`)))
		}
		loggedIn = true
		step("log in as "+name,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(sel(`#f-password`)),
			chromedp.SendKeys(sel(`#f-name`), name),
			chromedp.SendKeys(sel(`#f-password`), pw),
			chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
			chromedp.WaitVisible(sel(`#wb-summary`)))
	}
	// fits checks the page on the phone: no sideways scrolling, and every
	// entry of the navigation shown whole within the screen.
	fits := func(who string) {
		t.Helper()
		bad := eval(`(() => {
			const out = [];
			if (document.documentElement.scrollWidth > 375) out.push('page ' + document.documentElement.scrollWidth + ' px wide');
			const links = [...document.querySelectorAll('nav.nav a')];
			if (links.length < 2) out.push('only ' + links.length + ' navigation entries');
			for (const a of links) {
				const r = a.getBoundingClientRect(), s = getComputedStyle(a);
				if (r.width <= 0 || r.height <= 0 || r.left < 0 || r.right > 375 || s.visibility !== 'visible' || s.display === 'none')
					out.push(a.textContent.trim() + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
				else if (a.scrollWidth > a.clientWidth + 1) out.push(a.textContent.trim() + ' cut off');
			}
			return out.join('; ');
		})()`)
		if bad != "" {
			t.Errorf("%s's workbench on a 375 px phone: %s", who, bad)
		}
	}
	// take returns the link of the first item of a kind on the workbench.
	take := func(kind string) string {
		t.Helper()
		href := eval(`(() => { const a = document.querySelector('li.wb-item[data-kind="` + kind + `"] a.wb-title'); return a ? a.getAttribute('href') : '' })()`)
		if href == "" {
			Screenshot(t, bctx, "failed")
			t.Fatalf("no %s item on the workbench", kind)
		}
		return href
	}
	gone := func(who, href string) {
		t.Helper()
		step("back to the workbench", chromedp.Navigate(base+"/"), chromedp.WaitVisible(sel(`#wb-summary`)))
		if n := eval(`String(document.querySelectorAll('a.wb-title[href="` + href + `"]').length)`); n != "0" {
			t.Errorf("%s: %s is still on the workbench after it was done", who, href)
		}
	}
	open := func(href, ready string) {
		t.Helper()
		step("open "+href, chromedp.Click(sel(`a.wb-title[href="`+href+`"]`)), chromedp.WaitVisible(sel(ready)))
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil || !strings.HasSuffix(loc, href) {
			t.Errorf("the item led to %s, want %s", loc, href)
		}
	}
	act := func(action string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		form := `form:has(input[name="action"][value="` + action + `"])`
		steps := []chromedp.Action[chromedp.Void]{chromedp.WaitReady(sel(form)),
			js(`(() => { const d = document.querySelector('` + form + `').closest('details'); if (d) d.open = true; return true })()`)}
		steps = append(steps, fill...)
		steps = append(steps, js(`(() => { document.querySelectorAll('.flash').forEach(e => e.remove()); return true })()`),
			chromedp.Click(sel(form+` button[type="submit"]`)), chromedp.WaitVisible(sel(`.flash`)))
		step(action, steps...)
	}

	// The grid worker verifies an event on site.
	login("wangge")
	fits("网格员")
	Screenshot(t, bctx, "grid-worker")
	href := take("events")
	open(href, `#act`)
	act("verify_pass", chromedp.SendKeys(sel(`#f-note-verify_pass`), "现场已处理好"))
	gone("网格员", href)

	// The window clerk takes in the material a resident brought.
	login("chuangkou")
	fits("窗口")
	Screenshot(t, bctx, "window-clerk")
	href = take("services.window")
	open(href, `#supply-form`)
	step("supply the missing materials",
		js(`(() => { document.querySelectorAll('#supply-form input[type=checkbox]').forEach(c => c.checked = true); return true })()`),
		chromedp.Click(sel(`#supply-form button[type="submit"]`)), chromedp.WaitVisible(sel(`.flash`)))
	gone("窗口", href)

	// The street approves an application at its level.
	login("jiedao")
	fits("街道平台")
	Screenshot(t, bctx, "street")
	// Its communities side by side, no chart label cut off: every text of
	// every chart lies inside the drawing, and the drawing on the screen.
	clipped := eval(`(() => {
		const out = [];
		const svgs = [...document.querySelectorAll('#wb-compare svg')];
		if (svgs.length !== 4) out.push(svgs.length + ' charts');
		for (const svg of svgs) {
			const vb = svg.viewBox.baseVal, r = svg.getBoundingClientRect();
			if (r.left < 0 || r.right > 375) out.push('a chart at ' + Math.round(r.left) + '..' + Math.round(r.right));
			for (const tx of svg.querySelectorAll('text')) {
				const b = tx.getBBox();
				if (b.x < 0 || b.x + b.width > vb.width || b.y < 0 || b.y + b.height > vb.height)
					out.push(tx.textContent + ' at ' + Math.round(b.x) + '..' + Math.round(b.x + b.width) + ' of ' + vb.width);
			}
		}
		return out.join('; ');
	})()`)
	if clipped != "" {
		t.Errorf("the street's comparison: %s", clipped)
	}
	if cmp := eval(`document.querySelector('#wb-compare') ? document.querySelector('#wb-compare').textContent : ''`); !strings.Contains(cmp, "路东街道红旗东路第二社区居民委员会") {
		t.Errorf("the comparison lacks the street's second community:\n%s", cmp)
	}
	href = take("services.street")
	open(href, `#approve-form`)
	step("approve", chromedp.SendKeys(sel(`#approve-form #f-note`), "材料齐全,同意"),
		chromedp.Click(sel(`#approve-form button[type="submit"]`)), chromedp.WaitVisible(sel(`.flash`)))
	gone("街道平台", href)

	// The community's staff hold the longest menu: every capability's entry.
	login("shegong")
	fits("社区工作者")
	Screenshot(t, bctx, "community-staff")

	// 城管 signs for an event and reports it handled.
	login("chengguan")
	fits("城管")
	Screenshot(t, bctx, "department")
	href = eval(`(() => { const li = [...document.querySelectorAll('li.wb-item[data-kind="events"]')].find(li => li.querySelector('.wb-action').textContent === '待签收'); return li ? li.querySelector('a.wb-title').getAttribute('href') : '' })()`)
	if href == "" {
		Screenshot(t, bctx, "failed")
		t.Fatal("no event to sign for on 城管's workbench")
	}
	open(href, `#act`)
	act("take")
	act("feedback",
		chromedp.SendKeys(sel(`#f-note-feedback`), "已处置"),
		chromedp.SendKeys(sel(`#f-public-feedback`), "已处理"))
	gone("城管", href)
}
