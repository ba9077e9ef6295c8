package browser

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"shequ/internal/pdfdoc/pdftest"
)

// TestReport: 城北社区's head opens the monthly report on a phone, drills
// into 实有人口 to its ledger (ID numbers masked), and downloads the report
// as xlsx (the value in its cell of the template's layout) and as PDF
// (which poppler renders, with Chinese text).
func TestReport(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "chengbei")
	RunShequ(t, "user", "add", "--db", DBPath(t), "--name", "zhuren", "--display-name", "张主任", "--role", "community_head",
		"--org", "城北社区", "--password", pw)
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
	step("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(sel(`#f-name`)),
		chromedp.SendKeys(sel(`#f-name`), "zhuren"),
		chromedp.SendKeys(sel(`#f-password`), pw),
		chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.who-name`)))
	step("open the reports from the navigation",
		chromedp.Click(sel(`.nav a[href="/reports"]`)),
		chromedp.WaitVisible(sel(`a[href^="/reports/units/"]`)))
	if body := text("main"); !strings.Contains(body, "社区综合信息月报(示例)") || !strings.Contains(body, "358 项") {
		t.Errorf("the reports page lacks the sample template and its size:\n%s", body)
	}
	step("open 城北社区's report",
		chromedp.Click(sel(`a[href^="/reports/units/"]`)),
		chromedp.WaitVisible(sel(`.report`)))
	if h1 := text("h1"); !strings.Contains(h1, "城北社区") {
		t.Errorf("report heading %q", h1)
	}
	// 实有人口, the first item, is a link to its ledger.
	link := `.report a[href*="item=A001"]`
	popText := text(link)
	pop, err := strconv.Atoi(popText)
	if err != nil || pop < 20000 {
		t.Fatalf("实有人口 shows %q", popText)
	}
	if status := text(".card"); !strings.Contains(status, "自动计算") || !strings.Contains(status, "未确认") {
		t.Errorf("status box:\n%s", status)
	}
	Screenshot(t, ctx, "report")
	step("drill into 实有人口",
		chromedp.Click(sel(link)),
		chromedp.WaitVisible(sel(`.ledger`)))
	if h1 := text("h1"); !strings.Contains(h1, "实有人口") {
		t.Errorf("ledger heading %q", h1)
	}
	if card := text(".card"); !strings.Contains(card, "共 "+popText+" 条记录") {
		t.Errorf("the ledger does not count the number's records:\n%s", card)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".ledger td[data-label='证件号码']")].map(td => td.textContent.trim())`))
	if err != nil || len(ids) == 0 {
		t.Fatalf("no ID numbers in the ledger (%v)", err)
	}
	for _, id := range ids {
		if !strings.Contains(id, "****") {
			t.Errorf("an ID number shown in full to the community head: %s", id)
		}
	}
	Screenshot(t, ctx, "ledger")
	step("back to the report",
		chromedp.Click(sel(`.subtitle a`)),
		chromedp.WaitVisible(sel(`.report`)))

	// The downloads, fetched by the page with the session's cookie.
	download := func(format string) []byte {
		t.Helper()
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.querySelector("a[href*='/export?'][href$='format=`+format+`']").getAttribute("href")`))
		if err != nil || href == "" {
			t.Fatalf("no %s download link (%v)", format, err)
		}
		b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`fetch(`+strconv.Quote(href)+`).then(r => { if (!r.ok) throw new Error(r.status); return r.arrayBuffer() }).
				then(b => { let s = ""; const a = new Uint8Array(b); for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s) })`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download %s: %v", format, err)
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	x, err := excelize.OpenReader(bytes.NewReader(download("xlsx")))
	if err != nil {
		t.Fatalf("the xlsx does not open: %v", err)
	}
	if v, _ := x.GetCellValue("月报", "E7"); v != popText {
		t.Errorf("xlsx E7 (实有人口) = %q, want %s", v, popText)
	}
	if v, _ := x.GetCellValue("月报", "A1"); v != "社区综合信息月报(示例)" {
		t.Errorf("xlsx title %q", v)
	}
	pdf := download("pdf")
	pdftest.Render(t, pdf, 1, 60)
	txt := pdftest.Text(t, pdf)
	for _, want := range []string{"城北社区", "社区综合信息月报(示例)", "实有人口", popText, "第 1 页"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}
