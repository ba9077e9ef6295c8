package access

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/register"
	"shequ/internal/services"
)

// The service hall's records for the matrix: an application (办件) and a
// certificate (证明) of the person on each side, so that every route naming
// them is walked inside, near and outside each role's place.
func serviceMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	makers["application"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		svc := services.New(w.db, register.NewStore(w.db), services.Options{Quiet: true})
		a, err := svc.Intake(context.Background(), access.System, services.IntakeRequest{PersonID: w.objects[s]["person"],
			Item: "dibao", Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatalf("application at %s: %v", s, err)
		}
		return a.ID
	}
	makers["certificate"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		svc := services.New(w.db, register.NewStore(w.db), services.Options{Quiet: true})
		c, err := svc.Issue(context.Background(), access.System, services.IssueRequest{Template: "residence",
			PersonID: w.objects[s]["person"], Purpose: "子女入学"})
		if err != nil {
			t.Fatalf("certificate at %s: %v", s, err)
		}
		return c.ID
	}
}

var versionField = regexp.MustCompile(`name="version" value="(-?\d+)"`)

// TestServiceHallPages drives the service hall's pages as its staff and
// the public portal as a resident would, through the assembled server:
// intake with a missing material and its one-time notice, the level
// routes refusing another level's stage, a stale form, the public lookup
// that answers wrong digits, unknown and malformed numbers alike and
// limits guessing, rating, certificates printed in full only for those
// who may reveal numbers, verification of valid, revoked and tampered
// codes, the catalogue editor's conflict, and index cards.
func TestServiceHallPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		clerk := w.newAgent(t, roleOf(t, roles, "window_clerk"))
		staff := w.newAgent(t, roleOf(t, roles, "community_staff"))
		street := w.newAgent(t, roleOf(t, roles, "street_operator"))
		admin := w.newAgent(t, roleOf(t, roles, "admin"))
		// A role that issues certificates but may not see full ID numbers.
		if err := w.app.Access.SaveRole(ctx, access.Role{Code: "cert_desk", Name: "证明窗口", Place: access.PlaceCommunity,
			Permissions: []string{services.PermRead, services.PermCertify},
			Fields: []access.FieldRule{{Entity: "person", Field: access.Wildcard, View: access.Full},
				{Entity: "person", Field: "id_number", View: access.Masked}, {Entity: "person", Field: "phone", View: access.Masked}}},
			map[string][]string{"person": register.Fields["person"]}); err != nil {
			t.Fatal(err)
		}
		roles, _ = w.app.Access.Roles(ctx)
		desk := w.newAgent(t, roleOf(t, roles, "cert_desk"))
		person := strconv.FormatInt(w.objects[in]["person"], 10)
		form := func(a *agent, kv ...string) url.Values {
			v := url.Values{"csrf": {a.csrf}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Add(kv[i], kv[i+1])
			}
			return v
		}
		expect := func(what string, r answer, status int, texts ...string) {
			t.Helper()
			if r.status != status {
				t.Errorf("%s: %d, want %d\n%.600s", what, r.status, status, r.body)
			}
			for _, s := range texts {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s: the answer lacks %q", what, s)
				}
			}
		}
		version := func(r answer) string {
			t.Helper()
			m := versionField.FindStringSubmatch(r.body)
			if m == nil {
				t.Fatalf("no version on the page")
			}
			return m[1]
		}
		exports := func(route string) int {
			t.Helper()
			w.app.Audit.Flush()
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND route = $1`, route).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Intake: a message at the field, then a case with one material missing.
		expect("intake without an item", clerk.postForm("/services/intake", form(clerk, "person", person)),
			http.StatusUnprocessableEntity, "请选择服务事项", `class="field has-error"`)
		r := clerk.postForm("/services/intake", form(clerk, "person", person, "item", "linshi", "received", "hardship",
			"received", "form", "proxy", "1"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("intake: %d\n%.800s", r.status, r.body)
		}
		appURL := r.header.Get("Location")
		page := clerk.get(appURL)
		expect("the new case", page, http.StatusOK, "待补齐材料", "事故或疾病相关证明材料", ident.MaskPhone(w.inP.Phone))
		tracking := regexp.MustCompile(`id="tracking-no">(\d{14})<`).FindStringSubmatch(page.body)[1]
		before := exports("GET /services/applications/{id}/receipt.pdf")
		notice := clerk.get(appURL + "/receipt.pdf")
		if notice.status != http.StatusOK || notice.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("notice: %d %s", notice.status, notice.header.Get("Content-Type"))
		}
		if txt := pdftest.Text(t, []byte(notice.body)); !strings.Contains(txt, "一次性告知书") || !strings.Contains(txt, w.inP.Name) {
			t.Errorf("the one-time notice:\n%s", txt)
		}
		if exports("GET /services/applications/{id}/receipt.pdf") != before+1 {
			t.Error("the notice's download is not in the audit log")
		}
		expect("supply nothing", clerk.postForm(appURL+"/supply", form(clerk, "version", version(page))),
			http.StatusUnprocessableEntity, "仍缺少")
		expect("supply", clerk.postForm(appURL+"/supply", form(clerk, "version", version(page), "received", "evidence")), http.StatusSeeOther)

		// The street may not act on the community's stage; a stale form is
		// refused with who changed the case; the window cannot refuse a case
		// in progress.
		page = staff.get(appURL)
		expect("the street on the community stage", street.postForm(appURL+"/handle/street",
			form(street, "version", version(page), "action", "approve")), http.StatusConflict, "不在街道审核环节")
		expect("no decision", staff.postForm(appURL+"/handle/community", form(staff, "version", version(page))),
			http.StatusUnprocessableEntity, "请选择审核结果")
		expect("return without a reason", staff.postForm(appURL+"/handle/community", form(staff, "version", version(page),
			"action", "return", "materials", "form")), http.StatusUnprocessableEntity, "请填写退回原因")
		expect("stale form", staff.postForm(appURL+"/handle/community", form(staff, "version", "1", "action", "approve")),
			http.StatusConflict, "保存冲突")
		expect("refuse in progress", clerk.postForm(appURL+"/refuse", form(clerk, "version", version(page), "reason", "x")),
			http.StatusConflict, "不在窗口")
		expect("community approves", staff.postForm(appURL+"/handle/community", form(staff, "version", version(page),
			"action", "approve", "note", "情况属实")), http.StatusSeeOther)
		page = street.get(appURL)
		expect("street approves", street.postForm(appURL+"/handle/street", form(street, "version", version(page),
			"action", "approve")), http.StatusSeeOther)
		expect("finished", street.get(appURL), http.StatusOK, "已办结", "社区受理", "情况属实")

		// The public lookup: right digits show the stages and nothing
		// personal; wrong digits, another number and a malformed one give
		// the same page.
		anon := w.anonymous(t)
		track := func(no, last4 string) answer {
			return anon.postForm("/portal/track", url.Values{"no": {no}, "last4": {last4}})
		}
		last4 := w.inP.Phone[len(w.inP.Phone)-4:]
		ok := track(tracking, last4)
		expect("lookup", ok, http.StatusOK, "已办结", "社区受理", "街道审批", "审核通过,已办结")
		for _, s := range []string{w.inP.Name, w.inP.IDNumber, w.inP.Phone, "情况属实", "u_window_clerk"} {
			if strings.Contains(ok.body, s) {
				t.Errorf("the public progress shows %q", s)
			}
		}
		other := tracking[:6] + "0000000"
		other += string(luhnDigit(other))
		norm := func(r answer, no string) string { return strings.ReplaceAll(r.body, no, "NUMBER") }
		wrong := track(tracking, "0000")
		if last4 == "0000" {
			wrong = track(tracking, "1111")
		}
		for _, c := range []struct{ what, no, last4 string }{
			{"another number", other, last4}, {"a malformed number", "12345", last4}, {"no digits", tracking, ""},
		} {
			r := track(c.no, c.last4)
			if r.status != wrong.status || norm(r, c.no) != norm(wrong, tracking) {
				t.Errorf("the lookup of %s answers differently from wrong digits:\n%.400s", c.what, r.body)
			}
		}
		expect("wrong digits", wrong, http.StatusOK, services.ErrNoMatch.Error())

		// Rating, once.
		rate := func() answer {
			return anon.postForm("/portal/rate", url.Values{"no": {tracking}, "last4": {last4}, "score": {"5"}, "note": {"很方便"}})
		}
		expect("rating", rate(), http.StatusOK, "感谢您的评价")
		expect("rating twice", rate(), http.StatusConflict, "已评价过")

		// Guessing locks a number — a real one and a made-up one alike.
		for i := 0; i < 8; i++ {
			track(tracking, "9"+strconv.Itoa(i)+"99")
			track(other, "9"+strconv.Itoa(i)+"99")
		}
		lockedReal, lockedOther := track(tracking, last4), track(other, last4)
		if lockedReal.status != http.StatusTooManyRequests || norm(lockedReal, tracking) != norm(lockedOther, other) {
			t.Errorf("a locked number: %d / %d", lockedReal.status, lockedOther.status)
		}

		// Certificates: the page masks the ID number; the PDF carries it in
		// full for the window (which may reveal numbers), masked for a desk
		// that may not; the verify page knows valid, revoked and tampered.
		expect("certificate without purpose", clerk.postForm("/services/certificates/new", form(clerk, "person", person,
			"template", "residence")), http.StatusUnprocessableEntity, "请填写证明用途")
		r = clerk.postForm("/services/certificates/new", form(clerk, "person", person, "template", "residence", "purpose", "子女入学"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("issue: %d\n%.800s", r.status, r.body)
		}
		certURL := r.header.Get("Location")
		page = clerk.get(certURL)
		expect("certificate page", page, http.StatusOK, "居住证明", ident.MaskID(w.inP.IDNumber))
		if strings.Contains(page.body, w.inP.IDNumber) {
			t.Error("the certificate page shows the full ID number")
		}
		code := regexp.MustCompile(`id="verify-code">([A-Z0-9-]{14})<`).FindStringSubmatch(page.body)[1]
		full := clerk.get(certURL + "/pdf")
		if txt := pdftest.Text(t, []byte(full.body)); !strings.Contains(txt, w.inP.IDNumber) {
			t.Errorf("the window's certificate PDF lacks the full ID number:\n%s", txt)
		}
		masked := desk.get(certURL + "/pdf")
		if txt := pdftest.Text(t, []byte(masked.body)); masked.status != http.StatusOK || strings.Contains(txt, w.inP.IDNumber) ||
			!strings.Contains(txt, ident.MaskID(w.inP.IDNumber)) {
			t.Errorf("the certificate PDF of a desk without reveal (%d):\n%s", masked.status, txt)
		}
		w.app.Audit.Flush()
		var details []string
		rows, err := db.Query(`SELECT detail FROM audit_log WHERE route = 'GET /services/certificates/{id}/pdf' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var d string
			rows.Scan(&d)
			details = append(details, d)
		}
		rows.Close()
		if len(details) != 2 || !strings.Contains(details[0], "含完整证件号码") || strings.Contains(details[1], "含完整证件号码") {
			t.Errorf("certificate downloads in the audit log: %q", details)
		}
		verify := func(code string) answer { return anon.get("/portal/verify?code=" + url.QueryEscape(code)) }
		v := verify(strings.ToLower(code))
		expect("verify", v, http.StatusOK, "真实有效", "城北社区居民委员会", string([]rune(w.inP.Name)[:1])+"**")
		if strings.Contains(v.body, w.inP.Name) || strings.Contains(v.body, w.inP.IDNumber) {
			t.Error("the verify page shows the holder")
		}
		tampered := code[:len(code)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(code, "A")]
		expect("tampered code", verify(tampered), http.StatusOK, "验证码无效")
		expect("revoke without reason", clerk.postForm(certURL+"/revoke", form(clerk, "version", version(page))),
			http.StatusUnprocessableEntity, "请填写作废原因")
		expect("revoke", clerk.postForm(certURL+"/revoke", form(clerk, "version", version(page), "reason", "地址有误")), http.StatusSeeOther)
		expect("verify revoked", verify(code), http.StatusOK, "已作废")

		// The catalogue editor refuses a stale save and says who saved.
		edit := admin.get("/services/items/juzhu/edit")
		expect("edit form", edit, http.StatusOK, "居住证明")
		item := func(a *agent, ver, limit string) answer {
			return a.postForm("/services/items/juzhu/edit", form(a, "version", ver, "name", "居住证明", "category", "社区证明",
				"time_limit", limit, "stage_rows", "1", "s0_name", "社区核实出具", "s0_level", "community", "s0_days", "1",
				"material_rows", "1", "m0_code", "id_card", "m0_name", "申请人居民身份证", "m0_register", "person", "active", "1"))
		}
		expect("bad time limit", item(admin, version(edit), "abc"), http.StatusUnprocessableEntity, "法定时限应为1–365个工作日")
		expect("save", item(admin, version(edit), "2"), http.StatusSeeOther)
		expect("stale save", item(admin, version(edit), "3"), http.StatusConflict, "保存冲突", "您刚才填写")
		expect("portal item", anon.get("/portal/items/juzhu"), http.StatusOK, "2 个工作日")

		// The household archive gathers the case and the certificate; the
		// index cards of a grid are one PDF, its rows in the audit log.
		hh := strconv.FormatInt(w.objects[in]["household"], 10)
		expect("archive", clerk.get("/households/"+hh+"/archive"), http.StatusOK, tracking, "居住证明", "已作废")
		card := clerk.get("/households/" + hh + "/card.pdf")
		if txt := pdftest.Text(t, []byte(card.body)); !strings.Contains(txt, "居民户档卡") || strings.Contains(txt, w.inP.Name) {
			t.Errorf("the index card:\n%s", txt)
		}
		batch := staff.get(fmt.Sprintf("/org/%d/cards.pdf?layout=a6", w.grid1.ID))
		if info := pdftest.Info(t, []byte(batch.body)); info["Pages"] != "1" {
			t.Errorf("index cards of grid 1: %v", info)
		}
		expect("card batches", staff.get("/services/cards"), http.StatusOK, w.grid1.Name, w.grid2.Name)

		// What hostile or careless input does to the hall's boxes: a clean
		// answer, never a 500, nothing echoed unescaped.
		for _, q := range injections {
			for _, path := range []string{"/services/intake?q=", "/services/intake?hq=", "/services/find?no=",
				"/services/certificates/new?q=", "/services/queue?level=", "/services/items/", "/portal/items/", "/portal/verify?code=",
				"/portal/track?no="} {
				a := clerk
				if strings.HasPrefix(path, "/portal") {
					a = anon
				}
				r := a.get(path + url.QueryEscape(q))
				if r.status >= 500 || strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
					t.Errorf("GET %s%.40q: %d", path, q, r.status)
				}
			}
			if r := clerk.api("GET", "/api/v1/services/applications?queue="+url.QueryEscape(q), ""); r.status >= 500 || !isJSON(r.body) {
				t.Errorf("API queue %.40q: %d", q, r.status)
			}
			r := clerk.postForm("/services/intake", form(clerk, "person", q, "item", q, "received", q, "phone", q, "note", q))
			if r.status < 400 || r.status >= 500 {
				t.Errorf("POST /services/intake with %.40q: %d", q, r.status)
			}
		}

		// A client that keeps asking is slowed down whatever it asks (last: the
		// limit holds for every lookup of this address).
		var limited bool
		for i := 0; i < 40 && !limited; i++ {
			limited = track(strconv.Itoa(10000000000000+i), "1234").status == http.StatusTooManyRequests
		}
		if !limited {
			t.Error("40 lookups in a row from one address were not limited")
		}
	})
}

// luhnDigit is the check digit of a tracking number's first 13 digits.
func luhnDigit(body string) byte {
	sum, double := 0, true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}
