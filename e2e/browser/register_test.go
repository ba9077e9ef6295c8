package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/testlog"
)

// target is what the scenario needs from the demo data: a person to find by
// part of the ID number, another member of the same household whose phone
// number is changed, and the community whose map is drawn.
type target struct {
	personID    int64
	idNumber    string
	householdID int64
	memberID    int64
	memberPhone string
	communityID int64
}

func findTarget(t *testing.T, path string) target {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tg target
	err = db.QueryRowContext(ctx, `SELECT a.id, a.id_number, a.household_id, b.id, b.phone, a.community_id
		FROM persons a JOIN persons b ON b.community_id = a.community_id AND b.household_id = a.household_id AND b.id <> a.id
		WHERE a.doc_type = 'resident_id' AND a.status = 'active' AND b.status = 'active' AND b.phone <> ''
		ORDER BY a.id LIMIT 1`).Scan(&tg.personID, &tg.idNumber, &tg.householdID, &tg.memberID, &tg.memberPhone, &tg.communityID)
	if err != nil {
		t.Fatalf("pick a person from the demo data: %v", err)
	}
	return tg
}

// TestRegister is a community worker's errand on a phone: log in, find a
// resident by part of the ID number, go to the household, open another
// member, correct the phone number and see the change recorded.
func TestRegister(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "tester", "--display-name", "测试员", "--role", "admin", "--password", pw)
	tg := findTarget(t, DBPath(t))
	testlog.Secret(t, tg.idNumber, tg.memberPhone, "13912340000", "13912340001")
	base := StartServer(t)
	ctx := Chromium(t)
	sel := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
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
			t.Fatalf("text of %s: %v", s, err)
		}
		return v
	}

	// phoneShot saves the whole page as a 375 px phone shows it, where
	// Screenshot saves. (Screenshot's full-page capture of a
	// page taller than the window can come out 15 px narrower, the
	// scrollbar's gutter, with the right edge cut off; so the window is
	// grown to the page's height and the window captured instead.)
	phoneShot := func(name string) {
		t.Helper()
		// Without the scrollbar the page is wider, and a map drawn to the
		// width grows taller (so much that the browser may keep the
		// scrollbar): give some room and measure again until the window
		// holds it all.
		for range 4 {
			h, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
			if err != nil {
				t.Fatal(err)
			}
			in, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerHeight`))
			if err != nil {
				t.Fatal(err)
			}
			if h <= in {
				break
			}
			step("grow the window for a screenshot", chromedp.EmulateViewport(375, int64(h+40), chromedp.EmulatePortrait))
			// Let the page lay itself out again before measuring.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`,
				chromedp.EvalAwaitPromise)); err != nil {
				t.Fatal(err)
			}
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		saveScreenshot(t, name, png)
		step("restore the window", chromedp.EmulateViewport(375, 812, chromedp.EmulatePortrait))
	}

	// A page wider than the phone makes people scroll sideways.
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

	// Any page leads to the login form first.
	step("open the search page",
		chromedp.Navigate(base+"/search"),
		chromedp.WaitVisible(sel(`input[name="password"]`)))
	step("log in",
		chromedp.SendKeys(sel(`#f-name`), "tester"),
		chromedp.SendKeys(sel(`#f-password`), pw),
		chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#f-q`)))
	if who := text(".who-name"); who != "测试员" {
		t.Errorf("top bar shows %q", who)
	}

	// Part of the ID number: month, day, sequence and check digit.
	part := tg.idNumber[10:]
	step("search by part of the ID number",
		chromedp.SendKeys(sel(`#f-q`), part),
		chromedp.Click(sel(`.search-row button`)),
		chromedp.WaitVisible(sel(`a[href="/persons/`+id(tg.personID)+`"]`)))
	results := text(".results")
	if !strings.Contains(results, ident.MaskID(tg.idNumber)) || strings.Contains(results, tg.idNumber) {
		t.Errorf("the result should show the ID number masked as %s:\n%s", ident.MaskID(tg.idNumber), results)
	}
	noSideways("search")
	phoneShot("search")

	step("open the person",
		chromedp.Click(sel(`a[href="/persons/`+id(tg.personID)+`"]`)),
		chromedp.WaitVisible(sel(`a[href="/persons/`+id(tg.personID)+`/edit"]`)))
	step("open the household",
		chromedp.Click(sel(`.kv a[href="/households/`+id(tg.householdID)+`"]`)),
		chromedp.WaitVisible(sel(`a[href="/persons/new?household=`+id(tg.householdID)+`"]`)))
	step("open another member",
		chromedp.Click(sel(`.table a[href="/persons/`+id(tg.memberID)+`"]`)),
		chromedp.WaitVisible(sel(`a[href="/persons/`+id(tg.memberID)+`/edit"]`)))
	step("open the edit form",
		chromedp.Click(sel(`a[href="/persons/`+id(tg.memberID)+`/edit"]`)),
		chromedp.WaitVisible(sel(`#f-phone`)))

	newPhone := "13912340000"
	if tg.memberPhone == newPhone {
		newPhone = "13912340001"
	}
	step("change the phone number",
		chromedp.SendKeys(sel(`#f-phone`), newPhone),
		chromedp.Click(sel(`.form-actions button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if flash := text(".flash"); flash != "已保存" {
		t.Errorf("flash = %q, want 已保存", flash)
	}
	history := text(".history")
	want := "联系电话: " + ident.MaskPhone(tg.memberPhone) + " → " + ident.MaskPhone(newPhone)
	if !strings.Contains(history, want) {
		t.Errorf("history lacks %q:\n%s", want, history)
	}
	if strings.Contains(history, newPhone) || strings.Contains(history, tg.memberPhone) {
		t.Errorf("history shows a full phone number:\n%s", history)
	}
	phoneShot("person")

	// The grid map of the community, on a phone.
	step("open the map",
		chromedp.Navigate(base+"/map?org="+id(tg.communityID)),
		chromedp.WaitVisible(sel(`svg.map-svg`)))
	grids, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.map-svg a").length`))
	if err != nil {
		t.Fatal(err)
	}
	if grids != 4 {
		t.Errorf("the map draws %d grids, want 4", grids)
	}
	noSideways("map")
	phoneShot("map")
}
