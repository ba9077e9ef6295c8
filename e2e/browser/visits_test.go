package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdptarget "github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/visits"
)

// TestVisitsOffline is a grid worker's round with no network: they open
// their list, the phone loses the network (DevTools network emulation,
// service workers included), they record three visits — one correcting
// the household's phone, one a member moved out — reload the page and
// still see them, and sync when the network is back. The office changed
// the same household's phone meanwhile: the sync keeps both values as a
// conflict, the worker applies theirs, and the community head finds the
// override flagged for review. Coverage and the register's history show
// the visits.
func TestVisitsOffline(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	var staffID, gridID, communityID int64
	var staffName string
	var before int
	withDB := func(fn func(ctx context.Context, db *database.DB)) {
		t.Helper()
		ctx := context.Background()
		db, err := database.Open(ctx, DBPath(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fn(ctx, db)
	}
	withDB(func(ctx context.Context, db *database.DB) {
		if err := db.QueryRowContext(ctx, `SELECT st.id, st.unit_id, st.community_id, st.name FROM org_staff st
			WHERE st.role = 'grid_worker' AND st.ended_on IS NULL ORDER BY st.id LIMIT 1`).
			Scan(&staffID, &gridID, &communityID, &staffName); err != nil {
			t.Fatalf("a grid worker of the demo: %v", err)
		}
		sc, err := access.NewService(db).Narrow(ctx, access.Everything, gridID)
		if err != nil {
			t.Fatal(err)
		}
		cov, err := visits.NewService(db, register.NewStore(db), nil, nil).CoverageOf(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		before = cov.VisitedInCycle
	})
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "wanggeyuan", "--display-name", staffName,
		"--role", "grid_worker", "--org", id(gridID), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shuji", "--display-name", "张书记",
		"--role", "community_head", "--org", id(communityID), "--password", pw)
	withDB(func(ctx context.Context, db *database.DB) {
		if _, err := db.ExecContext(ctx, `UPDATE org_staff SET user_id = (SELECT id FROM users WHERE name = 'wanggeyuan')
			WHERE id = $1`, staffID); err != nil {
			t.Fatal(err)
		}
	})
	base := StartServer(t)
	ctx := Chromium(t)
	sel := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			Screenshot(t, ctx, "failed")
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			Screenshot(t, ctx, "failed")
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	text := func(s string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel(s)))
		if err != nil {
			Screenshot(t, ctx, "failed")
			t.Fatalf("text of %s: %v", s, err)
		}
		return v
	}
	noSideways := func(page string) {
		t.Helper()
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 375 {
			t.Errorf("the %s page is %d px wide on a 375 px screen", page, width)
		}
	}
	cdpStep := func(method string, params any) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, cdp.Command[any, cdp.Empty]{Method: method}, params)
			return chromedp.Void{}, err
		}
	}
	// The phone's network, service worker included.
	workers := map[cdptarget.ID]context.Context{}
	network := func(offline bool) {
		t.Helper()
		rules := []map[string]any{}
		if offline {
			rules = append(rules, map[string]any{"urlPattern": "", "offline": true, "latency": 0,
				"downloadThroughput": -1, "uploadThroughput": -1})
		}
		step("network offline "+strconv.FormatBool(offline),
			cdpStep("Network.enable", map[string]any{}),
			cdpStep("Network.emulateNetworkConditionsByRule", map[string]any{"emulateOfflineServiceWorker": offline,
				"matchedNetworkConditions": rules}),
			cdpStep("Network.overrideNetworkState", map[string]any{"offline": offline, "latency": 0,
				"downloadThroughput": -1, "uploadThroughput": -1}))
		// The page's emulation does not reach the service worker's own
		// requests: its target is told as well.
		ts, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			if tg.Type != "service_worker" {
				continue
			}
			if workers[tg.TargetID] == nil {
				sw, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(tg.TargetID))
				t.Cleanup(cancel)
				workers[tg.TargetID] = sw
			}
			if err := chromedp.Do(workers[tg.TargetID], cdpStep("Network.emulateNetworkConditions", map[string]any{
				"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})); err != nil {
				t.Fatalf("the service worker's network: %v", err)
			}
		}
	}
	login := func(name string) {
		t.Helper()
		step("log in as "+name,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(sel(`#f-name`)),
			chromedp.SendKeys(sel(`#f-name`), name),
			chromedp.SendKeys(sel(`#f-password`), pw),
			chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
			chromedp.WaitVisible(sel(`.who-name`)))
	}

	login("wanggeyuan")
	step("open the list; the phone keeps the package and the pages",
		chromedp.Navigate(base+"/visits"),
		chromedp.WaitVisible(sel(`.worklist`)),
		chromedp.WaitReady(sel(`#offline-app[data-ready="1"]`)))
	if s := text(`#offline-package`); !strings.Contains(s, "离线包") || strings.Contains(s, "尚未") {
		t.Fatalf("the package: %q", s)
	}
	noSideways("worklist")
	Screenshot(t, ctx, "online-list")
	// Three households of today's list, the second with a member who can
	// move out.
	hrefs := strings.Fields(eval(`Array.from(document.querySelectorAll('.worklist a.btn')).map(a => a.getAttribute('href')).join(' ')`))
	var picked []int64
	var phoneHH, movedHH, movedPerson int64
	withDB(func(ctx context.Context, db *database.DB) {
		for _, h := range hrefs {
			hid, _ := strconv.ParseInt(strings.Split(h, "/")[3], 10, 64)
			var members int
			var second int64
			db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(p.id), 0) FROM persons p JOIN households h ON h.id = p.household_id
				WHERE p.household_id = $1 AND p.status = 'active' AND p.id <> COALESCE(h.head_id, 0)`, hid).Scan(&members, &second)
			switch {
			case movedHH == 0 && members > 0:
				movedHH, movedPerson = hid, second
			case phoneHH == 0:
				phoneHH = hid
			case len(picked) == 0:
				picked = append(picked, hid)
			}
		}
	})
	if phoneHH == 0 || movedHH == 0 || len(picked) == 0 {
		t.Fatalf("three households on the list: %v", hrefs)
	}
	plainHH := picked[0]
	form := func(hid int64) string { return `a[href^="/visits/households/` + id(hid) + `/new"]` }
	save := chromedp.Click(sel(`#offline-form button[type="submit"]`))
	// The day before, wherever the browser's and the server's days begin.
	leftOn := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
	started := database.FormatTime(time.Now())

	network(true)
	// Each visit form is a new document served by the service worker, and
	// Chromium applies the emulated network to it a moment later: in one
	// CI run a form saved at once believed it was online, its sync reached
	// the server, and the office's edit that should conflict came after.
	// So before saving, wait until this page is offline in its own eyes
	// and in fact (a request to the server fails).
	offlineHere := func(what string) {
		t.Helper()
		probe := `(async () => {
			if (navigator.onLine) return 'online';
			try { await fetch('/healthz', { cache: 'no-store' }); return 'reachable'; } catch (e) { return 'offline'; }
		})()`
		for try := 1; ; try++ {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](probe, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got == "offline" {
				if try > 1 {
					t.Logf("%s: offline after %d probes", what, try)
				}
				return
			}
			if try == 200 {
				t.Fatalf("%s: the page is still %s", what, got)
			}
			if try%20 == 0 { // tell the new document again, should it have missed it
				network(true)
			}
			time.Sleep(100 * time.Millisecond) // the emulation catching up with the new document
		}
	}
	offlineHere("the list with no network")
	step("with no network, open the first household from the list",
		chromedp.Click(sel(form(phoneHH))),
		chromedp.WaitVisible(sel(`#offline-form`)))
	offlineHere("the first form")
	step("correct its phone",
		chromedp.SetValue(sel(`#f-household_phone`), "13700001111"),
		chromedp.SendKeys(sel(`#f-met`), "户主本人"),
		chromedp.SendKeys(sel(`#f-notes`), "住户换了手机号"))
	noSideways("offline visit form")
	Screenshot(t, ctx, "offline-form")
	step("save it on the phone", save, chromedp.WaitVisible(sel(`.offline-queue`)))
	step("the second: a member moved out",
		chromedp.Click(sel(form(movedHH))),
		chromedp.WaitVisible(sel(`#offline-form`)))
	offlineHere("the second form")
	step("the member's leaving",
		chromedp.SendKeys(sel(`#f-met`), "户主"),
		chromedp.SetValue(sel(`#f-leave_person`), id(movedPerson)),
		chromedp.SetValue(sel(`#f-leave_status`), "moved_out"),
		chromedp.SetValue(sel(`#f-left_on`), leftOn),
		chromedp.SendKeys(sel(`#f-left_to`), "西安市雁塔区"),
		save,
		chromedp.WaitReady(sel(`.offline-status[data-pending="2"]`)))
	step("the third: a visit with its 民情日记",
		chromedp.Click(sel(form(plainHH))),
		chromedp.WaitVisible(sel(`#offline-form`)))
	offlineHere("the third form")
	step("its notes",
		chromedp.SendKeys(sel(`#f-met`), "老人的女儿"),
		chromedp.SendKeys(sel(`#f-notes`), "老人身体还好"),
		save,
		chromedp.WaitReady(sel(`.offline-status[data-pending="3"]`)))
	step("reload the page with no network", chromedp.Reload(), chromedp.WaitReady(sel(`.offline-status[data-pending="3"]`)))
	if n := eval(`String(document.querySelectorAll('.offline-queue li.queued').length)`); n != "3" {
		t.Fatalf("after the reload the phone shows %s visits", n)
	}
	if q := text(`.offline-queue`); !strings.Contains(q, "电话改为 13700001111") || !strings.Contains(q, "迁出") || !strings.Contains(q, "待同步") {
		t.Errorf("the queue: %q", q)
	}
	noSideways("offline list")
	Screenshot(t, ctx, "offline-queue")

	// Meanwhile the office changes the first household's phone.
	withDB(func(ctx context.Context, db *database.DB) {
		reg := register.NewStore(db)
		h, err := reg.Household(ctx, access.Everything, phoneHH)
		if err != nil {
			t.Fatal(err)
		}
		h.Phone = "13611112222"
		if err := reg.UpdateHousehold(ctx, register.Actor{UserID: 1, Name: "社区民警", Source: "web"}, access.Everything, &h); err != nil {
			t.Fatal(err)
		}
	})

	network(false)
	// 同步 is pressed by script, not through a node found first: the page
	// redraws its status box when a sync ends (its own retry may end at any
	// moment), and a node found before the redraw is gone by the click.
	pressSync := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`(() => { document.querySelector('#offline-sync').click(); return true })()`)(ctx, tg)
		return chromedp.Void{}, err
	})
	// The worker presses 同步 again while the queue is not empty: the
	// page's own attempt on "online" may run before the service worker's
	// network is back, and a press during it is folded into a rerun that
	// can meet the same moment.
	for try := 1; ; try++ {
		step("the network is back: sync", pressSync)
		tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := chromedp.Do(tctx, chromedp.WaitReady(sel(`.offline-status[data-pending="0"]`)))
		cancel()
		if err == nil {
			break
		}
		if try == 5 {
			Screenshot(t, ctx, "failed")
			t.Fatalf("the queue is still pending after %d presses of 同步: %v", try, err)
		}
	}
	// The answer to the sync is in the phone's store by now: a conflict
	// missing after a minute is missing for good, and what the phone and
	// the server hold says why.
	{
		tctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := chromedp.Do(tctx, chromedp.WaitVisible(sel(`.offline-queue .conflict`)))
		cancel()
		if err != nil {
			Screenshot(t, ctx, "failed")
			t.Logf("the phone's queue: %q", text(`.offline-queue`))
			withDB(func(ctx context.Context, db *database.DB) {
				rows, err := db.QueryContext(ctx, `SELECT v.id, v.household_id, v.client_uuid, v.recorded_at,
					(SELECT COUNT(*) FROM visit_conflicts c WHERE c.visit_id = v.id)
					FROM visits v WHERE v.author = $1 AND v.recorded_at >= $2 ORDER BY v.id`, staffName, started)
				if err != nil {
					t.Logf("the server's visits: %v", err)
					return
				}
				defer rows.Close()
				for rows.Next() {
					var vid, hid, n int64
					var uuid, at string
					if err := rows.Scan(&vid, &hid, &uuid, &at, &n); err == nil {
						t.Logf("the server holds visit %d of household %d (%s) at %s with %d conflicts", vid, hid, uuid, at, n)
					}
				}
				reg := register.NewStore(db)
				h, _ := reg.Household(ctx, access.Everything, phoneHH)
				t.Logf("household %d now: phone %s, version %d", phoneHH, h.Phone, h.Version)
			})
			t.Fatalf("the conflict is shown: %v", err)
		}
	}
	if c := text(`.offline-queue .conflict`); !strings.Contains(c, "社区民警") || !strings.Contains(c, "住户电话") ||
		!strings.Contains(c, "登记信息") || !strings.Contains(c, "走访发现") {
		t.Errorf("the worker sees the conflict: %q", c)
	}
	Screenshot(t, ctx, "synced")
	step("sync again: nothing to send", pressSync, chromedp.WaitVisible(sel(`.offline-queue`)))
	withDB(func(ctx context.Context, db *database.DB) {
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM visits WHERE author = $1 AND recorded_at >= $2`, staffName, started).Scan(&n)
		if n != 3 {
			t.Errorf("%d visits recorded by the worker, want 3", n)
		}
		reg := register.NewStore(db)
		h, _ := reg.Household(ctx, access.Everything, phoneHH)
		p, _ := reg.Person(ctx, access.Everything, movedPerson)
		if h.Phone != "13611112222" || p.Status != "moved_out" {
			t.Errorf("after the sync: the office's phone %q kept, the member %s", h.Phone, p.Status)
		}
	})

	step("the worker applies their value",
		chromedp.Navigate(base+"/visits/conflicts"),
		chromedp.WaitVisible(sel(`li.conflict button[value="apply"]`)))
	noSideways("conflicts")
	step("apply", chromedp.Click(sel(`li.conflict button[value="apply"]`)), chromedp.WaitVisible(sel(`li.conflict.flagged`)))
	step("log out", chromedp.Click(sel(`form[action="/logout"] button`)), chromedp.WaitVisible(sel(`#f-name`)))

	login("shuji")
	step("the community head finds the override flagged for review",
		chromedp.Navigate(base+"/visits/conflicts"),
		chromedp.WaitVisible(sel(`li.conflict.flagged`)))
	if c := text(`li.conflict.flagged`); !strings.Contains(c, "社区民警") || !strings.Contains(c, staffName) || !strings.Contains(c, "待复核") {
		t.Errorf("the head's conflict: %q", c)
	}
	Screenshot(t, ctx, "head-review")
	step("review it", chromedp.Click(sel(`li.conflict.flagged button[value="review"]`)), chromedp.WaitVisible(sel(`#h-decided`)))
	if s := text(`#h-review + p`); !strings.Contains(s, "没有待复核") {
		t.Errorf("after the review: %q", s)
	}

	step("coverage of the grid", chromedp.Navigate(base+"/visits/coverage?org="+id(gridID)), chromedp.WaitVisible(sel(`h1`)))
	sub := text(`.subtitle`)
	i := strings.Index(sub, "周期内已访 ")
	after, _ := strconv.Atoi(strings.SplitN(sub[i+len("周期内已访 "):], ",", 2)[0])
	if i < 0 || after <= before {
		t.Errorf("coverage before the visits %d, after: %q", before, sub)
	}
	step("the register's history of the household", chromedp.Navigate(base+"/households/"+id(phoneHH)), chromedp.WaitVisible(sel(`h1`)))
	if page := text(`main`); !strings.Contains(page, "入户走访") {
		t.Errorf("the household's history names no visit")
	}
	Screenshot(t, ctx, "history")
}
