package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
)

// TestSocialOrgs opens 社区社会组织 on a 375 px phone as the community's
// staff: the list of the demo's organisations, one organisation's page,
// an activity recorded through its form (a future day refused at its
// field first), and the public list, which names no leader — each page
// without sideways scrolling.
func TestSocialOrgs(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var community, org int64
	var leader string
	err = db.QueryRowContext(ctx, `SELECT o.community_id, o.id, p.name FROM social_orgs o JOIN persons p
		ON p.community_id = o.community_id AND p.id = o.leader_person_id WHERE o.name = '老年人协会'`).Scan(&community, &org, &leader)
	db.Close()
	if err != nil {
		t.Fatalf("the demo's 老年人协会: %v", err)
	}
	c := strconv.FormatInt(community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "城北社区小陈",
		"--role", "community_staff", "--org", c, "--password", pw)
	base := StartServer(t)
	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	phone.login(base, "shequ", pw)

	phone.do("open the list", chromedp.Navigate(base+"/social-orgs?org="+c), chromedp.WaitVisible(chromedp.CSS(`table`)))
	phone.narrow("list")
	Screenshot(t, phone.ctx, "socialorgs-list")
	for _, name := range []string{"老年人协会", "舞蹈队", "志愿者协会", "书画协会", "社区社会组织联合会"} {
		if !strings.Contains(phone.text("main"), name) {
			t.Errorf("the list lacks %s", name)
		}
	}
	id := strconv.FormatInt(org, 10)
	phone.do("open 老年人协会", chromedp.Click(chromedp.CSS(`a[href="/social-orgs/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#members`)))
	phone.narrow("organisation")
	if main := phone.text("main"); !strings.Contains(main, leader) || !strings.Contains(main, "已备案") {
		t.Errorf("the organisation's page lacks its leader or its filing")
	}
	fill := func(day string) {
		phone.eval(`(() => {
			document.querySelector('form[action$="/activities"]').closest('details').open = true;
			document.querySelector('#a-on').value = ` + strconv.Quote(day) + `;
			document.querySelector('#a-title').value = '手机上记录的茶话会';
			document.querySelector('#a-place').value = '老年活动中心';
			document.querySelector('#a-n').value = '18';
			return '';
		})()`)
		phone.do("submit the activity", chromedp.Click(chromedp.CSS(`form[action$="/activities"] button[type="submit"]`)))
	}
	fill("2099-01-01")
	phone.waitText("main", "只能记录已举行的活动")
	phone.narrow("activity refused")
	fill(phone.eval(`(() => { const d = new Date(); d.setDate(d.getDate() - 1); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()`))
	phone.waitText("main", "活动已记录")
	phone.waitText("#activities + .table-wrap", "手机上记录的茶话会")
	Screenshot(t, phone.ctx, "socialorgs-org")

	public := phone.newContext(375, 812)
	public.do("open the public list", chromedp.Navigate(base+"/public/social-orgs/"+c), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	public.narrow("public list")
	if main := public.text("main"); !strings.Contains(main, "老年人协会") || strings.Contains(main, leader) {
		t.Errorf("the public list: the organisation missing or its leader named")
	}
}
