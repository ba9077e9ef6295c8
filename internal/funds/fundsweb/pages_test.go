package fundsweb_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/funds"
	"shequ/internal/funds/fundsweb"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPages: staff open a fund under 成都's rule, allocate it from the
// register, are refused an expense on the negative list and one beyond
// the balance (at the field, the form kept), record one with a voucher,
// reverse it, and read the month's statement and its spreadsheet; the
// street reads but may not write.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 20, 9, 0, 0, 0, workdays.Shanghai)
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		webtest.AddUser(t, k, "street", "街道", "street_operator", street.ID)
		fundsweb.Routes(rt, k, fundsweb.Deps{Funds: funds.NewService(db, func() time.Time { return now })})
		srv := webtest.Serve(t, rt)
		head := srv.Client()
		head.Login("head")

		list := head.Get("/funds?org=" + itoa(cb.ID))
		webtest.CheckPage(t, "list", list.Body)
		csrf := webtest.CSRFOf(t, list.Body)
		res := head.Post("/funds/new?org="+itoa(cb.ID), url.Values{"csrf": {csrf}, "kind": {"working"}, "name": {""}, "year": {"2026"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请填写经费名称") {
			t.Fatalf("a fund without a name: %d", res.Status)
		}
		res = head.Post("/funds/new?org="+itoa(cb.ID), url.Values{"csrf": {csrf}, "kind": {"working"}, "name": {"保障激励资金"},
			"year": {"2026"}, "source": {"区财政"}, "rule": {"chengdu"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		loc := res.Location()
		page := head.Get(loc)
		webtest.CheckPage(t, loc, page.Body)
		webtest.Contains(t, "fund", page.Body, "成都:保障激励资金", "100000.00", "宴请")
		if res := head.Post(loc+"/allocate", url.Values{"csrf": {csrf}, "on_date": {"2026-01-10"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("allocate: %d %s", res.Status, res.Body)
		}
		form := head.Get(loc + "/expense")
		webtest.CheckPage(t, "expense form", form.Body)
		post := func(fields map[string]string, file []byte) webtest.Result {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf", csrf)
			for k, v := range fields {
				mw.WriteField(k, v)
			}
			if file != nil {
				fw, _ := mw.CreateFormFile("files", "发票.pdf")
				fw.Write(file)
			}
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, srv.URL()+loc+"/expense", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return head.Do(req)
		}
		x := map[string]string{"amount": "880", "on_date": "2026-05-06", "category": "activity", "payee": "城北饭店", "description": "宴请共建单位"}
		res = post(x, nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "负面清单") || !strings.Contains(res.Body, "城北饭店") {
			t.Fatalf("an expense on the negative list: %d", res.Status)
		}
		x["payee"], x["description"], x["amount"] = "城北文化站", "端午活动物资", "100000.01"
		res = post(x, nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "不能透支") {
			t.Fatalf("an expense beyond the balance: %d", res.Status)
		}
		x["amount"] = "1200.50"
		res = post(x, []byte("%PDF-1.4 invoice"))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("expense: %d %s", res.Status, res.Body)
		}
		page = head.Get(loc)
		webtest.Contains(t, "after the expense", page.Body, "98799.50", "凭证:发票.pdf", "端午活动物资")
		v := regexp.MustCompile(`href="(/funds/entries/\d+/vouchers/\d+)"`).FindStringSubmatch(page.Body)
		if v == nil {
			t.Fatal("no voucher link")
		}
		if got := head.Get(v[1]); got.Status != http.StatusOK || !strings.HasPrefix(got.Body, "%PDF") {
			t.Fatalf("voucher: %d", got.Status)
		}
		e := regexp.MustCompile(`action="(/funds/entries/\d+/reverse)"`).FindStringSubmatch(page.Body)
		if res := head.Post(e[1], url.Values{"csrf": {csrf}, "fund": {strings.TrimPrefix(loc, "/funds/")}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "请写明冲销原因") {
			t.Fatalf("a reversal without a reason: %d", res.Status)
		}
		if res := head.Post(e[1], url.Values{"csrf": {csrf}, "fund": {strings.TrimPrefix(loc, "/funds/")}, "reason": {"录错"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("reverse: %d %s", res.Status, res.Body)
		}
		st := head.Get("/funds/statement?org=" + itoa(cb.ID) + "&period=2026-05")
		webtest.CheckPage(t, "statement", st.Body)
		webtest.Contains(t, "statement", st.Body, "100000.00", "本期没有支出")
		if got := head.Get("/funds/statement.xlsx?org=" + itoa(cb.ID) + "&period=2026Q2"); got.Status != http.StatusOK || !strings.HasPrefix(got.Body, "PK") {
			t.Fatalf("statement sheet: %d", got.Status)
		}

		other := srv.Client()
		other.Login("street")
		sl := other.Get("/funds?org=" + itoa(street.ID))
		webtest.CheckPage(t, "street list", sl.Body)
		webtest.Contains(t, "street list", sl.Body, "城北社区", "保障激励资金")
		if got := other.Get(loc + "/expense"); got.Status != http.StatusForbidden && got.Status != http.StatusNotFound {
			t.Fatalf("the street opened the expense form: %d", got.Status)
		}
	})
}

// TestDemoPages: every page of the demo's year of accounts renders — the
// list, each fund's ledger and budget, its expense form, the statement of
// every month and quarter.
func TestDemoPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 9, 0, 0, 0, workdays.Shanghai)
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		if _, err := funds.LoadDemo(ctx, db, cb.ID, 1, now); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "张书记", "community_head", cb.ID)
		fundsweb.Routes(rt, k, fundsweb.Deps{Funds: funds.NewService(db, func() time.Time { return now })})
		srv := webtest.Serve(t, rt)
		head := srv.Client()
		head.Login("head")
		for _, y := range []string{"2025", "2026"} {
			list := head.Get("/funds?org=" + itoa(cb.ID) + "&year=" + y)
			webtest.CheckPage(t, "list "+y, list.Body)
			for _, m := range regexp.MustCompile(`href="(/funds/\d+)"`).FindAllStringSubmatch(list.Body, -1) {
				page := head.Get(m[1])
				if page.Status != http.StatusOK {
					t.Fatalf("%s: %d", m[1], page.Status)
				}
				webtest.CheckPage(t, m[1], page.Body)
				webtest.CheckPage(t, m[1]+"/expense", head.Get(m[1]+"/expense").Body)
			}
		}
		webtest.Contains(t, "idle", head.Get("/funds?org="+itoa(cb.ID)).Body, "老旧小区微更新专项", "闲置")
		for _, p := range []string{"2026-01", "2026-06", "2026-10", "2026Q1", "2026Q3"} {
			st := head.Get("/funds/statement?org=" + itoa(cb.ID) + "&period=" + p)
			if st.Status != http.StatusOK {
				t.Fatalf("statement %s: %d", p, st.Status)
			}
			webtest.CheckPage(t, "statement "+p, st.Body)
			webtest.Contains(t, "statement "+p, st.Body, "社区保障激励资金", "办公")
		}
	})
}
