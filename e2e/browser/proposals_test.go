package browser

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/ident"
	"shequ/internal/testlog"
	"shequ/internal/testwait"
	"shequ/internal/workdays"
)

// TestProposals is issue 18's proof in Chromium at 375 px: a resident of
// 城北社区 verifies with the SMS code read from the outbox and proposes a
// matter for the households of their building; the committee approves it
// (the proposer's SMS says so) and opens the vote; two residents of other
// households of that building vote, one of another building is refused;
// on a server two hours ahead, after the vote closed, the committee
// records the decision and files its follow-up as an event; the event is
// closed in the events capability, and the public accountability page
// shows it closed with the date. The 居务公开 page shows the month of
// 财务收支 the demo never published as overdue.
func TestProposals(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	who := pickVoters(t, DBPath(t))
	for _, r := range []voter{who.proposer, who.first, who.second, who.outsider} {
		testlog.Secret(t, r.name, r.idNumber, r.phone)
	}
	c := strconv.FormatInt(who.community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "yishi", "--display-name", "城北社区王主任",
		"--role", "community_head", "--org", c, "--password", pw)
	base := StartServer(t)

	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	first, second, outsider := phone.newContext(375, 812), phone.newContext(375, 812), phone.newContext(375, 812)
	public := phone.newContext(375, 812)
	staff := phone.newContext(1280, 900)

	// 1. Not verified: proposing sends the resident to verify.
	outsider.do("propose without a session", chromedp.Navigate(base+"/r/proposals/new?c="+c),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	if u := outsider.eval(`location.pathname + location.search`); u != "/r/verify?c="+c {
		t.Errorf("an unverified resident proposing lands on %s, want the verify page", u)
	}

	// 2. The proposer verifies with the code from the outbox and proposes
	// for the households of their building.
	verifyResident(t, phone, base, c, who.proposer)
	const title = "楼道加装声控照明灯"
	phone.do("open the proposal form", chromedp.Navigate(base+"/r/proposals/new?c="+c), chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
	phone.narrow("propose")
	phone.do("propose",
		chromedp.SendKeys(chromedp.CSS(`#f-title`), title),
		chromedp.SendKeys(chromedp.CSS(`#f-body`), "楼道夜间漆黑,老人上下楼容易摔倒,建议各单元楼道加装声控照明灯,费用由维修资金列支。"),
		chromedp.Click(chromedp.CSS(`input[name="scope"][value="building"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/r/proposals/new"] button[type="submit"]`)))
	phone.waitText("p.notice", "已提交")
	Screenshot(t, phone.ctx, "proposed")

	// 3. The committee approves it from the queue; the proposer is told.
	staff.login(base, "yishi", pw)
	staff.do("open the queue", chromedp.Navigate(base+"/proposals/queue?c="+c),
		chromedp.WaitVisible(chromedp.CSS(`main article.card`)))
	matter := matterOf(t, DBPath(t), who.community, title)
	staff.do("approve", chromedp.Click(chromedp.CSS(`#matter-`+matter+` button[value="approve"]`)))
	staff.waitText(".flash", "已审核")
	sms := outboxBody(t, who.proposer.phone, "已通过审核")
	if !strings.Contains(sms, title) || strings.Contains(sms, who.proposer.name) {
		t.Errorf("the proposer's SMS: %q", sms)
	}
	page := base + "/proposals/" + c + "/" + matter
	now := time.Now().In(workdays.Shanghai)
	staff.do("open the vote for an hour", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#f-opens`)),
		chromedp.SetValue(chromedp.CSS(`#f-opens`), now.Add(-time.Minute).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS(`#f-closes`), now.Add(time.Hour).Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`form[action$="/voting"] button[type="submit"]`)))
	staff.waitText(".flash", "已发起表决")
	Screenshot(t, staff.ctx, "voting")

	// 4. Two households of the building vote; another building's resident
	// is refused.
	path := base + "/r/proposals/" + c + "/" + matter
	for i, v := range []struct {
		tab    *volTab
		r      voter
		choice string
	}{{first, who.first, "for"}, {second, who.second, "for"}} {
		verifyResident(t, v.tab, base, c, v.r)
		v.tab.do("vote", chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS(`input[name="choice"]`)),
			chromedp.Click(chromedp.CSS(`input[name="choice"][value="`+v.choice+`"]`)),
			chromedp.Click(chromedp.CSS(`form[action$="/vote"] button[type="submit"]`)))
		v.tab.waitText("p.notice", "回执码")
		v.tab.narrow("voted")
		if i == 0 {
			Screenshot(t, v.tab.ctx, "voted")
		}
	}
	verifyResident(t, outsider, base, c, who.outsider)
	outsider.do("open the matter", chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if n := outsider.text("p.notice"); !strings.Contains(n, "不在本议题的表决范围内") {
		t.Errorf("another building's resident is told %q", n)
	}
	if n := outsider.eval(`String(document.querySelectorAll('input[name="choice"]').length)`); n != "0" {
		t.Errorf("another building's resident has a vote form")
	}
	Screenshot(t, outsider.ctx, "refused")

	// 5. Two hours on the vote has closed: the committee decides and files
	// the follow-up as an event.
	later := StartServer(t, "--clock-ahead", "2h")
	page = later + "/proposals/" + c + "/" + matter
	staff.do("open the closed matter", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#f-decision`)))
	if s := staff.text("main dl.kv"); !strings.Contains(s, "赞成 2 · 反对 0") {
		t.Errorf("the count: %q", s)
	}
	staff.do("decide",
		chromedp.Click(chromedp.CSS(`input[name="result"][value="passed"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-decision`), "同意加装,由居委会会同物业在一个月内完成。"),
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] button[type="submit"]`)))
	staff.waitText(".flash", "决定已记录")
	outboxBody(t, who.proposer.phone, "已作出决定:通过")
	staff.do("file the follow-up event",
		chromedp.SetValue(chromedp.CSS(`#f-category`), "demand.other"),
		chromedp.Click(chromedp.CSS(`button[name="do"][value="event"]`)))
	staff.waitText(".flash", "落实情况已更新")
	Screenshot(t, staff.ctx, "followed-up")

	yishi := base + "/gongkai/" + c + "/yishi"
	public.do("the accountability page", chromedp.Navigate(yishi), chromedp.WaitVisible(chromedp.CSS(`#yishi-`+matter)))
	if s := public.text(`#yishi-` + matter); !strings.Contains(s, "已收到,待受理") {
		t.Errorf("the follow-up before it is worked: %q", s)
	}

	// 6. The event is worked and closed in the events capability; the page
	// shows it closed, with the day.
	closed := closeFollowUp(t, DBPath(t), who.community, matter)
	want := "已办结(" + closed.In(workdays.Shanghai).Format("2006-01-02") + ")"
	public.do("the accountability page again", chromedp.Navigate(yishi), chromedp.WaitVisible(chromedp.CSS(`#yishi-`+matter)))
	if s := public.text(`#yishi-` + matter); !strings.Contains(s, want) || !strings.Contains(s, title) {
		t.Errorf("the follow-up once its event is closed: %q, want %s", s, want)
	}
	public.narrow("accountability")
	Screenshot(t, public.ctx, "accountability")

	// 7. 居务公开: the month of 财务收支 never published is overdue, and the
	// page leads to the accountability page.
	public.do("the 居务公开 page", chromedp.Navigate(base+"/gongkai/"+c), chromedp.WaitVisible(chromedp.CSS(`#h-over`)))
	if s := public.text(`section[aria-labelledby="h-over"]`); !strings.Contains(s, "财务收支") || !strings.Contains(s, "逾期") {
		t.Errorf("the overdue publications: %q", s)
	}
	if n := public.eval(`String(document.querySelectorAll('a[href="/gongkai/` + c + `/yishi"]').length)`); n != "1" {
		t.Errorf("the 居务公开 page links the accountability page %s times", n)
	}
	public.narrow("gongkai")
	Screenshot(t, public.ctx, "gongkai")
}

// voter is a resident of the register who can verify: a valid ID number
// and a mobile.
type voter struct {
	name, idNumber, phone string
	household, building   int64
}

type voters struct {
	community                         int64
	proposer, first, second, outsider voter
}

// pickVoters finds, in 城北社区, three adults of three households of one
// building and an adult of another building.
func pickVoters(t *testing.T, path string) voters {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT p.community_id, p.name, p.id_number, p.phone, p.household_id, ho.building_id
		FROM persons p JOIN org_units c ON c.id = p.community_id
		JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		WHERE c.name = '城北社区' AND p.status = 'active' AND p.doc_type = 'resident_id' AND p.phone <> ''
		AND p.birth_date < '1995-01-01' AND p.birth_date > '1950-01-01' AND ho.building_id IS NOT NULL
		ORDER BY ho.building_id, p.household_id, p.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byBuilding := map[int64][]voter{}
	var order []int64
	seenPhone, seenHousehold := map[string]bool{}, map[int64]bool{}
	var community int64
	for rows.Next() {
		var v voter
		if err := rows.Scan(&community, &v.name, &v.idNumber, &v.phone, &v.household, &v.building); err != nil {
			t.Fatal(err)
		}
		if _, err := ident.ParseDocument(ident.DocResidentID, v.idNumber, time.Now()); err != nil {
			continue
		}
		if m, err := ident.ParseMobile(v.phone); err != nil || m != v.phone || seenPhone[v.phone] || seenHousehold[v.household] {
			continue
		}
		seenPhone[v.phone], seenHousehold[v.household] = true, true
		if byBuilding[v.building] == nil {
			order = append(order, v.building)
		}
		byBuilding[v.building] = append(byBuilding[v.building], v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, b := range order {
		if vs := byBuilding[b]; len(vs) >= 3 {
			for _, o := range order {
				if o != b {
					return voters{community: community, proposer: vs[0], first: vs[1], second: vs[2], outsider: byBuilding[o][0]}
				}
			}
		}
	}
	t.Fatal("the demo has no building of 城北社区 with three households of verifiable adults, and another building")
	return voters{}
}

var codeRe = regexp.MustCompile(`验证码为(\d{6})`)

// verifyResident verifies r on tab: name, the ID number's last six, the
// phone, then the code the SMS outbox holds for that phone.
func verifyResident(t *testing.T, tab *volTab, base, c string, r voter) {
	t.Helper()
	tab.do("open the verify page", chromedp.Navigate(base+"/r/verify?c="+c), chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	tab.narrow("verify")
	tail := strings.ToUpper(r.idNumber[len(r.idNumber)-6:])
	tab.do("ask for a code",
		chromedp.SendKeys(chromedp.CSS(`#f-name`), r.name),
		chromedp.SendKeys(chromedp.CSS(`#f-id`), tail),
		chromedp.SendKeys(chromedp.CSS(`#f-phone`), r.phone),
		chromedp.Click(chromedp.CSS(`form[action="/r/verify"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-code`)))
	m := codeRe.FindStringSubmatch(outboxBody(t, r.phone, "验证码为"))
	if m == nil {
		t.Fatal("no code in the SMS")
	}
	tab.do("type the code",
		chromedp.SendKeys(chromedp.CSS(`#f-code`), m[1]),
		chromedp.Click(chromedp.CSS(`form[action="/r/verify/code"] button[type="submit"]`)))
	tab.waitText("h1", "我的居民身份")
}

// outboxBody waits for the newest SMS to phone holding want and returns
// its text.
func outboxBody(t *testing.T, phone, want string) string {
	t.Helper()
	ctx := testwait.Context(t, context.Background())
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for {
		var body string
		err := db.QueryRowContext(ctx, `SELECT body FROM notify_outbox WHERE recipient = $1 AND body LIKE $2
			ORDER BY created_at DESC, id DESC LIMIT 1`, phone, "%"+want+"%").Scan(&body)
		if err == nil {
			return body
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no SMS holding %q in the outbox by the test's deadline: %v", want, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// matterOf is the id of the community's matter of that title.
func matterOf(t *testing.T, path string, community int64, title string) string {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM proposals WHERE community_id = $1 AND title = $2`, community, title).Scan(&id); err != nil {
		t.Fatalf("the matter %s: %v", title, err)
	}
	return strconv.FormatInt(id, 10)
}

// closeFollowUp works the matter's follow-up event to its close as the
// community's head: 社区自办, 反馈, 核查通过, 结案. It returns when it closed.
func closeFollowUp(t *testing.T, path string, community int64, matter string) time.Time {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var event, user int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(event_id, 0) FROM proposals WHERE community_id = $1 AND id = $2`,
		community, matter).Scan(&event); err != nil || event == 0 {
		t.Fatalf("the matter's follow-up event: %d %v", event, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE name = 'yishi'`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	head, err := access.NewService(db).Viewer(ctx, user, "城北社区王主任")
	if err != nil {
		t.Fatal(err)
	}
	ev := events.NewStore(db)
	// On the clock of the server that filed it, two hours ahead.
	ev.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	var e *events.Event
	for _, a := range []events.Action{{Name: events.ActAccept, Route: events.LevelCommunity},
		{Name: events.ActFeedback, Note: "声控灯已安装", PublicNote: "各单元楼道声控灯已安装"},
		{Name: events.ActVerifyPass, Note: "现场查看灯已亮"}, {Name: events.ActClose, PublicNote: "已按议事决定办结"}} {
		if e, err = ev.Act(ctx, head, event, a); err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
	}
	if e.Status != events.StatusClosed || e.ClosedAt.IsZero() {
		t.Fatalf("the event after closing: %s %v", e.Status, e.ClosedAt)
	}
	return e.ClosedAt
}
