package residentsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/residents/residentsweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	codeRe = regexp.MustCompile(`验证码为(\d{6})`)
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token in\n%s", body)
	}
	return m[1]
}

// TestVerifyPages is a resident's way on a phone: the form, a request that
// matches nobody and one that matches answering alike, a wrong code, the
// code from the outbox, my page, and sign-out; the audit log keeps every
// attempt without the ID number or the phone.
func TestVerifyPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		org := orgtree.NewStore(db)
		reg := register.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		mk(&cb)
		grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		mk(&grid)
		bu := orgtree.Unit{ParentID: grid.ID, Level: orgtree.LevelBuilding, Name: "3号楼"}
		mk(&bu)
		actor := register.Actor{Name: "t", Source: "cli"}
		b := register.Building{ID: bu.ID, Name: "3号楼", Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: b.ID, Number: "2-301", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: hh.ID, Name: "李秀兰", Residence: register.ResidenceRegistered, Phone: "13909110001",
			IDNumber: ident.MakeResidentID("610603", time.Date(1962, 3, 9, 0, 0, 0, 0, time.UTC), 132)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		svc := residents.NewService(db, func() time.Time { return now })
		residentsweb.Routes(rt, k, svc)
		signedIn := residentsweb.SignedIn(svc)
		rt.Handle("GET /probe", access.Rule{Public: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			res, ok := signedIn(r)
			w.Write([]byte(strconv.FormatBool(ok) + " " + itoa(res.PersonID) + " " + strconv.FormatBool(res.Owner)))
		}))
		srv := webtest.Serve(t, rt)
		phone, stranger := srv.Client(), srv.Client()
		tail := p.IDNumber[len(p.IDNumber)-6:]

		// Without ?c= the form lists the communities; with it, names it.
		form := phone.Get("/r/verify")
		webtest.CheckPage(t, "/r/verify", form.Body)
		webtest.Contains(t, "verify", form.Body, `<option value="`+itoa(cb.ID)+`">城北社区</option>`, `name="id_tail"`)
		form = phone.Get("/r/verify?c=" + itoa(cb.ID))
		webtest.Contains(t, "verify ?c", form.Body, "城北社区 居民身份核验")

		// Bad fields answer at the field; the phone is not echoed.
		res := phone.Post("/r/verify", url.Values{"csrf": {csrfOf(t, form.Body)}, "c": {itoa(cb.ID)}, "name": {"李秀兰"},
			"id_tail": {"12"}, "phone": {"139091100019"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad fields: %d", res.Status)
		}
		webtest.Contains(t, "bad fields", res.Body, "请填写身份证号码的后6位", "请填写11位手机号码")
		webtest.Lacks(t, "bad fields", res.Body, "139091100019")
		// No token, no request.
		if res := phone.Post("/r/verify", url.Values{"c": {itoa(cb.ID)}}); res.Status != http.StatusBadRequest {
			t.Fatalf("no token: %d", res.Status)
		}

		// A stranger guessing and the resident get the same page.
		sf := stranger.Get("/r/verify?c=" + itoa(cb.ID))
		guess := stranger.Post("/r/verify", url.Values{"csrf": {csrfOf(t, sf.Body)}, "c": {itoa(cb.ID)}, "name": {"李秀兰"},
			"id_tail": {"000000"}, "phone": {"13909110001"}})
		right := phone.Post("/r/verify", url.Values{"csrf": {csrfOf(t, form.Body)}, "c": {itoa(cb.ID)}, "name": {"李秀兰"},
			"id_tail": {tail}, "phone": {"139 0911 0001"}})
		if guess.Status != http.StatusOK || right.Status != http.StatusOK {
			t.Fatalf("statuses %d %d", guess.Status, right.Status)
		}
		strip := func(s string) string { return csrfRe.ReplaceAllString(s, "") }
		if strip(guess.Body) != strip(right.Body) {
			t.Fatalf("the answers differ:\n%s\n---\n%s", guess.Body, right.Body)
		}
		webtest.Contains(t, "code form", right.Body, residents.Sent, `name="code"`)
		webtest.CheckPage(t, "code form", right.Body)

		var body string
		if err := db.QueryRowContext(ctx, `SELECT body FROM notify_outbox`).Scan(&body); err != nil {
			t.Fatalf("one SMS: %v", err)
		}
		code := codeRe.FindStringSubmatch(body)[1]
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		// The stranger's ticket takes no code; a wrong code says how many
		// tries are left.
		res = stranger.Post("/r/verify/code", url.Values{"csrf": {csrfOf(t, guess.Body)}, "code": {code}})
		webtest.Contains(t, "stranger's code", res.Body, "验证码不正确,还可再试4次")
		res = phone.Post("/r/verify/code", url.Values{"csrf": {csrfOf(t, right.Body)}, "code": {wrong}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code: %d", res.Status)
		}
		webtest.Contains(t, "wrong code", res.Body, "验证码不正确,还可再试4次")
		res = phone.Post("/r/verify/code", url.Values{"csrf": {csrfOf(t, right.Body)}, "code": {code}})
		if res.Status != http.StatusSeeOther || res.Location() != "/r/me" {
			t.Fatalf("right code: %d %s", res.Status, res.Body)
		}
		me := phone.Get("/r/me")
		webtest.CheckPage(t, "/r/me", me.Body)
		webtest.Contains(t, "me", me.Body, "李**", "城北社区", "3号楼")
		webtest.Lacks(t, "me", me.Body, "李秀兰", p.IDNumber, "13909110001")
		if got := phone.Get("/probe").Body; got != "true "+itoa(p.ID)+" true" {
			t.Fatalf("SignedIn: %s", got)
		}
		if got := stranger.Get("/probe").Body; !strings.HasPrefix(got, "false") {
			t.Fatalf("stranger SignedIn: %s", got)
		}
		if res := stranger.Get("/r/me"); res.Status != http.StatusUnauthorized {
			t.Fatalf("stranger's me: %d", res.Status)
		}

		// Hostile input answers 4xx, never 500, and is never echoed raw.
		for _, bad := range []string{`' OR '1'='1`, `<script>alert(1)</script>`, "nul\x00byte", "\xff\xfe", strings.Repeat("韩", 5000), "-1", "99999999999999999999"} {
			for _, path := range []string{"/r/verify", "/r/verify/code"} {
				res := stranger.Post(path, url.Values{"csrf": {csrfOf(t, sf.Body)}, "c": {bad}, "name": {bad}, "id_tail": {bad},
					"phone": {bad}, "code": {bad}})
				if res.Status >= 500 || res.Status < 400 {
					t.Errorf("POST %s %.20q: %d", path, bad, res.Status)
				}
				webtest.Lacks(t, path, res.Body, "<script>alert")
			}
			if res := stranger.Get("/r/verify?c=" + url.QueryEscape(bad)); res.Status != http.StatusOK {
				t.Errorf("GET /r/verify?c=%.20q: %d", bad, res.Status)
			}
		}

		// Sign-out.
		res = phone.Post("/r/logout", url.Values{"csrf": {csrfOf(t, me.Body)}})
		if res.Status != http.StatusOK {
			t.Fatalf("logout: %d", res.Status)
		}
		if got := phone.Get("/probe").Body; !strings.HasPrefix(got, "false") {
			t.Fatalf("after logout: %s", got)
		}

		// The audit log: both requests, the failed codes and the good one, my
		// page, the sign-out; never the ID tail or the full phone.
		k.Audit.Flush()
		entries, _, err := k.Audit.Query(ctx, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range entries {
			if !strings.HasPrefix(e.Route, "POST /r/") && !strings.HasPrefix(e.Route, "GET /r/") {
				continue
			}
			count[e.Action]++
			all := e.Detail + " " + e.Route
			if strings.Contains(all, tail) || strings.Contains(all, "13909110001") || strings.Contains(all, p.IDNumber) {
				t.Errorf("audit entry keeps a number: %+v", e)
			}
		}
		if count[audit.Search] != 2 || count[audit.LoginFailed] < 2 || count[audit.Login] != 1 || count[audit.View] != 1 || count[audit.Logout] != 1 {
			t.Fatalf("audit entries: %v", count)
		}
	})
}
