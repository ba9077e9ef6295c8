package browser

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
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
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "zhuren", "--display-name", "张主任", "--role", "community_head",
		"--org", "城北社区", "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "guanli", "--display-name", "李管理", "--role", "admin", "--password", pw)
	// The 民政 department's own blank form: its title, labels, a styled
	// value cell and a signature line, which the export must keep.
	form := excelize.NewFile()
	form.SetSheetName("Sheet1", "民政月报")
	form.SetCellValue("民政月报", "A1", "民政工作月报表")
	form.SetCellValue("民政月报", "A2", "填报单位:")
	form.SetCellValue("民政月报", "B5", "实有人口(人)")
	boxed, _ := form.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}, NumFmt: 3})
	form.SetCellStyle("民政月报", "C5", "C5", boxed)
	form.SetCellValue("民政月报", "A8", "填表人:            审核人:")
	blankPath := filepath.Join(t.TempDir(), "民政月报.xlsx")
	if err := form.SaveAs(blankPath); err != nil {
		t.Fatal(err)
	}
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
	reportPath, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	var pop int
	if h1 := text("h1"); !strings.Contains(h1, "城北社区") {
		t.Errorf("report heading %q", h1)
	}
	// 实有人口, the first item, is a link to its ledger.
	link := `.report a[href*="item=A001"]`
	popText := text(link)
	pop, err = strconv.Atoi(popText)
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

	// An administrator sets up 民政's own form without a programmer: a
	// template, a 大类, a 小类 and an item, and the department's blank
	// xlsx; the report's Excel is then that form with the value in its cell.
	js := func(expr string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	flash := func(want string) {
		t.Helper()
		if f := text(".flash"); !strings.Contains(f, want) {
			t.Errorf("flash %q, want %q", f, want)
		}
	}
	step("log out",
		js(`(() => { document.querySelector('form[action="/logout"]').submit(); return true })()`),
		chromedp.WaitVisible(sel(`#f-password`)))
	step("log in as the administrator",
		chromedp.SendKeys(sel(`#f-name`), "guanli"),
		chromedp.SendKeys(sel(`#f-password`), pw),
		chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.who-name`)),
		chromedp.Navigate(base+"/reports"),
		chromedp.Click(sel(`a[href="/reports/templates/new"]`)),
		chromedp.WaitVisible(sel(`#f-code`)))
	step("fill in the new template",
		chromedp.SendKeys(sel(`#f-code`), "MZ-MONTHLY"),
		chromedp.SendKeys(sel(`#f-name`), "民政工作月报"),
		chromedp.SetValue(sel(`#f-frequency`), "month"),
		chromedp.SetValue(sel(`#f-department`), "civil"),
		chromedp.SetValue(sel(`#f-sheet`), "民政月报"),
		chromedp.Click(sel(`form.form button.btn-primary`)),
		chromedp.WaitVisible(sel(`#f-add-0`)))
	flash("已新建报表模板")
	step("add a 大类",
		chromedp.SendKeys(sel(`#f-add-0`), "人口"),
		chromedp.Click(sel(`form.add-section button`)),
		chromedp.WaitVisible(sel(`details.report-cat .add-section input[name="name"]`)))
	flash("已添加")
	step("add a 小类 to it",
		chromedp.SendKeys(sel(`details.report-cat .add-section input[name="name"]`), "户籍与常住"),
		chromedp.Click(sel(`details.report-cat .add-section button`)),
		chromedp.WaitVisible(sel(`.report-subsection a[href$="/new"]`)))
	step("add an item to the 小类",
		chromedp.Click(sel(`.report-subsection a[href$="/new"]`)),
		chromedp.WaitVisible(sel(`#f-indicator`)),
		chromedp.SendKeys(sel(`#f-indicator`), "A001"),
		chromedp.SendKeys(sel(`#f-cell`), "c5"),
		chromedp.Click(sel(`button[value="save"]`)),
		chromedp.WaitVisible(sel(`.report-subsection table`)))
	if row := text(".report-subsection tbody tr"); !strings.Contains(row, "实有人口") || !strings.Contains(row, "C5") {
		t.Errorf("the new item's row: %q", row)
	}
	step("upload the department's blank form",
		chromedp.SetUploadFiles(sel(`#f-file`), []string{blankPath}),
		chromedp.Click(sel(`#blank-form form[enctype] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#blank-form a[href$="/form"]`)))
	flash("已上传空白报表")
	if card := text("#blank-form"); !strings.Contains(card, "民政月报.xlsx") {
		t.Errorf("the blank form card: %q", card)
	}
	Screenshot(t, ctx, "template")
	step("open 城北社区's 民政 report",
		chromedp.Navigate(base+reportPath+"?t=MZ-MONTHLY"),
		chromedp.WaitVisible(sel(`.report a[href*="item=A001"]`)))
	mzPop := text(`.report a[href*="item=A001"]`)
	x, err = excelize.OpenReader(bytes.NewReader(download("xlsx")))
	if err != nil {
		t.Fatalf("the xlsx in the blank form does not open: %v", err)
	}
	for cell, want := range map[string]string{"C5": mzPop, "B5": "实有人口(人)", "A1": "民政工作月报", "A2": "填报单位:城北社区",
		"A8": "填表人:            审核人:"} {
		if v, _ := x.GetCellValue("民政月报", cell, excelize.Options{RawCellValue: true}); v != want {
			t.Errorf("the filled form's %s = %q, want %q", cell, v, want)
		}
	}
	// The value shows in the form's own number format (#,##0).
	if v, _ := x.GetCellValue("民政月报", "C5"); !strings.Contains(v, ",") {
		t.Errorf("the value cell shows %q, not in the form's number format", v)
	}
}
