package browser

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"shequ/internal/database"
	"shequ/internal/sheets"
	"shequ/internal/testlog"
	"shequ/internal/testwait"
)

// TestImportWorkbook is a community worker taking 公安's list on a phone:
// upload the workbook, map by hand the column the system did not recognise
// (联络号码, the phone), follow the import to its end, download the rows it
// refused, and decide the one conflict it queued.
func TestImportWorkbook(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "worker", "--display-name", "社区工作者", "--role", "community_staff",
		"--org", "紫南社区", "--password", pw)

	// Two residents of 紫南 as 公安 lists them: one with another phone
	// number (a conflict: nobody is the authority for phones), and a row
	// whose ID number has a wrong check digit (refused).
	ctx0 := context.Background()
	db, err := database.Open(ctx0, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var personID int64
	var name, number, phone string
	if err := db.QueryRowContext(ctx0, `SELECT id, name, id_number, phone FROM persons WHERE phone <> '' AND doc_type = 'resident_id'
		ORDER BY id LIMIT 1`).Scan(&personID, &name, &number, &phone); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newPhone := "13912345678"
	if phone == newPhone {
		newPhone = "13912345679"
	}
	bad := number[:17] + map[bool]string{true: "1", false: "0"}[number[17] == '0']
	testlog.Secret(t, number, phone, newPhone, bad)
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "紫南社区户籍人员")
	x.MergeCell("Sheet1", "A1", "C1")
	x.SetSheetRow("Sheet1", "A2", &[]any{"姓名", "身份证号", "联络号码"})
	x.SetSheetRow("Sheet1", "A3", &[]any{name, number, newPhone})
	x.SetSheetRow("Sheet1", "A4", &[]any{"某某", bad, ""})
	dir := t.TempDir()
	book := filepath.Join(dir, "公安名册.xlsx")
	if err := x.SaveAs(book); err != nil {
		t.Fatal(err)
	}

	base := StartServer(t, "--import-dir", filepath.Join(dir, "spool"))
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

	step("log in",
		chromedp.Navigate(base+"/imports"),
		chromedp.WaitVisible(sel(`#f-name`)),
		chromedp.SendKeys(sel(`#f-name`), "worker"),
		chromedp.SendKeys(sel(`#f-password`), pw),
		chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#f-file`)))
	noSideways("imports")
	Screenshot(t, ctx, "upload")
	step("upload the workbook",
		chromedp.SetUploadFiles(sel(`#f-file`), []string{book}),
		chromedp.SetValue(sel(`#f-department`), "police"),
		chromedp.Click(sel(`form[action="/imports"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`form[action^="/uploads/"]`)))

	// 联络号码 is no name the system knows: it is not mapped; map it.
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".fieldset-table tbody tr")].map(r => r.querySelector("label").textContent + "=" + r.querySelector("select").value)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(labels, ",") != "姓名=name,身份证号=id_number,联络号码=" {
		t.Errorf("suggested mapping: %v", labels)
	}
	noSideways("mapping")
	Screenshot(t, ctx, "mapping")
	step("map 联络号码 to 联系电话 by hand and start",
		chromedp.SetValue(sel(`#f-map-2`), "phone"),
		chromedp.Click(sel(`form[action^="/uploads/"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#progress`)))
	// The page reloads itself every 2 s until the import is done.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(sel(`a[href$="/rejects"]`))); err != nil {
		Screenshot(t, ctx, "failed")
		t.Fatalf("the import did not finish: %v", err)
	}
	if got := text(".stats"); !strings.Contains(got, "待核实\n1") || !strings.Contains(got, "未导入\n1") {
		t.Errorf("counts:\n%s", got)
	}
	noSideways("import")
	Screenshot(t, ctx, "result")

	// The rows it refused, downloaded as the browser downloads.
	downloads := filepath.Join(dir, "downloads")
	os.MkdirAll(downloads, 0o755)
	step("allow downloads", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return chromedp.Void{}, err
	})
	step("download the rejected rows", chromedp.Click(sel(`a[href$="/rejects"]`)))
	var file string
	// Chromium may show the file under its own name before its bytes are
	// all written: the download is done when the name holds bytes and no
	// partial file is left.
	testwait.Until(t, "the rejected rows to be downloaded", func() bool {
		entries, _ := os.ReadDir(downloads)
		file = ""
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				return false
			}
			if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".xlsx") && info.Size() > 0 {
				file = filepath.Join(downloads, e.Name())
			}
		}
		return file != ""
	})
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	rb, err := sheets.Open(f, st.Size(), filepath.Base(file), sheets.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := rb.Rows(0)
	var lines []string
	for rows.Next() {
		var cells []string
		for _, c := range rows.Row().Cells {
			cells = append(cells, c.Value)
		}
		lines = append(lines, strings.Join(cells, "|"))
	}
	if len(lines) != 2 || lines[0] != "姓名|身份证号|联络号码|原因|原表行号" || !strings.Contains(lines[1], "校验位错误") ||
		!strings.HasSuffix(lines[1], "|4") {
		t.Errorf("the rejected-rows file: %q", lines)
	}

	// The conflict: the register's phone or 公安's.
	step("open the queue",
		chromedp.Click(sel(`a[href^="/conflicts?import="]`)),
		chromedp.WaitVisible(sel(`a[href^="/conflicts/"]`)),
		chromedp.Click(sel(`a[href^="/conflicts/"]`)),
		chromedp.WaitVisible(sel(`#c-phone-i`)))
	page := text("main")
	if strings.Contains(page, phone) || strings.Contains(page, newPhone) || !strings.Contains(page, newPhone[:3]+"****"+newPhone[7:]) {
		t.Errorf("the conflict should show both phones masked for a community worker:\n%s", page)
	}
	noSideways("conflict")
	Screenshot(t, ctx, "conflict")
	step("take 公安's phone",
		chromedp.Click(sel(`#c-phone-i`)),
		chromedp.Click(sel(`form[action^="/conflicts/"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if flash := text(".flash"); flash != "已处理" {
		t.Errorf("flash = %q", flash)
	}
	db, err = database.Open(ctx0, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got, source string
	if err := db.QueryRowContext(ctx0, `SELECT phone FROM persons WHERE id = $1`, personID).Scan(&got); err != nil || got != newPhone {
		t.Errorf("the phone is now %q (%v), want 公安's", got, err)
	}
	db.QueryRowContext(ctx0, `SELECT source FROM change_events WHERE entity = 'person' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
		personID).Scan(&source)
	if source != "import:police" {
		t.Errorf("the change is recorded from %q", source)
	}
	_ = strconv.Itoa
}
