package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/money"
)

// TestProcurement opens 政府购买服务 on a 375 px phone as the community's
// staff: the demo's projects by stage, the project under contract, a
// payment over its accepted milestone refused in Chinese and then the
// milestone paid; the public award page of the completed project with
// every score and no panel member named; and the street's OCDS package
// carrying the payment — each page without sideways scrolling.
func TestProcurement(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var community, street, project, done, milestone, amount int64
	var member string
	err = db.QueryRowContext(ctx, `SELECT p.community_id, u.parent_id, p.id, m.id, m.amount_fen FROM procurement_projects p
		JOIN org_units u ON u.id = p.community_id
		JOIN procurement_milestones m ON m.project_id = p.id AND m.accepted_on <> ''
		WHERE p.status = 'contract' AND NOT EXISTS (SELECT 1 FROM procurement_payments y WHERE y.project_id = p.id AND y.milestone_id = m.id)`).
		Scan(&community, &street, &project, &milestone, &amount)
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT id FROM procurement_projects WHERE status = 'completed'`).Scan(&done)
	}
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT p.name FROM procurement_panel m JOIN persons p ON p.id = m.person_id
			WHERE m.project_id = $1 ORDER BY m.seat LIMIT 1`, done).Scan(&member)
	}
	db.Close()
	if err != nil {
		t.Fatalf("the demo's projects: %v", err)
	}
	c := strconv.FormatInt(community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "城北社区小陈",
		"--role", "community_staff", "--org", c, "--password", pw)
	base := StartServer(t)
	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	phone.login(base, "shequ", pw)

	phone.do("open the projects", chromedp.Navigate(base+"/projects?org="+c), chromedp.WaitVisible(chromedp.CSS(`table`)))
	phone.narrow("projects")
	for _, title := range []string{"老年助餐点运营服务", "独居老人关爱探访服务", "楼道及公共区域保洁服务", "青少年四点半课堂",
		"社区矛盾纠纷调解服务", "残疾人居家康复服务"} {
		if !strings.Contains(phone.text("main"), title) {
			t.Errorf("the list lacks %s", title)
		}
	}
	id := strconv.FormatInt(project, 10)
	phone.do("open the contract", chromedp.Click(chromedp.CSS(`a[href="/projects/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#milestones`)))
	phone.narrow("project")
	pay := func(yuan string) {
		phone.eval(`(() => {
			document.querySelector('#y-m').value = ` + strconv.Quote(strconv.FormatInt(milestone, 10)) + `;
			document.querySelector('#y-amount').value = ` + strconv.Quote(yuan) + `;
			return '';
		})()`)
		phone.do("pay", chromedp.Click(chromedp.CSS(`form[action*="/payments"] button[type="submit"]`)))
	}
	pay(money.Yuan(amount + 1))
	phone.waitText("main", "付款累计将超过该节点金额")
	phone.narrow("payment refused")
	pay(money.Yuan(amount))
	phone.waitText("main", "付款已登记")
	Screenshot(t, phone.ctx, "procurement-project")

	public := phone.newContext(375, 812)
	public.do("open the award", chromedp.Navigate(base+"/public/tenders/"+strconv.FormatInt(done, 10)), chromedp.WaitVisible(chromedp.CSS(`#award`)))
	public.narrow("public award")
	Screenshot(t, public.ctx, "procurement-public")
	if main := public.text("main"); !strings.Contains(main, "中标") || !strings.Contains(main, "评委1") ||
		!strings.Contains(main, "结项与居民评议") || strings.Contains(main, member) {
		t.Errorf("the public award: scores or ratings missing, or a panel member named")
	}
	public.do("open the OCDS package", chromedp.Navigate(base+"/public/ocds/releases?org="+strconv.FormatInt(street, 10)),
		chromedp.WaitVisible(chromedp.CSS(`body`)))
	if body := public.text("body"); !strings.Contains(body, `"ocid":"ocds-shequ-`+id+`"`) ||
		!strings.Contains(body, `"amount":`+money.Yuan(amount)) || !strings.Contains(body, `"version":"1.1"`) {
		t.Errorf("the OCDS package lacks the project or its payment")
	}
}
