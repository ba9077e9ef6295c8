package certweb_test

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
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/volunteers/certificates/certweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var (
	certLink = regexp.MustCompile(`/volunteer-certificates/(\d+)$`)
	code     = regexp.MustCompile(`验证码</dt><dd>([0-9A-Z-]{14})</dd>`)
)

// TestPages walks a certificate through the pages: the head requests it
// (a bad period is shown at its field), publishes it; a resident sees the
// notice with the name masked and objects; issue is refused while the
// objection is open and before the notice ends, in words with the date;
// the objection is dismissed, the day comes, the certificate is issued,
// printed and verified on the public page; a wrong code says so. The
// export downloads the documented layout and is audited.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		mk(&cb)
		grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
		mk(&grid)
		reg := register.NewStore(db)
		p := register.Person{OrgID: grid.ID, Name: "王秀兰", Residence: register.ResidenceRegistered,
			IDNumber: ident.MakeResidentID("610603", time.Date(1962, 3, 9, 0, 0, 0, 0, time.UTC), 242)}
		if err := reg.CreatePerson(ctx, register.Actor{Name: "t", Source: "cli"}, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		vol := database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO volunteers (community_id, id, person_id, number, joined_on, created_at, updated_at)
			VALUES ($1, $2, $3, 'CB-V-0007', '2025-01-01', '2025-01-01', '2025-01-01')`, cb.ID, vol, p.ID); err != nil {
			t.Fatal(err)
		}
		for i, day := range []string{"2026-01-10", "2026-02-14"} {
			if _, err := db.ExecContext(ctx, `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind, served_on, minutes,
				content, source, verified_by, created_at) VALUES ($1, $2, $3, 'service', $4, 120, '陪伴独居老人', $5, '社区小陈', '2026-01-01')`,
				cb.ID, database.NewID(), vol, day, "manual:"+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, workdays.Shanghai)
		certs := certificates.NewService(db, certificates.Options{PublicURL: "https://shequ.example",
			Now: func() time.Time { return now }})
		log := webtest.NewLog(t, p.IDNumber)
		k, rt := webtest.Kit(t, db, web.Config{Org: org, Log: log.Logger()})
		k.Access.Resolve("volunteer_certificate", certs.Place)
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		webtest.AddUser(t, k, "gw", "王网格", "grid_worker", grid.ID)
		certweb.Routes(rt, k, certweb.Deps{Certificates: certs})
		srv := webtest.Serve(t, rt)
		srv.Numbers = []string{p.IDNumber}
		head, public, gw := srv.Client(), srv.Client(), srv.Client()
		head.Login("head")
		gw.Login("gw")

		if res := gw.Get("/volunteer-certificates"); res.Status != http.StatusForbidden {
			t.Errorf("a grid worker opens the certificates: %d", res.Status)
		}
		csrf := head.CSRF("/volunteer-certificates/new")
		res := head.Post("/volunteer-certificates/new", url.Values{"csrf": {csrf}, "volunteer": {"CB-V-0007"},
			"from": {"2026-02-01"}, "to": {"2026-01-01"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a period backwards: %d", res.Status)
		}
		webtest.Contains(t, "the form sent back", res.Body, "结束日期不能早于开始日期", `value="CB-V-0007"`)
		res = head.Post("/volunteer-certificates/new", url.Values{"csrf": {csrf}, "volunteer": {"CB-V-0007"},
			"from": {"2026-01-01"}, "to": {"2026-02-28"}})
		m := certLink.FindStringSubmatch(res.Location())
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("request: %d %s", res.Status, res.Location())
		}
		page := "/volunteer-certificates/" + m[1]
		body := head.Get(page).Body
		webtest.Contains(t, "the request", body, "已申请,待公示", "4.0 小时", ident.MaskID(p.IDNumber), "陪伴独居老人")
		version := func() string { return webtest.VersionOf(t, head.Get(page).Body) }
		step := func(action string, extra url.Values) webtest.Result {
			t.Helper()
			v := url.Values{"csrf": {csrf}, "version": {version()}}
			for k, x := range extra {
				v[k] = x
			}
			return head.Post(page+"/"+action, v)
		}
		for _, action := range []string{"refuse", "objections/1/decide"} {
			if res := step(action, nil); res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s without a reason: %d\n%s", action, res.Status, log.String())
			}
		}
		if res := step("publish", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}

		res = public.Get("/volunteer-notices?c=" + itoa(cb.ID))
		webtest.Contains(t, "the notices", res.Body, "王**", "4.0", "公示至 2026-03-08", "陪伴独居老人")
		webtest.Lacks(t, "the notices", res.Body, "王秀兰", "CB-V-0007")
		notice := "/volunteer-notices/" + m[1]
		res = public.Get(notice)
		pcsrf := webtest.CSRFOf(t, res.Body)
		if res := public.Post(notice+"/objections", url.Values{"csrf": {pcsrf}, "text": {"短"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "至少5个字") {
			t.Fatalf("a short objection: %d", res.Status)
		}
		if res := srv.Client().Post(notice+"/objections", url.Values{"csrf": {pcsrf}, "text": {"没有 Cookie 的异议"}}); res.Status != http.StatusForbidden {
			t.Fatalf("an objection without the form's cookie: %d", res.Status)
		}
		res = public.Post(notice+"/objections", url.Values{"csrf": {pcsrf}, "text": {"2月14日她在外地,不可能服务"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("objection: %d %s", res.Status, res.Body)
		}

		now = time.Date(2026, 3, 8, 9, 0, 0, 0, workdays.Shanghai)
		res = step("issue", nil)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "2026年3月9日起方可出具证明") {
			t.Fatalf("issue on day 6: %d", res.Status)
		}
		now = time.Date(2026, 3, 9, 9, 0, 0, 0, workdays.Shanghai)
		res = step("issue", nil)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "有1条异议尚未处理") {
			t.Fatalf("issue with an objection open: %d", res.Status)
		}
		var objection int64
		db.QueryRowContext(ctx, `SELECT id FROM volunteer_certificate_objections`).Scan(&objection)
		res = head.Post(page+"/objections/"+itoa(objection)+"/decide", url.Values{"csrf": {csrf}, "version": {version()},
			"decision": {"dismiss"}, "answer": {"核对签到记录,当天在岗"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("dismiss: %d %s", res.Status, res.Body)
		}
		if res := step("issue", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("issue: %d %s", res.Status, res.Body)
		}
		body = head.Get(page).Body
		webtest.Contains(t, "issued", body, "已出具", "城北志证〔2026〕0001号", "经办人")
		c := code.FindStringSubmatch(body)
		if c == nil {
			t.Fatalf("no code on the page:\n%s", body)
		}
		pdf := head.Get(page + "/pdf")
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatalf("pdf: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}

		res = public.Get("/volunteer-certificates/verify?code=" + url.QueryEscape(strings.ToLower(c[1])))
		webtest.Contains(t, "verify", res.Body, "该证明真实有效", "城北志证〔2026〕0001号", "王**", "4.0 小时", "2026-01-01 至 2026-02-28",
			"城北社区居民委员会", "2026-03-09")
		webtest.Lacks(t, "verify", res.Body, "王秀兰")
		res = public.Get("/volunteer-certificates/verify?code=ABCD-EFGH-JKMN")
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "验证码无效") {
			t.Fatalf("a wrong code: %d", res.Status)
		}
		if res := step("revoke", url.Values{"reason": {"时长录入有误"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.Status)
		}
		res = public.Get("/volunteer-certificates/verify?code=" + c[1])
		webtest.Contains(t, "revoked", res.Body, "该证明已作废")

		if res := head.Get("/volunteer-records/export"); res.Status != http.StatusOK {
			t.Fatalf("export form: %d", res.Status)
		}
		res = head.Get("/volunteer-records/export.csv?org=" + itoa(cb.ID) + "&from=2026-01-01&to=2026-12-31")
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "结束日期不能晚于今天") {
			t.Fatalf("export into the future: %d", res.Status)
		}
		res = head.Get("/volunteer-records/export.csv?org=" + itoa(cb.ID) + "&from=2026-01-01&to=2026-03-01")
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "\uFEFF志愿者编号,姓名,证件类型,证件号码,服务日期") ||
			strings.Count(res.Body, p.IDNumber) != 2 {
			t.Fatalf("export: %d %s", res.Status, res.Body)
		}
		k.Audit.Close()
		var rows int
		var detail string
		if err := db.QueryRowContext(ctx, `SELECT rows, detail FROM audit_log WHERE action = 'export' AND route = 'GET /volunteer-records/export.csv'`).
			Scan(&rows, &detail); err != nil || rows != 2 || strings.Contains(detail, p.IDNumber) {
			t.Errorf("the export's audit entry: %d rows, %q, %v", rows, detail, err)
		}
	})
}
