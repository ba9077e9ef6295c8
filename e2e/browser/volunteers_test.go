package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/testlog"
	"shequ/internal/verifycode"
	"shequ/internal/volunteers"
	"shequ/internal/workdays"
)

// TestVolunteers is issue 17's proof in Chromium: a resident of 城北社区
// registers as a volunteer on a 375 px phone and is signed in; the
// community's staff, in another browser context, create an activity with a
// shift starting now, whose QR code (decoded with zbar from the page's
// SVG) is the check-in link the page prints; the volunteer signs up, checks
// in by opening the link, is refused a second check-in a moment later, and
// checks out on a server whose clock runs two hours ahead; the hours appear
// on the phone and the ledger (the /api/v1/volunteers/hours contract) rises
// by exactly the minutes served. The volunteer then asks for a certificate
// of service hours; staff publish it for the seven-day notice, the public
// notice page shows it with the name masked, issuing now is refused naming
// the first day it may be issued, and on a server eight days ahead it is
// issued; its PDF holds the hours and the verification code, the public
// verify page (a fresh browser, no login) confirms it and refuses a wrong
// code.
func TestVolunteers(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	who := pickVolunteer(t, DBPath(t))
	testlog.Secret(t, who.name, who.idNumber, who.phone)
	c := strconv.FormatInt(who.community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "城北社区小陈",
		"--role", "community_staff", "--org", c, "--password", pw)
	out := strings.Split(strings.TrimSpace(RunShequ(t, "token", "create", "--db", DBPath(t), "--user", "shequ")), "\n")
	token := out[len(out)-1]

	// The shift runs from now for two hours, checked out two hours on: all
	// within one day in Shanghai. Late in the evening every server runs
	// ahead to the next morning, so the scenario never straddles midnight.
	lead := volLead(time.Now())
	ahead := func(d time.Duration) []string {
		if d == 0 {
			return nil
		}
		return []string{"--clock-ahead", d.String()}
	}
	base := StartServer(t, ahead(lead)...)

	phone := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	staff := phone.newContext(1280, 900)
	public := phone.newContext(375, 812)

	// 1. The resident registers on the phone and lands signed in.
	phone.do("open the join page",
		chromedp.Navigate(base+"/v/join?c="+c),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	if h := phone.text("h1"); !strings.Contains(h, "城北社区") {
		t.Errorf("the join page names %q, want 城北社区", h)
	}
	phone.narrow("join")
	Screenshot(t, phone.ctx, "join")
	phone.do("register",
		chromedp.SendKeys(chromedp.CSS(`#f-name`), who.name),
		chromedp.SendKeys(chromedp.CSS(`#f-id`), who.idNumber),
		chromedp.SendKeys(chromedp.CSS(`#f-phone`), who.phone),
		chromedp.Click(chromedp.CSS(`input[name="skills"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/v/join"] button[type="submit"]`)))
	phone.waitText("h1", "登记成功")
	number := phone.text("main p strong")
	if !strings.Contains(number, "-") || len(number) < 6 {
		t.Fatalf("the volunteer number shown: %q", number)
	}
	phone.narrow("joined")
	Screenshot(t, phone.ctx, "joined")
	phone.do("my page, signed in by the cookie", chromedp.Navigate(base+"/v/me"), chromedp.WaitVisible(chromedp.CSS(`#year-hours`)))
	if h := phone.text("#year-hours"); h != "0.0" {
		t.Errorf("a new volunteer's hours this year: %q", h)
	}

	// 2. Staff create an activity with a shift starting now; its QR code
	// is the link printed beside it.
	staff.login(base, "shequ", pw)
	now := time.Now().Add(lead).In(workdays.Shanghai).Truncate(time.Minute)
	day := now.Format(time.DateOnly)
	year := day[:4]
	const title = "城北社区助老送餐志愿服务"
	staff.do("create the activity",
		chromedp.Navigate(base+"/volunteer-activities/new?org="+c),
		chromedp.WaitVisible(chromedp.CSS(`#f-title`)),
		chromedp.SendKeys(chromedp.CSS(`#f-title`), title),
		chromedp.SendKeys(chromedp.CSS(`#f-content`), "为独居老人送午餐"),
		chromedp.SendKeys(chromedp.CSS(`#f-place`), "城北社区老年食堂"),
		chromedp.SetValue(chromedp.CSS(`#f-day`), day),
		chromedp.SetValue(chromedp.CSS(`#f-from`), now.Format("15:04")),
		chromedp.SetValue(chromedp.CSS(`#f-to`), now.Add(2*time.Hour).Format("15:04")),
		chromedp.SetValue(chromedp.CSS(`#f-slots`), "5"),
		chromedp.Click(chromedp.CSS(`form[action^="/volunteer-activities/new"] button[type="submit"]`)))
	staff.waitText(".flash", "活动已保存")
	if h := staff.text("h1"); h != title {
		t.Errorf("the activity page's title %q", h)
	}
	qrURL := staff.text(`figure.qr-figure figcaption a`)
	if href := staff.eval(`document.querySelector("figure.qr-figure figcaption a").getAttribute("href")`); href != qrURL {
		t.Errorf("the QR link's text %q and href %q differ", qrURL, href)
	}
	scan, err := url.Parse(qrURL)
	if err != nil || !strings.HasPrefix(qrURL, base+"/v/scan/") || scan.Query().Get("k") == "" {
		t.Fatalf("the shift's check-in link: %q", qrURL)
	}
	shift := strings.TrimPrefix(scan.Path, "/v/scan/")
	// The SVG photographed at twice its size, as a phone's camera sees it.
	png, err := chromedp.Run(staff.ctx, chromedp.ScreenshotScale(chromedp.CSS(`figure.qr-figure svg.qr`), 2))
	if err != nil {
		t.Fatalf("photograph the QR code: %v", err)
	}
	qrFile := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(qrFile, png, 0o644); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "qr", png)
	if codes := pdftest.QRCodes(t, qrFile); len(codes) != 1 || codes[0] != qrURL {
		t.Fatalf("the QR code encodes %q, want the printed link %q", codes, qrURL)
	}
	Screenshot(t, staff.ctx, "activity")

	// 3. The volunteer signs up, checks in, is refused a second check-in,
	// and checks out two hours on.
	phone.do("open the shifts", chromedp.Navigate(base+"/v/shifts"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/v/shifts/`+shift+`/signup"] button`)))
	phone.narrow("shifts")
	Screenshot(t, phone.ctx, "shifts")
	phone.do("sign up", chromedp.Click(chromedp.CSS(`form[action="/v/shifts/`+shift+`/signup"] button`)))
	phone.waitText("#h-coming + ul", title)
	Screenshot(t, phone.ctx, "signed-up")

	before := volHours(t, base, token, c, year)
	served := time.Now()
	phone.do("scan the QR: check in", chromedp.Navigate(qrURL))
	phone.waitText("h1", "签到成功")
	if p := phone.text("p.notice"); !strings.Contains(p, title) || !strings.Contains(p, "签到时间") {
		t.Errorf("the check-in page: %q", p)
	}
	phone.narrow("check-in")
	Screenshot(t, phone.ctx, "checked-in")
	phone.do("scan again at once", chromedp.Navigate(qrURL))
	phone.waitText("h1", "不能签到或签退")
	phone.do("the refusal is visible", chromedp.WaitVisible(chromedp.CSS(`p.error`)))
	if e := phone.text("p.error"); !strings.Contains(e, "不能重复签到") {
		t.Errorf("the second check-in's refusal: %q", e)
	}
	Screenshot(t, phone.ctx, "second-check-in")

	later := StartServer(t, ahead(lead+2*time.Hour)...)
	phone.do("scan two hours later: check out", chromedp.Navigate(later+scan.RequestURI()))
	phone.waitText("h1", "签退成功")
	servedFor := time.Since(served)
	shown := phone.text("dl.facts dd strong")
	phone.narrow("check-out")
	Screenshot(t, phone.ctx, "checked-out")
	phone.do("my hours", chromedp.Navigate(later+"/v/me"), chromedp.WaitVisible(chromedp.CSS(`#year-hours`)))
	mine := phone.text("#year-hours")
	if l := phone.text("#h-ledger + ul"); !strings.Contains(l, title) || !strings.Contains(l, shown) {
		t.Errorf("my ledger lacks the shift's %s hours: %q", shown, l)
	}
	phone.narrow("me")
	Screenshot(t, phone.ctx, "my-hours")

	after := volHours(t, base, token, c, year)
	minutes := after.Minutes - before.Minutes
	// The check-in was at t, the check-out at t+2h plus the scenario's
	// own time between them, on the clock running ahead.
	if most := 120 + int(servedFor/time.Minute) + 1; minutes < 120 || minutes > most || after.Records != before.Records+1 {
		t.Errorf("the ledger rose by %d minutes in %d records, want one record of 120 to %d minutes", minutes,
			after.Records-before.Records, most)
	}
	hours := strconv.FormatFloat(volunteers.Hours(minutes), 'f', 1, 64)
	if shown != hours || mine != hours {
		t.Errorf("the ledger rose by %d minutes (%s h); the check-out page shows %s h, my page %s h", minutes, hours, shown, mine)
	}
	if d := after.Hours - before.Hours; d < float64(minutes)/60-0.1 || d > float64(minutes)/60+0.1 {
		t.Errorf("the API's hours rose by %.2f for %d minutes", d, minutes)
	}

	// 4. The certificate: requested on the phone, published, refused
	// during the notice, issued eight days on, verified by anyone.
	phone.do("ask for a certificate",
		chromedp.Navigate(base+"/v/certificates"),
		chromedp.WaitVisible(chromedp.CSS(`#f-from`)),
		chromedp.SetValue(chromedp.CSS(`#f-from`), day[:8]+"01"),
		chromedp.SetValue(chromedp.CSS(`#f-to`), day),
		chromedp.Click(chromedp.CSS(`form[action="/v/certificates"] button[type="submit"]`)))
	phone.waitText(".verdict-ok", "申请已提交")
	if l := phone.text("#own-certificates"); !strings.Contains(l, hours) {
		t.Errorf("my certificates: %q, want %s hours", l, hours)
	}
	phone.narrow("certificates")
	Screenshot(t, phone.ctx, "certificate-requested")

	staff.do("find the request",
		chromedp.Navigate(base+"/volunteer-certificates?status=requested&q="+url.QueryEscape(number)),
		chromedp.WaitVisible(chromedp.CSS(`#volcert-list a[href^="/volunteer-certificates/"]`)))
	cert := staff.eval(`document.querySelector('#volcert-list a[href^="/volunteer-certificates/"]').getAttribute("href")`)
	staff.do("open it", chromedp.Navigate(base+cert), chromedp.WaitVisible(chromedp.CSS(`#publish`)))
	if h := staff.text("#cert-hours"); !strings.HasPrefix(h, hours+" 小时") {
		t.Errorf("the request counts %q, want %s hours", h, hours)
	}
	staff.do("publish it", chromedp.Click(chromedp.CSS(`#publish`)))
	staff.waitText(".flash", "已公示")
	issuable, _ := time.Parse(time.DateOnly, day)
	issuable = issuable.AddDate(0, 0, 7)
	staff.do("issue it at once", chromedp.Click(chromedp.CSS(`#issue`)))
	staff.waitText("#step-error", "公示期未满")
	if e := staff.text("#step-error"); !strings.Contains(e, issuable.Format("2006年1月2日")+"起方可出具") {
		t.Errorf("issuing during the notice is refused with %q, want it to name %s", e, issuable.Format("2006年1月2日"))
	}
	Screenshot(t, staff.ctx, "issue-refused")

	public.do("the public notices", chromedp.Navigate(base+"/volunteer-notices?c="+c), chromedp.WaitVisible(chromedp.CSS(`#notices`)))
	notice := public.eval(`[...document.querySelectorAll("#notices li")].map(li => li.textContent.replace(/\s+/g, " ")).
		filter(s => s.includes(` + strconv.Quote(number[len(number)-4:]) + `)).join("\n")`)
	if !strings.Contains(notice, verifycode.MaskName(who.name)) || !strings.Contains(notice, hours) {
		t.Errorf("the notice of %s (%s): %q", verifycode.MaskName(who.name), hours, notice)
	}
	if page := public.text("main"); strings.Contains(page, who.name) || strings.Contains(page, number) {
		t.Errorf("the public notices show the volunteer's name or whole number")
	}
	public.narrow("notices")
	Screenshot(t, public.ctx, "notices")

	eightDays := StartServer(t, ahead(lead+192*time.Hour)...)
	// Sessions run on the real clock and cookies ignore the port: the
	// staff are still signed in on the server eight days ahead.
	staff.do("open the certificate eight days on", chromedp.Navigate(eightDays+cert), chromedp.WaitVisible(chromedp.CSS(`#issue`)))
	staff.do("issue it", chromedp.Click(chromedp.CSS(`#issue`)))
	staff.waitText(".flash", "证明已出具")
	code := staff.eval(`[...document.querySelectorAll("#certificate dt")].filter(dt => dt.textContent === "验证码").
		map(dt => dt.nextElementSibling.textContent.trim()).join("")`)
	if len(code) != 14 {
		t.Fatalf("the verification code shown: %q", code)
	}
	certNumber := staff.text("#cert-number")
	Screenshot(t, staff.ctx, "issued")
	pdf := staff.pdf("#cert-pdf")
	text := pdftest.Text(t, pdf)
	if flat := strings.Join(strings.Fields(text), ""); !strings.Contains(flat, "时长"+hours+"小时") || !strings.Contains(flat, code) ||
		!strings.Contains(flat, who.name) {
		t.Errorf("the certificate PDF lacks the hours %s, the code %s or the name:\n%s", hours, code, text)
	}
	page := pdftest.Render(t, pdf, 1, 110)
	if b, err := os.ReadFile(page); err == nil {
		saveScreenshot(t, "certificate-pdf", b)
	}
	if qr := pdftest.QRCodes(t, page); len(qr) != 1 || !strings.HasSuffix(qr[0], "/volunteer-certificates/verify?code="+code) {
		t.Errorf("the PDF's QR code leads to %q", qr)
	}

	public.do("verify the code, with no login",
		chromedp.Navigate(base+"/volunteer-certificates/verify?code="+url.QueryEscape(code)),
		chromedp.WaitVisible(chromedp.CSS(`#verdict`)))
	if v := public.text("#verdict"); !strings.Contains(v, "真实有效") {
		t.Errorf("the verdict on a genuine code: %q", v)
	}
	if v := public.text("#verification"); !strings.Contains(v, hours+" 小时") || !strings.Contains(v, certNumber) {
		t.Errorf("the verify page shows %q, want %s hours and %s", v, hours, certNumber)
	}
	public.narrow("verify")
	Screenshot(t, public.ctx, "verified")
	wrong := code[:len(code)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(code, "A")]
	public.do("a wrong code",
		chromedp.SetValue(chromedp.CSS(`#f-code`), wrong),
		chromedp.Click(chromedp.CSS(`#verify-form button`)))
	public.waitText("#verdict", "验证码无效")
	if strings.Contains(public.text("main"), certNumber) {
		t.Error("a wrong code shows the certificate")
	}
	Screenshot(t, public.ctx, "wrong-code")
}

// volCandidate is a resident of 城北社区 the demo has not made a volunteer.
type volCandidate struct {
	community             int64
	name, idNumber, phone string
}

// pickVolunteer finds an adult of 城北社区 with a valid ID number and mobile
// in the register and no volunteer record: whoever the demo leaves free.
func pickVolunteer(t *testing.T, path string) volCandidate {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT p.community_id, p.name, p.id_number, p.phone FROM persons p
		JOIN org_units c ON c.id = p.community_id
		WHERE c.name = '城北社区' AND p.status = 'active' AND p.doc_type = 'resident_id' AND p.phone <> ''
		AND p.birth_date < '1995-01-01' AND p.birth_date > '1950-01-01'
		AND NOT EXISTS (SELECT 1 FROM volunteers v WHERE v.person_id = p.id)
		ORDER BY p.id LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v volCandidate
		if err := rows.Scan(&v.community, &v.name, &v.idNumber, &v.phone); err != nil {
			t.Fatal(err)
		}
		if _, err := ident.ParseDocument(ident.DocResidentID, v.idNumber, time.Now()); err != nil {
			continue
		}
		if m, err := ident.ParseMobile(v.phone); err != nil || m != v.phone {
			continue
		}
		return v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatal("the demo has no resident of 城北社区 with an ID number and a mobile who is not a volunteer")
	return volCandidate{}
}

// volLead is how far the servers' clocks run ahead so that a two-hour
// shift starting now, and its check-out two hours later, fall on one day in
// Shanghai: none, or to tomorrow morning when it is late in the evening.
func volLead(now time.Time) time.Duration {
	sh := now.In(workdays.Shanghai)
	midnight := time.Date(sh.Year(), sh.Month(), sh.Day()+1, 0, 0, 0, 0, workdays.Shanghai)
	if sh.Add(2*time.Hour + 30*time.Minute).Before(midnight) {
		return 0
	}
	return midnight.Add(8 * time.Hour).Sub(now).Truncate(time.Minute)
}

// TestVolLead checks the servers' lead: none by day; late in the evening,
// to the next morning, so that the shift and its check-out keep to a day.
func TestVolLead(t *testing.T) {
	at := func(hm string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-31 "+hm, workdays.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		now  string
		lead time.Duration
	}{{"00:00", 0}, {"12:00", 0}, {"21:29", 0}, {"21:30", 10*time.Hour + 30*time.Minute}, {"23:59", 8*time.Hour + time.Minute}} {
		if got := volLead(at(c.now)); got != c.lead {
			t.Errorf("at %s the lead is %s, want %s", c.now, got, c.lead)
		}
		if end := at(c.now).Add(volLead(at(c.now)) + 2*time.Hour + 30*time.Minute).In(workdays.Shanghai); end.Day() != at(c.now).Add(volLead(at(c.now))).Day() {
			t.Errorf("at %s the shift and its check-out end on the next day", c.now)
		}
	}
}

// volTotals is the part of GET /api/v1/volunteers/hours the test reads.
type volTotals struct {
	Volunteers    int     `json:"volunteers"`
	Records       int     `json:"records"`
	Hours         float64 `json:"hours"`
	TrainingHours float64 `json:"training_hours"`
	Minutes       int     `json:"minutes"`
}

// volHours asks the API for a community's year, as other tools do.
func volHours(t *testing.T, base, token, org, year string) volTotals {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/volunteers/hours?org="+org+"&year="+year, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v volTotals
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/volunteers/hours: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Volunteers == 0 || v.Records == 0 {
		t.Errorf("the demo's year %s in 城北社区: %+v", year, v)
	}
	return v
}

// volTab is one browser tab of the scenario: the volunteer's phone, the
// staff's desk, or a member of the public's browser.
type volTab struct {
	t     *testing.T
	ctx   context.Context
	width int
}

// newContext opens a tab in a new browser context (its own cookies) of
// width×height.
func (b *volTab) newContext(width, height int) *volTab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	tab := &volTab{t: b.t, ctx: ctx, width: width}
	tab.do("open a tab", chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulatePortrait))
	return tab
}

func (b *volTab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		Screenshot(b.t, b.ctx, "failed")
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *volTab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		Screenshot(b.t, b.ctx, "failed")
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(v), " ")
}

func (b *volTab) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		Screenshot(b.t, b.ctx, "failed")
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitText waits until the element's text holds want: the page a form or
// a link leads to replaces one that may have the same element.
func (b *volTab) waitText(sel, want string) {
	b.t.Helper()
	js := `(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); return e !== null && e.textContent.includes(` +
		strconv.Quote(want) + `); })()`
	for {
		// A question asked while the browser navigates fails, and is not
		// an answer: ask again.
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		select {
		case <-b.ctx.Done():
			got, _ := chromedp.Run(lastLook(b.t, b.ctx), chromedp.Evaluate[string](`(document.querySelector(`+strconv.Quote(sel)+`) || {}).textContent || ""`))
			Screenshot(b.t, b.ctx, "failed")
			b.t.Fatalf("%s shows %q by the test's deadline, want %q (%v)", sel, strings.TrimSpace(got), want, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// narrow checks the page fits the tab's width: nothing to scroll sideways.
func (b *volTab) narrow(page string) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		b.t.Fatal(err)
	}
	if w > b.width {
		b.t.Errorf("the %s page is %d px wide on a %d px screen", page, w, b.width)
	}
}

// login signs the staff in on the server at base.
func (b *volTab) login(base, name, pw string) {
	b.t.Helper()
	b.do("log in as "+name,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), name),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), pw),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.who-name`)))
}

// pdf fetches a link's file with the tab's session, as a click would.
func (b *volTab) pdf(link string) []byte {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`fetch(document.querySelector(`+strconv.Quote(link)+`).getAttribute("href")).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
		return [String(r.status), r.headers.get("Content-Type"), btoa(s)];
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("download %s: %v", link, err)
	}
	if res[0] != "200" || res[1] != "application/pdf" {
		b.t.Fatalf("download %s: %s %s", link, res[0], res[1])
	}
	pdf, err := base64.StdEncoding.DecodeString(res[2])
	if err != nil {
		b.t.Fatal(err)
	}
	return pdf
}
