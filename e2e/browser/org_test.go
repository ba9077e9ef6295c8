package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
)

// TestOrgTree is an administrator keeping the tree on a phone: add a grid
// to a community, move an inhabited building into it (its households
// follow) and assign the new grid its 网格员.
func TestOrgTree(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "keeper", "--display-name", "管理员甲", "--role", "admin", "--password", pw)
	var community, building int64
	var households int
	func() {
		ctx := context.Background()
		db, err := database.Open(ctx, DBPath(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRowContext(ctx, `SELECT b.community_id, b.id, COUNT(*) FROM org_units b
			JOIN households h ON h.org_id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = b.id)
			WHERE b.level = 'building' AND h.status = 'active'
			GROUP BY b.community_id, b.id ORDER BY b.id LIMIT 1`).Scan(&community, &building, &households); err != nil {
			t.Fatalf("pick a building from the demo data: %v", err)
		}
	}()
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

	step("log in on the way to the community",
		chromedp.Navigate(base+"/admin/org/"+id(community)),
		chromedp.WaitVisible(sel(`#f-password`)),
		chromedp.SendKeys(sel(`#f-name`), "keeper"),
		chromedp.SendKeys(sel(`#f-password`), pw),
		chromedp.Click(sel(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`a[href="/admin/org/`+id(community)+`/add"]`)))
	noSideways("unit")

	step("add a grid, first without a name",
		chromedp.Click(sel(`a[href="/admin/org/`+id(community)+`/add"]`)),
		chromedp.WaitVisible(sel(`#f-name`)),
		chromedp.SetValue(sel(`#f-level`), "grid"),
		chromedp.Click(sel(`.form-actions button[type="submit"]`)),
		chromedp.WaitVisible(sel(`#err-name`)))
	if msg := text("#err-name"); msg != "请填写名称" {
		t.Errorf("the error at the name: %q", msg)
	}
	noSideways("add")
	Screenshot(t, ctx, "org-add-error")
	step("name it",
		chromedp.SendKeys(sel(`#f-name`), "第九网格"),
		chromedp.Click(sel(`.form-actions button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if flash := text(".flash"); flash != "已添加单元" {
		t.Errorf("flash after adding = %q", flash)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	grid, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("the new grid's page is %s", loc)
	}

	step("move the building into the new grid",
		chromedp.Navigate(base+"/admin/org/"+id(building)+"/move"),
		chromedp.WaitVisible(sel(`#f-parent_id`)),
		chromedp.SetValue(sel(`#f-parent_id`), id(grid)),
		chromedp.Click(sel(`.form-actions button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	// The flash says what moved with the building, and where to.
	if flash := text(".flash"); !strings.HasPrefix(flash, "已连同1栋楼") || !strings.Contains(flash, "户") || !strings.HasSuffix(flash, "移到第九网格") {
		t.Errorf("flash after moving = %q", flash)
	}
	if h := text("main"); !strings.Contains(h, "第九网格") || !strings.Contains(h, "移动") {
		t.Errorf("the building's page does not show its move:\n%s", h)
	}
	noSideways("moved building")
	Screenshot(t, ctx, "org-moved")

	step("assign the grid its 网格员",
		chromedp.Navigate(base+"/admin/org/"+id(grid)),
		chromedp.Click(sel(`a[href="/admin/org/`+id(grid)+`/staff"]`)),
		chromedp.WaitVisible(sel(`#f-name`)),
		chromedp.SetValue(sel(`#f-role`), "grid_worker"),
		chromedp.SendKeys(sel(`#f-name`), "孙网格"),
		chromedp.Click(sel(`.form-actions button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	if flash := text(".flash"); flash != "已任命" {
		t.Errorf("flash after assigning = %q", flash)
	}
	if staff := text("#h-staff + table"); !strings.Contains(staff, "孙网格") || !strings.Contains(staff, "网格员") {
		t.Errorf("the grid's staff:\n%s", staff)
	}
	noSideways("grid")
	Screenshot(t, ctx, "org-grid")

	// The households of the building now lie in the new grid.
	db, err := database.Open(context.Background(), DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM households WHERE status = 'active' AND grid_id = $1`,
		grid).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != households {
		t.Errorf("%d households in the new grid, want the building's %d", n, households)
	}
}
