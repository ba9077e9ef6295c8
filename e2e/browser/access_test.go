package browser

import (
	"bytes"
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"shequ/internal/database"
	"shequ/internal/testlog"
)

// twoGrids picks, from the demo data, a grid with a resident to work on and
// a household of another grid of the same community with a resident whose
// name nobody in the first grid shares.
type twoGrids struct {
	grid, gridName       string
	personID             int64
	personName, idNumber string
	otherHousehold       int64
	otherName            string
}

func pickGrids(t *testing.T, path string) twoGrids {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var g twoGrids
	var grid int64
	err = db.QueryRowContext(ctx, `SELECT p.grid_id, u.name, p.id, p.name, p.id_number FROM persons p
		JOIN org_units u ON u.id = p.grid_id
		WHERE p.status = 'active' AND p.doc_type = 'resident_id' ORDER BY p.id LIMIT 1`).
		Scan(&grid, &g.gridName, &g.personID, &g.personName, &g.idNumber)
	if err != nil {
		t.Fatal(err)
	}
	g.grid = strconv.FormatInt(grid, 10)
	err = db.QueryRowContext(ctx, `SELECT p.household_id, p.name FROM persons p
		WHERE p.grid_id <> $1 AND p.status = 'active' AND p.household_id IS NOT NULL
		AND p.name NOT IN (SELECT name FROM persons WHERE grid_id = $1) ORDER BY p.id LIMIT 1`, grid).
		Scan(&g.otherHousehold, &g.otherName)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestAccess: a 网格员 on a phone sees only their grid, cannot open another
// grid's household by its address, and sees ID numbers masked; an
// administrator reveals one number and finds the reveal in the audit log.
func TestAccess(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	g := pickGrids(t, DBPath(t))
	testlog.Secret(t, g.personName, g.idNumber, g.otherName)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "wanggrid", "--display-name", "王网格", "--role", "grid_worker",
		"--org", g.grid, "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "chief", "--display-name", "李管理", "--role", "admin", "--password", pw)
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

	login("wanggrid")
	if h1 := text("h1"); !strings.Contains(h1, g.gridName) {
		t.Errorf("the grid worker's home page is about %q, want their grid %s", h1, g.gridName)
	}
	if role := text(".who-role"); role != "网格员" {
		t.Errorf("top bar role %q", role)
	}
	// A search by surname lists only the grid's residents, numbers masked.
	surname := string([]rune(g.personName)[:1])
	step("search by surname",
		chromedp.Navigate(base+"/search"),
		chromedp.WaitVisible(sel(`#f-q`)),
		chromedp.SendKeys(sel(`#f-q`), surname),
		chromedp.Click(sel(`.search-row button`)),
		chromedp.WaitVisible(sel(`.results`)))
	grids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".results td[data-label='网格']")].map(td => td.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(grids) == 0 {
		t.Fatal("the search found nobody")
	}
	for _, name := range grids {
		if name != g.gridName {
			t.Errorf("a result of grid %q for a worker of %q", name, g.gridName)
		}
	}
	results := text(".results")
	if strings.Contains(results, g.idNumber) || !strings.Contains(results, "****") {
		t.Errorf("ID numbers are not masked in the results:\n%s", results)
	}
	Screenshot(t, ctx, "grid-worker-search")
	step("search for a resident of another grid",
		chromedp.Navigate(base+"/search?tab=persons&q="+g.otherName),
		chromedp.WaitVisible(sel(`#f-q`)))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main a[href^='/persons/']").length`)); err != nil || n != 0 {
		t.Errorf("a search for another grid's resident found %d persons (%v)", n, err)
	}
	// Another grid's household, by its URL, is not there at all.
	step("open another grid's household by URL",
		chromedp.Navigate(base+"/households/"+strconv.FormatInt(g.otherHousehold, 10)),
		chromedp.WaitVisible(sel(`.error-page`)))
	if h1 := text("h1"); h1 != "找不到该页面" {
		t.Errorf("another grid's household shows %q", h1)
	}
	if body := text("main"); strings.Contains(body, g.otherName) {
		t.Error("the refusal page names the household's member")
	}
	// The grid worker's own resident: masked, no reveal button.
	step("open a resident of the grid",
		chromedp.Navigate(base+"/persons/"+strconv.FormatInt(g.personID, 10)),
		chromedp.WaitVisible(sel(`#id-number`)))
	if id := text("#id-number"); id == g.idNumber || !strings.Contains(id, "****") {
		t.Errorf("the grid worker sees the ID number as %q", id)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#reveal").length`)); n != 0 {
		t.Error("a grid worker is offered to reveal the number")
	}
	step("log out", chromedp.Click(sel(`form[action="/logout"] button`)), chromedp.WaitVisible(sel(`#f-name`)))

	login("chief")
	step("open the resident as administrator",
		chromedp.Navigate(base+"/persons/"+strconv.FormatInt(g.personID, 10)),
		chromedp.WaitVisible(sel(`#reveal`)))
	if id := text("#id-number"); id == g.idNumber {
		t.Error("the administrator sees the full number before revealing it")
	}
	step("reveal the number",
		chromedp.Click(sel(`#reveal`)),
		chromedp.WaitVisible(sel(`.notice`)))
	if id := text("#id-number"); id != g.idNumber {
		t.Errorf("after the reveal the ID number shows as %q", id)
	}
	Screenshot(t, ctx, "revealed")
	// The audit log, on the phone's width, in words: who by name and role,
	// what was done, to which record by its (masked) name, with filters and
	// an export.
	count := func(css string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(css)+`).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	step("open the audit log",
		chromedp.Navigate(base+"/audit?action=reveal"),
		chromedp.WaitVisible(sel(`#audit-entries`)))
	entries := text("#audit-entries tbody")
	masked := string([]rune(g.personName)[:1]) + strings.Repeat("*", len([]rune(g.personName))-1)
	for _, want := range []string{"李管理(chief)", "管理员", "查看人员的完整号码", "人员 " + masked} {
		if !strings.Contains(entries, want) {
			t.Errorf("the audit log's reveal lacks %q:\n%s", want, entries)
		}
	}
	if count(`#audit-entries a[href="/persons/`+strconv.FormatInt(g.personID, 10)+`"]`) == 0 {
		t.Errorf("the reveal does not link the person:\n%s", entries)
	}
	step("filter by a colleague's name and an action, in the form",
		chromedp.Navigate(base+"/audit"),
		chromedp.WaitVisible(sel(`#audit-filter`)),
		chromedp.SendKeys(sel(`#f-user`), "王网格"),
		chromedp.SetValue(sel(`#f-action`), "denied"))
	// The filtered page has the same table: the old one is renamed so that
	// only the new page's can be waited for.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("audit-entries").id = "audit-entries-before"; true`)); err != nil {
		t.Fatal(err)
	}
	step("send the filter",
		chromedp.Click(sel(`#audit-filter button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#audit-entries`)))
	entries = text("#audit-entries tbody")
	if !strings.Contains(entries, "越权访问被拒绝:查看户") || !strings.Contains(entries, "网格员") ||
		count(`#audit-entries a[href="/households/`+strconv.FormatInt(g.otherHousehold, 10)+`"]`) == 0 {
		t.Errorf("the audit log lacks the grid worker's refused attempt:\n%s", entries)
	}
	for _, code := range []string{"denied", "GET /", "{id}", "household", "404"} {
		if strings.Contains(entries, code) {
			t.Errorf("the audit log shows %q:\n%s", code, entries)
		}
	}
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 375 {
		t.Errorf("the audit page is %d px wide on a 375 px screen (%v)", w, err)
	}
	Screenshot(t, ctx, "audit")
	step("filter the grid worker's searches",
		chromedp.Navigate(base+"/audit?user=wanggrid&action=search"),
		chromedp.WaitVisible(sel(`#audit-entries`)))
	if entries = text("#audit-entries tbody"); !strings.Contains(entries, "搜索登记信息") || !strings.Contains(entries, "人员:"+surname) {
		t.Errorf("the audit log lacks the grid worker's search for %s:\n%s", surname, entries)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#audit-export").getAttribute("href")`))
	if err != nil || !strings.Contains(href, "action=search") {
		t.Fatalf("the export link %q (%v)", href, err)
	}
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch(`+strconv.Quote(href)+`).then(r => { if (!r.ok) throw new Error(r.status); return r.arrayBuffer() }).
			then(b => { let s = ""; const a = new Uint8Array(b); for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s) })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("export the audit log: %v", err)
	}
	book, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("the audit export does not open: %v", err)
	}
	rows, err := x.GetRows("审计日志")
	if err != nil || len(rows) < 2 || strings.Join(rows[0], "|") != "时间|用户|角色|地址|操作|结果|对象|内容|条数" {
		t.Fatalf("the audit export: %v %q", err, rows)
	}
	for _, r := range rows[1:] {
		if len(r) < 8 || !strings.HasPrefix(r[1], "王网格(wanggrid)") || !strings.HasPrefix(r[7], "人员:") && !strings.HasPrefix(r[7], "户:") && !strings.HasPrefix(r[7], "单位:") {
			t.Errorf("an exported search reads %q", r)
		}
	}
	// The auditor's own reading is in the log.
	step("the log of reading the log",
		chromedp.Navigate(base+"/audit?user=chief&action=export"),
		chromedp.WaitVisible(sel(`#audit-entries`)))
	if entries = text("#audit-entries tbody"); !strings.Contains(entries, "导出审计日志") || !strings.Contains(entries, "用户 wanggrid;操作 搜索") {
		t.Errorf("exporting the audit log is not in it:\n%s", entries)
	}
}
