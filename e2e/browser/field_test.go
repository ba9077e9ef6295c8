package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/testlog"
	"shequ/internal/web"
)

// TestFieldRegister is a grid worker's round on a phone: at an empty house
// of their grid they register a floating household with its head, add a
// second member, register the rental with both as tenants, record the
// second member's move out of the community and tag the head, left alone,
// 独居老人. The community head's report for the month then counts the new
// household and the move, and their ledgers name them.
func TestFieldRegister(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	var houseID, gridID, communityID int64
	func() {
		ctx := context.Background()
		db, err := database.Open(ctx, DBPath(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRowContext(ctx, `SELECT h.id, h.grid_id, h.community_id FROM houses h
			WHERE h.use = 'vacant' AND h.grid_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM households x WHERE x.house_id = h.id)
			ORDER BY h.id LIMIT 1`).Scan(&houseID, &gridID, &communityID); err != nil {
			t.Fatalf("pick an empty house from the demo data: %v", err)
		}
	}()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "wanggeyuan", "--display-name", "刘网格员", "--role", "grid_worker",
		"--org", id(gridID), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "zhuren", "--display-name", "张主任", "--role", "community_head",
		"--org", id(communityID), "--password", pw)
	headID := ident.MakeResidentID("110105", time.Date(1948, 3, 9, 0, 0, 0, 0, time.UTC), 977)
	sonID := ident.MakeResidentID("110105", time.Date(1979, 7, 21, 0, 0, 0, 0, time.UTC), 979)
	testlog.Secret(t, headID, sonID, "13800138011")
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
	path := func() string {
		t.Helper()
		p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		if err != nil {
			t.Fatal(err)
		}
		return p
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
	submit := chromedp.Click(sel(`.form-actions button[type="submit"]`))

	login("wanggeyuan")
	step("open the house and its 登记新户 form",
		chromedp.Navigate(base+"/houses/"+id(houseID)),
		chromedp.Click(sel(`a[href="/houses/`+id(houseID)+`/households/new"]`)),
		chromedp.WaitVisible(sel(`#f-head_name`)))
	noSideways("household form")
	// A mistyped ID number comes back at its field, the rest as typed.
	bad := headID[:17] + "0"
	if headID[17] == '0' {
		bad = headID[:17] + "1"
	}
	step("send the household with a wrong check digit",
		chromedp.SendKeys(sel(`#f-number`), "ZN-LS-0001"),
		chromedp.SetValue(sel(`#f-kind`), "floating"),
		chromedp.SendKeys(sel(`#f-head_name`), "赵老汉"),
		chromedp.SendKeys(sel(`#f-head_id_number`), bad),
		chromedp.SetValue(sel(`#f-head_residence`), "floating"),
		chromedp.SendKeys(sel(`#f-head_phone`), "13800138011"),
		submit,
		chromedp.WaitVisible(sel(`#err-head_id_number`)))
	Screenshot(t, ctx, "household-error")
	step("correct the ID number",
		chromedp.SetValue(sel(`#f-head_id_number`), headID),
		submit,
		chromedp.WaitVisible(sel(`.flash`)))
	householdPath := path()
	if h1 := text("h1"); !strings.Contains(h1, "ZN-LS-0001") {
		t.Fatalf("after registering: %s at %s", h1, householdPath)
	}
	step("add the second member",
		chromedp.Click(sel(`a[href^="/persons/new?household="]`)),
		chromedp.WaitVisible(sel(`#f-name`)),
		chromedp.SendKeys(sel(`#f-name`), "赵小强"),
		chromedp.SendKeys(sel(`#f-id_number`), sonID),
		chromedp.SetValue(sel(`#f-relation`), "20"),
		chromedp.SetValue(sel(`#f-residence`), "floating"),
		submit,
		chromedp.WaitVisible(sel(`a[href$="/leave"]`)))
	sonPath := path()

	step("register the rental with both as tenants",
		chromedp.Navigate(base+"/houses/"+id(houseID)+"/rentals/new"),
		chromedp.WaitVisible(sel(`#f-landlord`)),
		chromedp.SetValue(sel(`#f-landlord`), "王房东"),
		chromedp.SendKeys(sel(`#f-monthly_rent`), "800"))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="tenant"]:checked').length`)); err != nil || n != 2 {
		t.Fatalf("tenants offered and checked: %d (%v)", n, err)
	}
	noSideways("rental form")
	step("save the rental", submit, chromedp.WaitVisible(sel(`.flash`)))
	if body := text("main"); !strings.Contains(body, "王房东") || !strings.Contains(body, "赵小强") || !strings.Contains(body, "800 元") {
		t.Errorf("the house page lacks the rental:\n%s", body)
	}

	step("record the son's move out of the community",
		chromedp.Navigate(base+sonPath+"/leave"),
		chromedp.WaitVisible(sel(`#f-left_to`)),
		submit,
		chromedp.WaitVisible(sel(`#err-left_to`)))
	if e := text("#err-left_to"); !strings.Contains(e, "迁往地不能为空") {
		t.Errorf("missing destination: %q", e)
	}
	noSideways("move out form")
	Screenshot(t, ctx, "leave-error")
	step("give the destination",
		chromedp.SendKeys(sel(`#f-left_to`), "北京市朝阳区"),
		submit,
		chromedp.WaitVisible(sel(`.flash`)))
	if body := text("main"); !strings.Contains(body, "迁出") || !strings.Contains(body, "北京市朝阳区") {
		t.Errorf("the person page lacks the move:\n%s", body)
	}

	step("open the head from the household and add 独居老人",
		chromedp.Navigate(base+householdPath),
		chromedp.Click(sel(`.table a[href^="/persons/"]`)),
		chromedp.WaitVisible(sel(`a[href$="/tags/new"]`)),
		chromedp.Click(sel(`a[href$="/tags/new"]`)),
		chromedp.WaitVisible(sel(`#f-tag`)),
		chromedp.SetValue(sel(`#f-tag`), "living_alone"),
		chromedp.SendKeys(sel(`#f-evidence`), "网格走访"),
		submit,
		chromedp.WaitVisible(sel(`.flash`)))
	if tags := text(".tags"); !strings.Contains(tags, "独居老人") {
		t.Errorf("tags: %q", tags)
	}
	if who := text("h1"); who != "赵老汉" {
		t.Errorf("tagged %q, want the head", who)
	}
	Screenshot(t, ctx, "person-tagged")

	// The month's report of the community.
	step("log out",
		chromedp.Navigate(base+"/"),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](`(() => { document.querySelector('form[action="/logout"]').submit(); return true })()`)(ctx, tg)
			return chromedp.Void{}, err
		},
		chromedp.WaitVisible(sel(`#f-password`)))
	login("zhuren")
	month := indicators.Current(indicators.Monthly, time.Now().In(web.China)).String()
	report := base + "/reports/units/" + id(communityID) + "?period=" + month
	ledger := func(item string) string {
		t.Helper()
		// The item's category may be folded away: follow its link.
		step("open the report of "+month, chromedp.Navigate(report), chromedp.WaitVisible(sel(`.report`)))
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.report a[href*="item=`+item+`"]').getAttribute("href")`))
		if err != nil || href == "" {
			Screenshot(t, ctx, "failed")
			t.Fatalf("no ledger link for %s (%v)", item, err)
		}
		step("open the ledger of "+item, chromedp.Navigate(base+href), chromedp.WaitVisible(sel(`.ledger`)))
		return text(".ledger")
	}
	if l := ledger("C005"); !strings.Contains(l, "ZN-LS-0001") {
		t.Errorf("本期新增户 of %s does not list the household:\n%s", month, l)
	}
	if l := ledger("A021"); !strings.Contains(l, "赵小强") {
		t.Errorf("本期迁出 of %s does not list the son:\n%s", month, l)
	}
	Screenshot(t, ctx, "ledger-moved-out")
}
