package browser

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
)

// TestFunds opens 社区经费 on a 375 px phone as the community's staff: the
// demo's funds with their balances and the idle special fund flagged, the
// working fund's ledger and budget, an expense on its negative list
// refused at its field, a good one recorded and the balance down by it,
// and the month's statement — each page without sideways scrolling.
func TestFunds(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var community, fund, balance int64
	err = db.QueryRowContext(ctx, `SELECT f.community_id, f.id, s.allocated_fen + s.received_fen - s.spent_fen FROM funds f
		JOIN fund_sums s ON s.community_id = f.community_id AND s.fund_id = f.id
		WHERE f.kind = 'working' AND f.year = $1`, time.Now().Year()).Scan(&community, &fund, &balance)
	db.Close()
	if err != nil {
		t.Fatalf("the demo's working fund: %v", err)
	}
	c, id := strconv.FormatInt(community, 10), strconv.FormatInt(fund, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "城北社区小陈",
		"--role", "community_staff", "--org", c, "--password", pw)
	base := StartServer(t)
	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	phone.login(base, "shequ", pw)

	phone.do("open the funds", chromedp.Navigate(base+"/funds?org="+c), chromedp.WaitVisible(chromedp.CSS(`table`)))
	phone.narrow("funds")
	Screenshot(t, phone.ctx, "funds-list")
	main := phone.text("main")
	for _, want := range []string{"社区保障激励资金", "以奖代补资金", "费随事转经费", "爱心捐赠", "老旧小区微更新专项", "闲置"} {
		if !strings.Contains(main, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	phone.do("open the working fund", chromedp.Click(chromedp.CSS(`a[href="/funds/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#entries`)))
	phone.narrow("fund")
	if main := phone.text("main"); !strings.Contains(main, "成都:保障激励资金") || !strings.Contains(main, "预算与支出") {
		t.Errorf("the fund's page lacks its rule or its budget")
	}
	expense := func(payee, what string) {
		phone.do("open the expense form", chromedp.Navigate(base+"/funds/"+id+"/expense"), chromedp.WaitVisible(chromedp.CSS(`#f-amount`)))
		phone.eval(`(() => {
			document.querySelector('#f-amount').value = '123.45';
			document.querySelector('#f-category').value = 'activity';
			document.querySelector('#f-payee').value = ` + strconv.Quote(payee) + `;
			document.querySelector('#f-description').value = ` + strconv.Quote(what) + `;
			return '';
		})()`)
		phone.do("submit the expense", chromedp.Click(chromedp.CSS(`form[action$="/expense"] button[type="submit"]`)))
	}
	expense("城北饭店", "宴请共建单位")
	phone.waitText("#err-category", "负面清单")
	phone.narrow("expense refused")
	Screenshot(t, phone.ctx, "funds-refused")
	expense("城北社区文化站", "手机上登记的活动物资")
	phone.waitText("main", "已记入台账")
	phone.waitText("#entries + p + .table-wrap", "手机上登记的活动物资")
	want := balance - 12345
	if got := phone.text("#balance"); got != strconv.FormatInt(want/100, 10)+"."+strconv.FormatInt(100+want%100, 10)[1:] {
		t.Errorf("the balance after the expense is %s, want %d 分", got, want)
	}
	phone.do("open the statement", chromedp.Navigate(base+"/funds/statement?org="+c+"&period="+time.Now().Format("2006-01")),
		chromedp.WaitVisible(chromedp.CSS(`#closing`)))
	phone.narrow("statement")
	Screenshot(t, phone.ctx, "funds-statement")
	if main := phone.text("main"); !strings.Contains(main, "活动") || !strings.Contains(main, "期末余额") {
		t.Errorf("the statement lacks the month's activity expenses")
	}
}
