package browser

import (
	"context"
	"encoding/base64"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/testlog"
)

// applicant is the resident of the demo data the scenario serves, and the
// places its staff are granted.
type applicant struct {
	personID    int64
	name        string
	idNumber    string
	phone       string
	householdID int64
	household   string // 户号
	community   int64
	street      int64
}

func pickApplicant(t *testing.T, path string) applicant {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var a applicant
	err = db.QueryRowContext(ctx, `SELECT p.id, p.name, p.id_number, p.phone, p.household_id, h.number, p.community_id, c.parent_id
		FROM persons p JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		JOIN org_units c ON c.id = p.community_id
		WHERE p.status = 'active' AND p.doc_type = 'resident_id' AND p.phone <> '' AND p.birth_date < '1990-01-01'
		AND p.name NOT IN (SELECT applicant FROM service_applications)
		ORDER BY p.id LIMIT 1`).Scan(&a.personID, &a.name, &a.idNumber, &a.phone, &a.householdID, &a.household,
		&a.community, &a.street)
	if err != nil {
		t.Fatalf("pick an applicant from the demo data: %v", err)
	}
	return a
}

// TestServiceHall is the one-stop service hall end to end, on a 375 px
// phone: a window clerk takes in a 临时救助 application with one material
// missing and gets the one-time notice, completes it, the community worker
// and the street approve it, the resident follows it on the public page
// with the tracking number and the last four phone digits and rates it, a
// certificate is issued and checked on the public verify page. The
// receipt, the certificate and the index card are downloaded through the
// pages and must render with legible Chinese and QR codes that lead to the
// portal's pages.
func TestServiceHall(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t), "--preset", "zinan")
	ap := pickApplicant(t, DBPath(t))
	testlog.Secret(t, ap.name, ap.idNumber, ap.phone)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "clerk", "--display-name", "窗口小刘", "--role", "window_clerk",
		"--org", id(ap.community), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "worker", "--display-name", "社区小陈", "--role", "community_staff",
		"--org", id(ap.community), "--password", pw)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "street", "--display-name", "街道老马", "--role", "street_operator",
		"--org", id(ap.street), "--password", pw)
	base := StartServer(t)
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
		return strings.TrimSpace(v)
	}
	attr := func(s, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(s)+`).getAttribute(`+strconv.Quote(name)+`)`))
		if err != nil {
			t.Fatalf("%s of %s: %v", name, s, err)
		}
		return v
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
		step("log out", chromedp.Click(sel(`form[action="/logout"] button`)), chromedp.WaitVisible(sel(`#f-name`)))
	}
	// waitText waits for the element's text to contain want: the page a
	// form leads to replaces one that may have the same element.
	waitText := func(s, want string) {
		t.Helper()
		js := `(() => { const e = document.querySelector(` + strconv.Quote(s) + `); return e !== null && e.textContent.includes(` +
			strconv.Quote(want) + `); })()`
		// Ask again until the new page answers: a question asked while the
		// browser navigates fails, and is not an answer.
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
			if err == nil && ok {
				return
			}
			select {
			case <-ctx.Done():
				got, _ := chromedp.Run(lastLook(t, ctx), chromedp.Evaluate[string](`(document.querySelector(`+strconv.Quote(s)+`) || {}).textContent || ""`))
				Screenshot(t, ctx, "wait")
				t.Fatalf("%s shows %q by the test's deadline, want %q (%v)", s, strings.TrimSpace(got), want, err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	flash := func(want string) { t.Helper(); waitText(".flash", want) }
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
	// download fetches a link's file with the page's session, as a click
	// would, and checks it is a PDF.
	download := func(link string) []byte {
		t.Helper()
		href := attr(link, "href")
		res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`fetch(`+strconv.Quote(href)+`).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			let s = "";
			for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
			return [String(r.status), r.headers.get("Content-Type"), btoa(s)];
		})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download %s: %v", href, err)
		}
		if res[0] != "200" || res[1] != "application/pdf" {
			t.Fatalf("download %s: %s %s", href, res[0], res[1])
		}
		pdf, err := base64.StdEncoding.DecodeString(res[2])
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
	// pdfCheck renders the first page, keeps it beside the screenshots,
	// and returns the document's text and the page's QR codes.
	pdfCheck := func(name string, pdf []byte) (string, []string) {
		t.Helper()
		png := pdftest.Render(t, pdf, 1, 110)
		if b, err := os.ReadFile(png); err == nil {
			saveScreenshot(t, name, b)
		}
		return pdftest.Text(t, pdf), pdftest.QRCodes(t, png)
	}

	// 1. The window takes the application in, with one material missing.
	login("clerk")
	step("open the hall", chromedp.Navigate(base+"/services"), chromedp.WaitVisible(sel(`#intake-link`)))
	noSideways("hall")
	servicesShot(t, ctx, "hall")
	step("find the applicant by ID number",
		chromedp.Click(sel(`#intake-link`)),
		chromedp.WaitVisible(sel(`#f-q`)),
		chromedp.SendKeys(sel(`#f-q`), ap.idNumber),
		chromedp.Click(sel(`form[role="search"] button`)),
		chromedp.WaitVisible(sel(`a.btn[href="/services/intake?person=`+id(ap.personID)+`"]`)))
	if results := text(".results"); strings.Contains(results, ap.idNumber) || !strings.Contains(results, ident.MaskID(ap.idNumber)) {
		t.Errorf("the window's search shows the ID number unmasked:\n%s", results)
	}
	step("choose the applicant and the item",
		chromedp.Click(sel(`a.btn[href="/services/intake?person=`+id(ap.personID)+`"]`)),
		chromedp.WaitVisible(sel(`#f-item`)),
		chromedp.SetValue(sel(`#f-item`), "linshi"),
		chromedp.Click(sel(`form[action="/services/intake"][method="get"] button`)),
		chromedp.WaitVisible(sel(`#intake-form`)))
	if name := text("#applicant-name"); name != ap.name {
		t.Errorf("applicant %q, want %q", name, ap.name)
	}
	step("tick what the resident brought, 代办, take it in",
		chromedp.Click(sel(`#m-hardship`)),
		chromedp.Click(sel(`#m-form`)),
		chromedp.Click(sel(`#f-proxy`)))
	noSideways("intake")
	servicesShot(t, ctx, "intake")
	step("take it in", chromedp.Click(sel(`#intake-form button[type="submit"]`)))
	flash("已收件")
	if st := text("#app-status"); st != "待补齐材料" {
		t.Errorf("status after intake %q", st)
	}
	tracking := text("#tracking-no")
	appURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if phone := text("#app-phone"); phone != ident.MaskPhone(ap.phone) {
		t.Errorf("the clerk sees the phone as %q, want it masked", phone)
	}
	noSideways("application")
	servicesShot(t, ctx, "incomplete")

	notice := download("#receipt-pdf")
	txt, qr := pdfCheck("notice", notice)
	for _, want := range []string{"一次性告知书", tracking, ap.name, "事故或疾病相关证明材料", "临时救助"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the one-time notice lacks %q:\n%s", want, txt)
		}
	}
	trackURL := base + "/portal/track?no=" + tracking
	if len(qr) != 1 || qr[0] != trackURL {
		t.Errorf("the notice's QR code leads to %q, want %q", qr, trackURL)
	}

	// 2. The resident brings the missing paper: the case is accepted.
	step("supply the missing material",
		chromedp.Click(sel(`#rcv-evidence`)),
		chromedp.Click(sel(`#supply-form button`)))
	flash("材料已补齐")
	if st := text("#app-status"); st != "办理中" {
		t.Errorf("status after the materials %q", st)
	}
	receipt := download("#receipt-pdf")
	if txt, _ := pdfCheck("receipt", receipt); !strings.Contains(txt, "受理回执") || !strings.Contains(txt, "法定办结时限") {
		t.Errorf("the receipt:\n%s", txt)
	}
	logout()

	// 3. The community worker, then the street, approve.
	login("worker")
	step("open the case", chromedp.Navigate(base+appURL), chromedp.WaitVisible(sel(`#approve-form`)))
	step("approve at the community", chromedp.Click(sel(`#approve-form button`)))
	flash("已审核通过")
	logout()
	login("street")
	step("open the street's queue",
		chromedp.Navigate(base+"/services/queue?level=street"),
		chromedp.WaitVisible(sel(`a[href="`+appURL+`"]`)))
	noSideways("queue")
	servicesShot(t, ctx, "street-queue")
	step("open the case", chromedp.Click(sel(`a[href="`+appURL+`"]`)), chromedp.WaitVisible(sel(`#approve-form`)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#supply-form").length`)); n != 0 {
		t.Error("the street is offered the window's actions")
	}
	step("approve at the street", chromedp.Click(sel(`#approve-form button`)))
	flash("已审核通过")
	if st := text("#app-status"); st != "已办结" {
		t.Errorf("status after the street %q", st)
	}
	servicesShot(t, ctx, "approved")
	logout()

	// 4. The resident, without an account, follows the receipt's QR code.
	step("open the tracking page from the QR code",
		chromedp.Navigate(qr[0]),
		chromedp.WaitVisible(sel(`#f-last4`)))
	if v := attr("#f-no", "value"); v != tracking {
		t.Errorf("the tracking number is not filled in from the QR code: %q", v)
	}
	wrong := "0000"
	if strings.HasSuffix(ap.phone, wrong) {
		wrong = "1111"
	}
	step("look up with wrong digits",
		chromedp.SendKeys(sel(`#f-last4`), wrong),
		chromedp.Click(sel(`#track-form button`)),
		chromedp.WaitVisible(sel(`#track-error`)))
	step("look up with the right digits",
		chromedp.SetValue(sel(`#f-last4`), ap.phone[len(ap.phone)-4:]),
		chromedp.Click(sel(`#track-form button`)),
		chromedp.WaitVisible(sel(`#progress`)))
	if st := text("#progress-status"); st != "已办结" {
		t.Errorf("the resident sees %q", st)
	}
	page := text("main")
	for _, secret := range []string{ap.name, ap.idNumber, ap.phone, "窗口小刘", "街道老马"} {
		if strings.Contains(page, secret) {
			t.Errorf("the public progress shows %q", secret)
		}
	}
	if steps := text("#progress-steps"); !strings.Contains(steps, "材料已补齐") || !strings.Contains(steps, "已办结") {
		t.Errorf("the public steps:\n%s", steps)
	}
	noSideways("tracking")
	servicesShot(t, ctx, "resident-progress")
	step("rate the service",
		chromedp.Click(sel(`#rate-form input[value="5"]`)),
		chromedp.Click(sel(`#rate-form button`)),
		chromedp.WaitVisible(sel(`.flash`)))

	// 5. The window issues a 居住证明; anyone checks it on the verify page.
	login("clerk")
	step("open the certificate form",
		chromedp.Navigate(base+"/services/certificates/new?person="+id(ap.personID)),
		chromedp.WaitVisible(sel(`#certificate-form`)),
		chromedp.SetValue(sel(`#f-template`), "residence"),
		chromedp.SendKeys(sel(`#f-purpose`), "子女入学"),
		chromedp.Click(sel(`#certificate-form button[type="submit"]`)))
	flash("证明已出具")
	code := text("#verify-code")
	if body := text(".cert-body"); strings.Contains(body, ap.idNumber) || !strings.Contains(body, ident.MaskID(ap.idNumber)) {
		t.Errorf("the certificate page shows the ID number unmasked:\n%s", body)
	}
	noSideways("certificate")
	servicesShot(t, ctx, "certificate")
	cert := download("#certificate-pdf")
	txt, qr = pdfCheck("certificate", cert)
	for _, want := range []string{"居住证明", ap.name, ap.idNumber, "子女入学", code} {
		if !strings.Contains(txt, want) {
			t.Errorf("the certificate PDF lacks %q:\n%s", want, txt)
		}
	}
	verifyURL := base + "/portal/verify?code=" + code
	if len(qr) != 1 || qr[0] != verifyURL {
		t.Errorf("the certificate's QR code leads to %q, want %q", qr, verifyURL)
	}

	// 6. The household archive and its index card.
	step("open the household archive",
		chromedp.Navigate(base+"/households/"+id(ap.householdID)+"/archive"),
		chromedp.WaitVisible(sel(`#section-applications`)))
	if apps := text("#section-applications"); !strings.Contains(apps, tracking) {
		t.Errorf("the archive lacks the application:\n%s", apps)
	}
	if certs := text("#section-certificates"); !strings.Contains(certs, "居住证明") {
		t.Errorf("the archive lacks the certificate:\n%s", certs)
	}
	noSideways("archive")
	servicesShot(t, ctx, "archive")
	card := download("#card-pdf")
	txt, qr = pdfCheck("card", card)
	for _, want := range []string{"居民户档卡", ap.household} {
		if !strings.Contains(txt, want) {
			t.Errorf("the index card lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, ap.name) {
		t.Error("the index card names a resident")
	}
	portal := base + "/portal?c=" + id(ap.community)
	if len(qr) != 1 || qr[0] != portal {
		t.Errorf("the card's QR code leads to %q, want %q", qr, portal)
	}
	logout()
	step("open the portal from the card", chromedp.Navigate(portal), chromedp.WaitVisible(sel(`.portal-links`)))
	if footer := text("footer"); !strings.Contains(footer, "便民服务站") || !strings.Contains(footer, "电话") {
		t.Errorf("the portal opened from a card does not name the community's station:\n%s", footer)
	}
	servicesShot(t, ctx, "portal")

	step("verify the certificate from its QR code", chromedp.Navigate(verifyURL), chromedp.WaitVisible(sel(`#verdict`)))
	if v := text("#verdict"); !strings.Contains(v, "真实有效") {
		t.Errorf("verdict %q", v)
	}
	if page := text("main"); strings.Contains(page, ap.name) || strings.Contains(page, ap.idNumber) {
		t.Errorf("the verify page shows the holder's name or number:\n%s", page)
	}
	noSideways("verify")
	servicesShot(t, ctx, "verify")
	step("a mistyped code",
		chromedp.SetValue(sel(`#f-code`), "ABCD-EFGH-JKMN"),
		chromedp.Click(sel(`#verify-form button`)))
	waitText("#verdict", "验证码无效")
}

// servicesShot saves the whole page as a 375 px phone shows it (the window
// grown to the page's height, as TestRegister does).
func servicesShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	h, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, int64(max(h, 812)), chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	saveScreenshot(t, name, png)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
}
