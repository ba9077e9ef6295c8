package workaccessweb_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
	"shequ/internal/workdays"
)

// postMultipart sends fields and a file as a browser sends a form with
// enctype="multipart/form-data".
func postMultipart(t *testing.T, c *webtest.Client, srv *webtest.Server, path string, fields url.Values, name string, file []byte) webtest.Result {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// TestFundsPage: a community's staff record a payment with its scanned
// voucher (refused at the field first: three decimals, another community),
// reverse it with a reason and see the sums exact; the street sees its
// communities' payments side by side with totals per department; another
// community reads neither the entries nor the voucher. The navigation
// lands the community on its inbox and a department on the catalogue.
func TestFundsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		nan := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城南社区"}
		for _, u := range []*orgtree.Unit{&cb, &nan} {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "street", "街道小李", "street_operator", street.ID)
		webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		webtest.AddUser(t, k, "nan", "城南小赵", "community_staff", nan.ID)
		webtest.AddUser(t, k, "civil", "民政小王", "dept_civil", street.ID)
		webtest.AddUser(t, k, "auditor", "审计小周", "auditor")
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, workdays.Shanghai)
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: workaccess.NewService(db, func() time.Time { return now })})
		srv := webtest.Serve(t, rt)
		staff, streetC, other, civil, auditor := srv.Client(), srv.Client(), srv.Client(), srv.Client(), srv.Client()
		staff.Login("staff")
		streetC.Login("street")
		other.Login("nan")
		civil.Login("civil")
		auditor.Login("auditor")

		list := fmt.Sprintf("/work-funds?org=%d&from=2026-10&to=2026-10", cb.ID)
		r := staff.Get(list)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", list, r.Status)
		}
		webtest.Contains(t, "empty funds page", r.Body, "城北社区 费随事转到账", "登记到账", "没有符合条件的记录", `enctype="multipart/form-data"`)
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "org": {fmt.Sprint(cb.ID)}, "department": {"civil"},
			"community": {fmt.Sprint(cb.ID)}, "amount": {"1250.505"}, "received_on": {"2026-10-20"}, "voucher": {"民拨〔2026〕12号"}}
		r = postMultipart(t, staff, srv, "/work-funds", form, "凭证.pdf", pdf)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("three decimals: %d", r.Status)
		}
		webtest.Contains(t, "three decimals", r.Body, "金额应为大于 0 的元数,最多两位小数", `value="1250.505"`)
		form.Set("amount", "1250.50")
		form.Set("community", fmt.Sprint(nan.ID))
		if r := postMultipart(t, staff, srv, "/work-funds", form, "凭证.pdf", pdf); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("another community: %d", r.Status)
		} else {
			webtest.Contains(t, "another community", r.Body, "只能登记本人负责范围内社区的到账经费")
		}
		form.Set("community", fmt.Sprint(cb.ID))
		if r := postMultipart(t, staff, srv, "/work-funds", form, "凭证.gif", []byte("GIF89a")); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a gif: %d", r.Status)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_funds`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d entries saved by refused forms", n)
		}
		if r := postMultipart(t, staff, srv, "/work-funds", form, "凭证.pdf", pdf); r.Status != http.StatusSeeOther {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		r = staff.Get(list)
		webtest.Contains(t, "recorded", r.Body, "1250.50", "民拨〔2026〕12号", "扫描件", "冲销这条记录")
		fund := regexp.MustCompile(`/work-funds/(\d+)/voucher`).FindStringSubmatch(r.Body)[1]
		if v := staff.Get("/work-funds/" + fund + "/voucher"); v.Status != http.StatusOK || v.Body != string(pdf) ||
			v.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("voucher: %d %q", v.Status, v.Header.Get("Content-Type"))
		}
		if v := other.Get("/work-funds/" + fund + "/voucher"); v.Status != http.StatusNotFound {
			t.Errorf("another community's voucher: %d", v.Status)
		}
		if v := other.Get(list); v.Status != http.StatusNotFound {
			t.Errorf("another community's funds: %d", v.Status)
		}

		// Reversed, with a reason; the entry stays, the sum is 0.00.
		rev := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "org": {fmt.Sprint(cb.ID)}}
		r = staff.Post("/work-funds/"+fund+"/reverse", rev)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("reversed without reason: %d", r.Status)
		}
		webtest.Contains(t, "reversal without reason", r.Body, "请写明冲销原因")
		rev.Set("note-"+fund, "金额应为 125.05 元")
		if r := other.Post("/work-funds/"+fund+"/reverse", url.Values{"csrf": {other.CSRF("/work-funds")}, "note-" + fund: {"x"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("another community reverses: %d", r.Status)
		}
		if r := staff.Post("/work-funds/"+fund+"/reverse", rev); r.Status != http.StatusSeeOther {
			t.Fatalf("reverse: %d %s", r.Status, r.Body)
		}
		if r := staff.Post("/work-funds/"+fund+"/reverse", rev); r.Status != http.StatusConflict {
			t.Errorf("reversed twice: %d", r.Status)
		}
		r = staff.Get(list)
		webtest.Contains(t, "reversed", r.Body, "各部门合计:0.00 元", "-1250.50", "已冲销", "金额应为 125.05 元")

		// The street records for any of its communities and reads them all.
		form.Set("csrf", streetC.CSRF("/work-funds?org="+fmt.Sprint(street.ID)))
		form.Set("community", fmt.Sprint(nan.ID))
		form.Set("amount", "125.05")
		form.Set("org", fmt.Sprint(street.ID))
		if r := postMultipart(t, streetC, srv, "/work-funds", form, "", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("street records: %d %s", r.Status, r.Body)
		}
		r = streetC.Get(fmt.Sprintf("/work-funds?org=%d&from=2026-10&to=2026-10", street.ID))
		webtest.Contains(t, "street", r.Body, "城北社区", "城南社区", "各部门合计:125.05 元", "民政")
		r = streetC.Get(fmt.Sprintf("/work-funds?org=%d&from=2026-10&to=2026-10&community=%d", street.ID, cb.ID))
		webtest.Contains(t, "street, one community", r.Body, "各部门合计:0.00 元")
		if r := streetC.Get(fmt.Sprintf("/work-funds?org=%d&from=2026-13", street.ID)); r.Status == http.StatusOK {
			t.Errorf("bad month: %d", r.Status)
		}
		// Linked from the burden and from the work recorded.
		webtest.Contains(t, "burden links", staff.Get(fmt.Sprintf("/work-burden?org=%d&period=2026-10", cb.ID)).Body, "/work-funds?org=")
		webtest.Contains(t, "work-done links", staff.Get(fmt.Sprintf("/work-done?org=%d&period=2026-10", cb.ID)).Body, "/work-funds?org=")

		// The navigation: the community lands on its inbox, the department
		// on the catalogue, a user with no part in work access sees none.
		nav := regexp.MustCompile(`<a href="([^"]+)"( aria-current="page")?>工作准入</a>`)
		for _, c := range []struct {
			who  *webtest.Client
			name string
			want string
		}{{staff, "staff", "/demands"}, {civil, "civil", "/work-items"}, {streetC, "street", "/work-items"}, {auditor, "auditor", ""}} {
			got := ""
			if m := nav.FindStringSubmatch(c.who.Get("/work-items").Body); m != nil {
				got = m[1]
			}
			if got != c.want {
				t.Errorf("%s's work-access entry: %q, want %q", c.name, got, c.want)
			}
		}
	})
}
