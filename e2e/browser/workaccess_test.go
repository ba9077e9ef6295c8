package browser

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/reports"
	"shequ/internal/server"
	"shequ/internal/sheets"
	"shequ/internal/workdays"
)

// The department's twelve lines, in its own codes and wording: nine the
// register answers (indicators by code and by name, two register fields),
// three the communities would have to type.
var twelveLines = []string{"M01 A001", "M02 A002", "M03 流动人口", "M04 A006", "M05 A007", "M06 女性", "M07 A013",
	"M08 人口.性别", "M09 household.kind", "M10 D026", "M11 医疗救助人次", "M12 辖区餐饮店油烟投诉数"}

// TestDataRequestAndInbox is issue 15 end to end in Chromium: 民政 asks for
// twelve items of data and sees what they would cost before submitting;
// the nine shequ computes become a subscription it downloads (its figures
// the report engine's), the three others go to the review group one by
// one, which admits two (one with changes) and refuses one with a reason;
// the street sends 城北社区 a campaign that rests on no admitted item, and
// the community refuses it in one step on a 375 px phone; the street's
// burden dashboard counts the decided items.
func TestDataRequestAndInbox(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "chengbei")
	for _, u := range [][]string{{"minzheng", "民政科小王", "dept_civil", "真武洞街道"}, {"shencha", "审查组老周", "work_reviewer", ""},
		{"jiedao", "街道平台小马", "street_operator", "真武洞街道"}, {"shequ", "城北社区小陈", "community_staff", "城北社区"}} {
		args := []string{"user", "add", "--temporary=false", "--db", DBPath(t), "--name", u[0], "--display-name", u[1], "--role", u[2], "--password", pw}
		if u[3] != "" {
			args = append(args, "--org", u[3])
		}
		RunShequ(t, args...)
	}
	// The last complete month, and a start beyond the 30 working days.
	now := time.Now().In(workdays.Shanghai)
	period := indicators.Current(indicators.Monthly, now).Previous()
	starts := now.AddDate(0, 0, 100)
	startMonth := starts.Format("2006-01")
	street, want := engineFigures(t, period)

	base := StartServer(t)
	ctx := ChromiumSize(t, 1280, 900)
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
		return strings.Join(strings.Fields(v), " ")
	}
	eval := func(expr string, opts ...chromedp.EvaluateOption) []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](expr, opts...))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	js := func(expr string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
			return chromedp.Void{}, err
		}
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
	logout := func() {
		t.Helper()
		step("log out",
			js(`(() => { document.querySelector('form[action="/logout"]').submit(); return true })()`),
			chromedp.WaitVisible(sel(`#f-password`)))
	}
	flash := func(want string) {
		t.Helper()
		if f := text(".flash"); !strings.Contains(f, want) {
			t.Errorf("flash %q, want %q", f, want)
		}
	}
	// burden reads the street's dashboard for a month: items demanded, of
	// them admitted, and the inbox's campaigns due that month (sent, not
	// admitted, refused by the community).
	burden := func(period string) (demanded, admitted int, campaigns [3]int) {
		t.Helper()
		step("open the street's burden",
			chromedp.Navigate(fmt.Sprintf("%s/work-burden?org=%d&period=%s", base, street, period)),
			chromedp.WaitVisible(sel(`#h-total`)))
		m := regexp.MustCompile(`(\d+) 项:清单内有效 (\d+) 项`).FindStringSubmatch(text("main"))
		if m == nil {
			Screenshot(t, ctx, "failed")
			t.Fatalf("the burden dashboard has no count of items:\n%s", text("main"))
		}
		demanded, _ = strconv.Atoi(m[1])
		admitted, _ = strconv.Atoi(m[2])
		cells := eval(`[...document.querySelectorAll("#inbox-campaign td")].map(td => td.textContent.trim())`)
		if len(cells) != 4 {
			t.Fatalf("the campaigns' row of the inbox: %q", cells)
		}
		for i, col := range []int{0, 2, 3} { // sent, not admitted, refused
			campaigns[i], _ = strconv.Atoi(cells[col])
		}
		return demanded, admitted, campaigns
	}
	due := now.AddDate(0, 0, 14).Format("2006-01-02")
	dueMonth := due[:7]

	login("jiedao")
	demandedBefore, admittedBefore, _ := burden(startMonth)
	_, _, campaignsBefore := burden(dueMonth)
	logout()

	// 民政 fills in its request and asks for the cost first.
	login("minzheng")
	step("open the data request form",
		chromedp.Navigate(base+"/data-requests/new"),
		chromedp.WaitVisible(sel(`#f-lines`)),
		chromedp.SendKeys(sel(`#f-title`), "低保与人口月度数据"),
		chromedp.SendKeys(sel(`#f-unit`), "真武洞街道"),
		chromedp.SendKeys(sel(`#f-period`), period.String()),
		chromedp.SetValue(sel(`#f-lines`), strings.Join(twelveLines, "\n")),
		chromedp.SendKeys(sel(`#f-fund_yuan`), "5"),
		chromedp.SendKeys(sel(`#f-legal_basis`), "《社会救助暂行办法》第五条"),
		chromedp.SetValue(sel(`#f-starts_on`), starts.Format("2006-01-02")),
		chromedp.SendKeys(sel(`#f-sheet_title`), "民政数据月表"),
		chromedp.SendKeys(sel(`#f-head_value`), "本月数"),
		chromedp.Click(sel(`button[value="preview"]`)),
		chromedp.WaitVisible(sel(`#h-cost`)))
	cost := text(`section[aria-labelledby="h-cost"] p`)
	for _, w := range []string{"共 12 项", "9 项由系统计算", "3 项需社区手工填报", "涉及社区 1 个", "共 0.5 小时", "应拨付经费 15 元"} {
		if !strings.Contains(cost, w) {
			t.Errorf("the cost lacks %q: %s", w, cost)
		}
	}
	Screenshot(t, ctx, "cost")
	step("submit",
		chromedp.Click(sel(`button[value="submit"]`)),
		chromedp.WaitVisible(sel(`#items`)))
	flash("数据需求已提交")
	requestPath := eval(`[location.pathname]`)[0]
	typed := eval(`[...document.querySelectorAll("#items tr.typed")].map(tr => tr.textContent.replace(/\s+/g, " ").trim())`)
	if len(typed) != 3 {
		t.Fatalf("%d typed items, want 3: %q", len(typed), typed)
	}
	for _, row := range typed {
		if !strings.Contains(row, "待审查") {
			t.Errorf("a typed item not pending review: %s", row)
		}
	}
	reviews := eval(`[...document.querySelectorAll("#items tr.typed a[href^='/work-requests/']")].map(a => a.getAttribute("href"))`)
	if len(reviews) != 3 || reviews[0] == reviews[1] || reviews[1] == reviews[2] {
		t.Fatalf("the typed items' 准入 requests: %q", reviews)
	}
	if p := text("#periods"); !strings.Contains(p, period.Label()) {
		t.Errorf("the periods received lack %s: %s", period.Label(), p)
	}
	Screenshot(t, ctx, "request")

	// The subscription, downloaded as the link would, in 民政's layout
	// and with the report engine's figures.
	download := func(format string) [][]string {
		t.Helper()
		link := fmt.Sprintf(`#periods a[href$="period=%s&format=%s"]`, period, format)
		res := eval(`fetch(document.querySelector(`+strconv.Quote(link)+`).getAttribute("href")).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			let s = "";
			for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
			return [String(r.status), btoa(s)];
		})`, chromedp.EvalAwaitPromise)
		if res[0] != "200" {
			t.Fatalf("download %s: %s", format, res[0])
		}
		b, err := base64.StdEncoding.DecodeString(res[1])
		if err != nil {
			t.Fatal(err)
		}
		return readSheet(t, b, "x."+format)
	}
	rows := download("xlsx")
	if csv := download("csv"); fmt.Sprint(csv) != fmt.Sprint(rows) {
		t.Errorf("csv and xlsx differ:\n%q\n%q", csv, rows)
	}
	if len(rows) != 3+12 || rows[0][0] != "民政数据月表" || fmt.Sprint(rows[1]) != "[报告期 "+period.String()+"]" ||
		fmt.Sprint(rows[2]) != "[编码 数据项 本月数 说明]" {
		t.Fatalf("the subscription's rows: %q", rows)
	}
	for i, line := range twelveLines {
		code, wording, _ := strings.Cut(line, " ")
		row := append(rows[3+i], "", "", "", "")
		if row[0] != code || row[1] != wording {
			t.Errorf("row %d is %q, want %s %s", 3+i, rows[3+i], code, wording)
		}
		switch {
		case i >= 9:
			if row[2] != "" || row[3] != "社区填报,待审查" {
				t.Errorf("typed %s: %q", code, rows[3+i])
			}
		case want[wording] != "":
			if row[2] != want[wording] || row[3] != "系统计算" {
				t.Errorf("%s %s: subscription %q, report engine %s", code, wording, row[2], want[wording])
			}
		default:
			if n, err := strconv.Atoi(row[2]); err != nil || n <= 0 || row[3] != "系统计算" {
				t.Errorf("%s %s: %q", code, wording, rows[3+i])
			}
		}
	}
	logout()

	// The review group decides each item on its own.
	login("shencha")
	decide := func(path, outcome string, more ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + path), chromedp.WaitVisible(sel(`#f-outcome`)),
			chromedp.Click(sel(`input[name="outcome"][value="` + outcome + `"]`))}
		actions = append(actions, more...)
		actions = append(actions, chromedp.Click(sel(`form[action$="/decide"] button[type="submit"]`)),
			chromedp.WaitVisible(sel(`#h-decision`)))
		step("decide "+path+" "+outcome, actions...)
		flash("审查决定已公布")
	}
	decide(reviews[0], "admitted")
	decide(reviews[1], "changed",
		js(`(() => { document.querySelector('form[action$="/decide"] details').open = true; return true })()`),
		chromedp.SetValue(sel(`#f-staff_hours`), "0.25"))
	decide(reviews[2], "refused", chromedp.SendKeys(sel(`#f-reasons`), "生态环境部门已有在线监测数据,不必社区填报"))
	logout()

	login("minzheng")
	step("open the request again", chromedp.Navigate(base+requestPath), chromedp.WaitVisible(sel(`#items`)))
	typed = eval(`[...document.querySelectorAll("#items tr.typed")].map(tr => tr.textContent.replace(/\s+/g, " ").trim())`)
	for i, w := range []string{"已准入", "准入(有修改)", "不予准入 理由:生态环境部门已有在线监测数据,不必社区填报"} {
		if i >= len(typed) || !strings.Contains(typed[i], w) {
			t.Errorf("typed item %d: %q, want %q", i, typed, w)
		}
	}
	if rows = download("csv"); rows[14][3] != "社区填报,不予准入:生态环境部门已有在线监测数据,不必社区填报" || rows[13][3] != "社区填报,准入(有修改)" {
		t.Errorf("the subscription's typed rows after the decisions: %q %q", rows[13], rows[14])
	}
	Screenshot(t, ctx, "decided")
	logout()

	// The street sends a campaign resting on no admitted item.
	login("jiedao")
	step("open the form to send work", chromedp.Navigate(base+"/demands/new"), chromedp.WaitVisible(sel(`#f-title`)))
	community := eval(`[...document.querySelectorAll("#f-community_id option")].filter(o => o.textContent.includes("城北社区")).map(o => o.value)`)
	if len(community) != 1 {
		t.Fatalf("城北社区 among the communities the street may send to: %q", community)
	}
	step("send a campaign",
		chromedp.SetValue(sel(`#f-kind`), "campaign"),
		chromedp.SendKeys(sel(`#f-title`), "迎检环境整治百日行动"),
		chromedp.SetValue(sel(`#f-community_id`), community[0]),
		chromedp.SetValue(sel(`#f-due_on`), due),
		chromedp.Click(sel(`form[action="/demands/new"] button[type="submit"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	flash("工作已派发")
	logout()

	// 城北社区 refuses it in one step, on a phone.
	step("a phone-sized screen", chromedp.EmulateViewport(375, 812, chromedp.EmulatePortrait))
	login("shequ")
	step("open the inbox", chromedp.Navigate(base+"/demands?status=open"), chromedp.WaitVisible(sel(`h1`)))
	id := eval(`[...document.querySelectorAll("section.card")].filter(s => s.textContent.includes("迎检环境整治百日行动")).map(s => s.id)`)
	if len(id) != 1 {
		t.Fatalf("the campaign in the inbox: %q", id)
	}
	if c := text("#" + id[0]); !strings.Contains(c, "不是社区的义务") {
		t.Errorf("the unadmitted campaign is shown as an obligation: %s", c)
	}
	if w, _ := strconv.Atoi(eval(`[String(document.documentElement.scrollWidth)]`)[0]); w > 375 {
		t.Errorf("the inbox is %d px wide on a 375 px screen", w)
	}
	Screenshot(t, ctx, "inbox")
	step("refuse it",
		chromedp.Click(sel(`#`+id[0]+` button[value="refuse"]`)),
		chromedp.WaitVisible(sel(`.flash`)))
	flash("已答复")
	step("the refused", chromedp.Navigate(base+"/demands?status=refused"), chromedp.WaitVisible(sel(`#`+id[0])))
	if c := text("#" + id[0]); !strings.Contains(c, "拒绝") {
		t.Errorf("the campaign after refusing: %s", c)
	}
	Screenshot(t, ctx, "refused")
	logout()

	// The street sees the refusal and, in the month the items start, the
	// two admitted items and the refused request on its dashboard.
	step("a desktop screen", chromedp.EmulateViewport(1280, 900))
	login("jiedao")
	step("the street's refused demands", chromedp.Navigate(base+"/demands?status=refused"), chromedp.WaitVisible(sel(`#`+id[0])))
	demanded, admitted, _ := burden(startMonth)
	if demanded-demandedBefore != 3 || admitted-admittedBefore != 2 {
		t.Errorf("the street's burden in %s: %d items demanded (%d before), %d admitted (%d before); want 3 and 2 more",
			startMonth, demanded, demandedBefore, admitted, admittedBefore)
	}
	Screenshot(t, ctx, "burden")
	if _, _, campaigns := burden(dueMonth); campaigns != [3]int{campaignsBefore[0] + 1, campaignsBefore[1] + 1, campaignsBefore[2] + 1} {
		t.Errorf("the campaigns due in %s on the street's burden (sent, not admitted, refused): %v, before %v; want one more of each",
			dueMonth, campaigns, campaignsBefore)
	}
}

// engineFigures are the report engine's figures for the street in period,
// by the wording 民政 uses for them, and the street's id; computed before
// the server starts, as the sample report would show them.
func engineFigures(t *testing.T, period indicators.Period) (int64, map[string]string) {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var street int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE name = '真武洞街道'`).Scan(&street); err != nil {
		t.Fatal(err)
	}
	rep := reports.New(db, nil, server.IndicatorSources()...)
	report, err := rep.Compute(ctx, reports.SampleCode, street, period, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for wording, code := range map[string]string{"A001": "A001", "A002": "A002", "流动人口": "A004", "A006": "A006",
		"A007": "A007", "女性": "A008", "A013": "A013"} {
		row := report.Row(code)
		if row == nil {
			t.Fatalf("the sample report has no %s", code)
		}
		out[wording] = row.Text()
	}
	return street, out
}

// readSheet reads every row of a downloaded xlsx or csv as text, without
// the empty cells at a row's end.
func readSheet(t *testing.T, b []byte, name string) [][]string {
	t.Helper()
	book, err := sheets.Open(bytes.NewReader(b), int64(len(b)), name, sheets.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		row := rows.Row()
		var cells []string
		for i := range row.Cells {
			cells = append(cells, row.Text(i))
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		out = append(out, cells)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
