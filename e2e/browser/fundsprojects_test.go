package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/money"
	"shequ/internal/testwait"
	"shequ/internal/workdays"
)

// TestFundsProjectsEndToEnd is issue 19's proof in Chromium, on a 375 px
// phone as 城北's head: a new fund allocated by 成都's rule, the figure
// checked against the rule's formula on the register's counts the page
// shows; a project from a passed 协商 decision, its tender, two bids from
// filed organisations and a panel of two; on a server a week and more
// ahead, after the deadline, the panel's scores, the award, the contract,
// a milestone accepted and paid from the new fund; on a server in the next
// month, the month's 财务收支 published through 居务公开. Then the public
// pages: the award on the tender page, 服务购买 in the published statement,
// the project on the 议事落实 page, and the award and the payment in the
// OCDS release package.
func TestFundsProjectsEndToEnd(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	var community, matter int64
	var judges []judge
	withDB(t, func(ctx context.Context, db *database.DB) error {
		err := db.QueryRowContext(ctx, `SELECT p.community_id, p.id FROM proposals p WHERE p.status IN ('decided', 'done')
			AND p.result = 'passed' ORDER BY (SELECT COUNT(*) FROM procurement_projects j WHERE j.matter_id = p.id), p.decided_on DESC
			LIMIT 1`).Scan(&community, &matter)
		if err != nil {
			return err
		}
		// Two residents with a name of their own, in no organisation.
		rows, err := db.QueryContext(ctx, `SELECT p.id, p.name FROM persons p WHERE p.community_id = $1 AND p.status = 'active'
			AND p.employer_id IS NULL AND p.birth_date < '1990'
			AND NOT EXISTS (SELECT 1 FROM social_org_members m WHERE m.person_id = p.id)
			AND NOT EXISTS (SELECT 1 FROM social_orgs o WHERE o.leader_person_id = p.id)
			AND (SELECT COUNT(*) FROM persons q WHERE q.community_id = p.community_id AND q.name = p.name) = 1
			ORDER BY p.id LIMIT 2`, community)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j judge
			if err := rows.Scan(&j.id, &j.name); err != nil {
				return err
			}
			judges = append(judges, j)
		}
		return rows.Err()
	})
	if len(judges) < 2 {
		t.Fatalf("the demo has %d residents to sit on the panel", len(judges))
	}
	c := strconv.FormatInt(community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "zhuren", "--display-name", "城北社区王主任",
		"--role", "community_head", "--org", c, "--password", pw)

	// The tender runs seven days; the server a week and two hours ahead
	// scores, awards and pays; one in the month after that day publishes
	// that month's accounts.
	now := time.Now().In(workdays.Shanghai)
	const tenderDays = 7
	ahead := tenderDays*24*time.Hour + 2*time.Hour
	payday := now.Add(ahead)
	y, m, _ := payday.Date()
	nextMonth := time.Date(y, m+1, 2, 10, 0, 0, 0, workdays.Shanghai)
	month := payday.Format("2006-01")

	base := StartServer(t)
	later := StartServer(t, "--clock-ahead", ahead.String())
	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	phone.login(base, "zhuren", pw)
	public := phone.newContext(375, 812)

	// 1. A new fund allocated by 成都's rule, in the year it pays in.
	phone.do("open the funds", chromedp.Navigate(later+"/funds?org="+c), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)))
	const fundName = "购买服务专项资金"
	phone.eval(`(() => {
		document.querySelector('#h-new').closest('details').open = true;
		document.querySelector('#f-kind').value = 'special';
		document.querySelector('#f-name').value = ` + strconv.Quote(fundName) + `;
		document.querySelector('#f-year').value = ` + strconv.Quote(strconv.Itoa(payday.Year())) + `;
		document.querySelector('#f-source').value = '区财政';
		document.querySelector('#f-rule').value = 'chengdu';
		return '';
	})()`)
	phone.do("create the fund", chromedp.Click(chromedp.CSS(`form[action^="/funds/new"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#h-rule`)))
	phone.narrow("new fund")
	fund := strings.TrimPrefix(phone.eval(`location.pathname`), "/funds/")
	// The counts and the figure as the page says them: 登记簿现有 N 户、实有人口 M 人 … 年度拨付 X 元.
	figures := strings.Split(phone.eval(`Array.from(Array.from(document.querySelectorAll('#h-rule ~ p')).filter(p => p.textContent.includes('登记簿现有'))[0]
		.querySelectorAll('strong')).map(s => s.textContent).join(',')`), ",")
	if len(figures) != 3 {
		t.Fatalf("the fund page's counts: %q", figures)
	}
	residents, err := strconv.ParseInt(figures[1], 10, 64)
	if err != nil {
		t.Fatalf("the register's residents on the fund page: %v", err)
	}
	// 成都: ¥100,000 and ¥1,500 for every full hundred residents.
	want := 10_000_000 + residents/100*150_000
	if got := figures[2]; got != money.Yuan(want) {
		t.Errorf("the computed allocation is %s, want %s for %d residents", got, money.Yuan(want), residents)
	}
	phone.do("allocate", chromedp.Click(chromedp.CSS(`form[action$="/allocate"] button[type="submit"]`)))
	phone.waitText("#balance", money.Yuan(want))
	Screenshot(t, phone.ctx, "fp-fund")

	// 2. The project from the decision, its tender, two bids and the panel.
	phone.do("open the project form", chromedp.Navigate(base+"/projects/new?org="+c), chromedp.WaitVisible(chromedp.CSS(`#f-source`)))
	const title = "社区老年人健康指导服务"
	phone.eval(`(() => {
		document.querySelector('#f-source').value = 'm` + strconv.FormatInt(matter, 10) + `';
		document.querySelector('#f-title').value = ` + strconv.Quote(title) + `;
		document.querySelector('#f-category').value = 'elderly';
		document.querySelector('#f-goals').value = '每月为社区60岁以上老人开展健康讲座和入户健康指导';
		document.querySelector('#f-terms').value = '服务期两个月';
		document.querySelector('#f-budget').value = '50000';
		return '';
	})()`)
	phone.do("create the project", chromedp.Click(chromedp.CSS(`form[action^="/projects/new"] button[type="submit"]`)))
	phone.waitText(".flash", "项目已立项")
	project := strings.TrimPrefix(phone.eval(`location.pathname`), "/projects/")
	closes := now.Add(tenderDays*24*time.Hour + time.Hour).Format("2006-01-02T15:04")
	phone.do("publish the tender", chromedp.SetValue(chromedp.CSS(`#t-closes`), closes),
		chromedp.Click(chromedp.CSS(`form[action*="/tender"] button[type="submit"]`)))
	phone.waitText(".flash", "招标公告已发布")
	for i, price := range []string{"45000", "48000"} {
		phone.eval(`(() => {
			const s = document.querySelector('#b-org');
			s.value = s.options[` + strconv.Itoa(i+1) + `].value;
			document.querySelector('#b-price').value = ` + strconv.Quote(price) + `;
			document.querySelector('#b-proposal').value = '驻点服务,每月两次讲座';
			return '';
		})()`)
		phone.do("bid", chromedp.Click(chromedp.CSS(`form[action*="/bids#bids"] button[type="submit"]`)))
		phone.waitText("#bids", "("+strconv.Itoa(i+1)+" 份有效)")
	}
	for _, j := range judges {
		phone.do("find "+j.name, chromedp.Navigate(base+"/projects/"+project+"?who="+j.name), chromedp.WaitVisible(chromedp.CSS(`#who`)),
			chromedp.Click(chromedp.CSS(`input[name="person"][value="`+strconv.FormatInt(j.id, 10)+`"]`)),
			chromedp.Click(chromedp.CSS(`form[action*="/panel"] button[type="submit"]`)))
		phone.waitText("#panel + p", j.name)
	}

	// 3. After the deadline: the scores, the award, the contract, the
	// milestone accepted and paid from the fund.
	page := later + "/projects/" + project
	phone.do("open the closed tender", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#s-person`)))
	criteria := strings.Split(phone.eval(`Array.from(document.querySelectorAll('form[action*="/scores"] input[id^="s-"][name^="c"]')).map(e => e.id).join(',')`), ",")
	for _, j := range judges {
		for b := range 2 {
			js := `(() => {
				document.querySelector('#s-person').value = '` + strconv.FormatInt(j.id, 10) + `';
				const s = document.querySelector('#s-bid');
				s.value = s.options[` + strconv.Itoa(b) + `].value;`
			for _, id := range criteria {
				// The first bid's plan is the better one.
				js += `document.querySelector('#` + id + `').value = String(Math.floor(document.querySelector('label[for="` + id +
					`"]').textContent.match(/0–(\d+)/)[1] * ` + []string{"0.9", "0.7"}[b] + `));`
			}
			phone.eval(js + `document.querySelectorAll('.flash').forEach(e => e.remove()); return ''; })()`)
			phone.do("score", chromedp.Click(chromedp.CSS(`form[action*="/scores"] button[type="submit"]`)))
			phone.waitText(".flash", "评分已保存")
		}
	}
	phone.do("award", chromedp.Click(chromedp.CSS(`form[action$="/award"] button[type="submit"]`)))
	phone.waitText(".flash", "已按评审排名授标并公示")
	today := payday.Format("2006-01-02")
	phone.do("sign the contract", chromedp.WaitVisible(chromedp.CSS(`#k-value`)),
		chromedp.SetValue(chromedp.CSS(`#k-value`), "45000"),
		chromedp.SetValue(chromedp.CSS(`#k-signed`), today),
		chromedp.SetValue(chromedp.CSS(`#k-starts`), today),
		chromedp.SetValue(chromedp.CSS(`#k-ends`), payday.AddDate(0, 2, 0).Format("2006-01-02")),
		chromedp.Click(chromedp.CSS(`form[action*="/contract"] button[type="submit"]`)))
	phone.waitText(".flash", "合同已登记")
	phone.eval(`(() => {
		document.querySelector('#m-title').closest('details').open = true;
		document.querySelector('#m-title').value = '首月讲座四场';
		document.querySelector('#m-due').value = '` + today + `';
		document.querySelector('#m-amount').value = '20000.50';
		return '';
	})()`)
	phone.do("add the milestone", chromedp.Click(chromedp.CSS(`form[action*="/milestones#milestones"] button[type="submit"]`)))
	phone.waitText(".flash", "节点已添加")
	phone.do("accept the milestone", chromedp.Click(chromedp.CSS(`form[action$="/accept"] button[type="submit"]`)))
	phone.waitText(".flash", "节点已验收")
	if opts := phone.text("#y-fund"); !strings.Contains(opts, fundName) || !strings.Contains(opts, "街道直接支付") {
		t.Errorf("the payment form offers %q", opts)
	}
	phone.eval(`(() => {
		document.querySelector('#y-amount').value = '20000.50';
		document.querySelector('#y-fund').value = '` + fund + `';
		return '';
	})()`)
	phone.do("pay from the fund", chromedp.Click(chromedp.CSS(`form[action*="/payments"] button[type="submit"]`)))
	phone.waitText(".flash", "付款已登记")
	phone.narrow("project paid")
	Screenshot(t, phone.ctx, "fp-paid")
	phone.do("open the fund", chromedp.Navigate(later+"/funds/"+fund), chromedp.WaitVisible(chromedp.CSS(`#entries`)))
	phone.waitText("#balance", money.Yuan(want-2_000_050))
	if main := phone.text("main"); !strings.Contains(main, "服务购买") || !strings.Contains(main, title) {
		t.Errorf("the fund's ledger lacks the payment")
	}

	// 4. In the next month, the month's 财务收支 published.
	next := StartServer(t, "--clock-ahead", nextMonth.Sub(now).Round(time.Hour).String())
	var pub int64
	var purchases int64
	withDB(t, func(ctx context.Context, db *database.DB) error {
		ctx = testwait.Context(t, ctx)
		for {
			err := db.QueryRowContext(ctx, `SELECT p.id FROM disclosure_publications p JOIN disclosure_items i ON i.id = p.item_id
				WHERE p.community_id = $1 AND i.item = '财务收支' AND p.period = $2`, community, month).Scan(&pub)
			if err == nil {
				break
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(100 * time.Millisecond):
			}
		}
		return db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_month_sums WHERE community_id = $1
			AND month = $2 AND line = 'spent:purchase'`, community, month).Scan(&purchases)
	})
	phone.do("open the month's 财务收支", chromedp.Navigate(next+"/disclosures/"+c+"/"+strconv.FormatInt(pub, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#f-body`)),
		chromedp.SendKeys(chromedp.CSS(`#f-body`), month+" 社区经费收支情况,含政府购买服务节点付款。"),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type="submit"]`)))
	phone.waitText(".flash", "已公开")

	// 5. The public pages.
	spent := "服务购买 " + money.Yuan(purchases) + " 元"
	public.do("the 居务公开 board", chromedp.Navigate(next+"/gongkai/"+c), chromedp.WaitVisible(chromedp.CSS(`main`)))
	public.narrow("居务公开")
	public.do("the month's 财务收支", chromedp.Click(chromedp.CSS(`a[href="/gongkai/`+c+`/`+strconv.FormatInt(pub, 10)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	public.narrow("财务收支")
	if purchases < 2_000_050 || !strings.Contains(public.text("main"), spent) {
		t.Errorf("the published statement lacks %q", spent)
	}
	Screenshot(t, public.ctx, "fp-gongkai")
	public.do("the award", chromedp.Navigate(base+"/public/tenders/"+project), chromedp.WaitVisible(chromedp.CSS(`#award`)))
	public.narrow("public award")
	if main := public.text("main"); !strings.Contains(main, title) || !strings.Contains(main, "中标") || strings.Contains(main, judges[0].name) {
		t.Errorf("the public award page lacks the award, or names a panel member")
	}
	Screenshot(t, public.ctx, "fp-award")
	public.do("the 议事落实 page", chromedp.Navigate(base+"/gongkai/"+c+"/yishi"),
		chromedp.WaitVisible(chromedp.CSS(`#yishi-`+strconv.FormatInt(matter, 10))))
	public.narrow("议事落实")
	if s := public.text(`#yishi-` + strconv.FormatInt(matter, 10)); !strings.Contains(s, title) || !strings.Contains(s, "履约中") {
		t.Errorf("the decision's account shows %q, want the project under contract", s)
	}
	if n := public.eval(`String(document.querySelectorAll('a[href="/public/tenders/` + project + `"]').length)`); n == "0" {
		t.Errorf("the decision's account does not link the tender page")
	}
	public.do("the OCDS package", chromedp.Navigate(base+"/public/ocds/releases?org="+c), chromedp.WaitVisible(chromedp.CSS(`body`)))
	body := public.text("body")
	for _, want := range []string{`"ocid":"ocds-shequ-` + project + `"`, `"awards":`, `"amount":45000.00`, `"transactions":`, `"amount":20000.50`} {
		if !strings.Contains(body, want) {
			t.Errorf("the OCDS package lacks %s", want)
		}
	}
}

// judge is a resident who sits on the panel.
type judge struct {
	id   int64
	name string
}

// withDB runs fn on the test's database, opened beside the servers.
func withDB(t *testing.T, fn func(ctx context.Context, db *database.DB) error) {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := fn(ctx, db); err != nil {
		t.Fatal(err)
	}
}
