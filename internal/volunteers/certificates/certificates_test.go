package certificates

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/verifycode"
)

// published requests a certificate of v for January and February 2026 and
// publishes it on 2026-03-02.
func (f *fixture) published(t *testing.T, v vol) *Certificate {
	t.Helper()
	ctx := context.Background()
	f.setDay(2026, 3, 2)
	c, err := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: v.number, From: "2026-01-01", To: "2026-02-28"})
	if err != nil {
		t.Fatal(err)
	}
	c, err = f.s.Publish(ctx, f.staff, c.ID, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantFault(t *testing.T, err error, kind fault.Kind, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %q", kind, text)
	}
	if fault.KindOf(err) != kind || !strings.Contains(fault.Message(err)+err.Error(), text) {
		t.Fatalf("error %v (%s), want %s containing %q", err, fault.KindOf(err), kind, text)
	}
}

// The notice is published on 2 March and runs seven calendar days, 2 to 8
// March: issuing on day 6 after publication (8 March) is refused with the
// day it may be issued, on day 7 (9 March) it is issued.
func TestNoticeOfSevenDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 120, "义诊")
		f.hours(t, v, "2026-02-14", 90, "义诊")
		f.hours(t, v, "2026-03-01", 60, "义诊") // after the period
		c := f.published(t, v)
		if c.Status != StatusNotice || c.PublishedOn != "2026-03-02" || c.NoticeUntil != "2026-03-08" {
			t.Fatalf("published: %+v", c)
		}
		if c.Minutes != 210 || c.Records != 2 || c.Hours() != "3.5" {
			t.Errorf("published hours %d min in %d rows (%s h), want 210 in 2", c.Minutes, c.Records, c.Hours())
		}
		// Issue before publication is not possible either.
		for day := 2; day <= 8; day++ {
			f.setDay(2026, 3, day)
			_, err := f.s.Issue(ctx, f.staff, c.ID, c.Version)
			wantFault(t, err, fault.Refused, "2026年3月9日起方可出具证明")
		}
		f.setDay(2026, 3, 9)
		got, err := f.s.Issue(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusIssued || got.Number != "城北志证〔2026〕0001号" || got.IssuedOn != "2026-03-09" ||
			got.Handler != "社区小陈" || got.Organ != "城北社区居民委员会" || len(got.VerifyCode) != 12 {
			t.Errorf("issued: %+v", got)
		}
		// A second issue is refused: it is no longer in notice.
		_, err = f.s.Issue(ctx, f.staff, c.ID, got.Version)
		wantFault(t, err, fault.Illegal, "已出具")
		// The stale version is a conflict, not a second certificate.
		_, err = f.s.Revoke(ctx, f.staff, c.ID, c.Version, "重复")
		wantFault(t, err, fault.Conflict, "他人")
	})
}

func TestObjections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 120, "义诊")
		c := f.published(t, v)

		err := f.s.Object(ctx, c.ID, ObjectionForm{Text: " "})
		if fault.FieldsOf(err)["text"] == "" {
			t.Fatalf("an empty objection: %v", err)
		}
		f.setDay(2026, 3, 5)
		if err := f.s.Object(ctx, c.ID, ObjectionForm{Text: "1月10日义诊她并未到场", Contact: "邻居"}); err != nil {
			t.Fatal(err)
		}
		f.setDay(2026, 3, 12)
		_, err = f.s.Issue(ctx, f.staff, c.ID, c.Version)
		wantFault(t, err, fault.Refused, "有1条异议尚未处理")
		// Objections close with the notice.
		wantFault(t, f.s.Object(ctx, c.ID, ObjectionForm{Text: "公示结束后的异议"}), fault.Refused, "不在公示期内")

		d, err := f.s.Open(ctx, f.staff.Scope(PermIssue), c.ID)
		if err != nil || len(d.Objections) != 1 || d.Objections[0].Status != ObjectionOpen {
			t.Fatalf("objections %+v, %v", d.Objections, err)
		}
		_, err = f.s.Decide(ctx, f.staff, c.ID, c.Version, d.Objections[0].ID, false, "")
		if fault.FieldsOf(err)["answer"] == "" {
			t.Fatalf("a decision without answer: %v", err)
		}
		dismissed, err := f.s.Decide(ctx, f.staff, c.ID, c.Version, d.Objections[0].ID, false, "签到记录和核实人证实其到场")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Issue(ctx, f.staff, c.ID, dismissed.Version); err != nil {
			t.Fatalf("issue after the objection was dismissed: %v", err)
		}

		// An objection upheld voids the request, and frees the period.
		w := f.volunteer(t, f.grid2, "赵志强")
		f.hours(t, w, "2026-02-01", 60, "巡逻")
		c2 := f.published(t, w)
		if err := f.s.Object(ctx, c2.ID, ObjectionForm{Text: "时长记录重复了两次"}); err != nil {
			t.Fatal(err)
		}
		d2, _ := f.s.Open(ctx, f.staff.Scope(PermIssue), c2.ID)
		up, err := f.s.Decide(ctx, f.staff, c2.ID, c2.Version, d2.Objections[0].ID, true, "经核实记录有误")
		if err != nil {
			t.Fatal(err)
		}
		if up.Status != StatusRefused || !strings.Contains(up.ClosedReason, "异议成立") {
			t.Errorf("upheld: %+v", up)
		}
		f.setDay(2026, 3, 20)
		_, err = f.s.Issue(ctx, f.staff, c2.ID, up.Version)
		wantFault(t, err, fault.Illegal, "不予出具")
		if _, err := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: w.number, From: "2026-02-01", To: "2026-02-28"}); err != nil {
			t.Errorf("the period of a refused request is not free again: %v", err)
		}
		// Objecting to a certificate not in notice is refused.
		wantFault(t, f.s.Object(ctx, c2.ID, ObjectionForm{Text: "再提一条异议"}), fault.Refused, "不在公示期内")
	})
}

// The hours are those published: a correction of the ledger after issue
// changes nothing on the certificate; one during the notice stops the issue
// until the certificate is published again.
func TestFrozenHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		a := f.hours(t, v, "2026-01-10", 120, "义诊")
		b := f.hours(t, v, "2026-01-20", 60, "健康讲座")
		f.hours(t, v, "2026-01-21", 300, "急救培训", true) // training is not service
		c := f.published(t, v)
		if c.Minutes != 180 {
			t.Fatalf("published %d minutes, want 180 (training apart)", c.Minutes)
		}
		f.reverse(t, v, b, 60)
		f.setDay(2026, 3, 9)
		_, err := f.s.Issue(ctx, f.staff, c.ID, c.Version)
		wantFault(t, err, fault.Refused, "公示3.0小时,现为2.0小时")
		c, err = f.s.Publish(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		if c.Minutes != 120 || c.PublishedOn != "2026-03-09" || c.NoticeUntil != "2026-03-15" {
			t.Fatalf("republished: %+v", c)
		}
		f.setDay(2026, 3, 16)
		c, err = f.s.Issue(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		f.reverse(t, v, a, 120)
		f.hours(t, v, "2026-01-25", 240, "义诊")
		d, err := f.s.Open(ctx, f.staff.Scope(PermIssue), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Minutes != 120 || len(d.Rows) != 1 || d.Rows[0].HoursID != a {
			t.Errorf("after the ledger changed the certificate says %d min, rows %+v", d.Minutes, d.Rows)
		}
		ver, err := f.s.Verify(ctx, c.VerifyCode)
		if err != nil || ver.Hours != "2.0" {
			t.Errorf("verify after the ledger changed: %+v %v", ver, err)
		}
	})
}

func TestOverlapRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 120, "义诊")
		f.hours(t, v, "2026-02-10", 120, "义诊")
		c := f.published(t, v)
		f.setDay(2026, 3, 9)
		c, err := f.s.Issue(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]string{{"2026-02-28", "2026-03-05"}, {"2025-12-01", "2026-01-01"}, {"2026-01-15", "2026-01-20"}} {
			_, err := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: v.number, From: p[0], To: p[1]})
			if msg := fault.FieldsOf(err)["from"]; !strings.Contains(msg, "城北志证〔2026〕0001号") || !strings.Contains(msg, "不能重复证明") {
				t.Errorf("%v overlapping the issued one: %v", p, err)
			}
		}
		// The volunteer asks for themselves: the same rule.
		_, err = f.s.RequestOwn(ctx, v.id, "2026-02-01", "2026-03-05")
		if fault.FieldsOf(err)["from"] == "" {
			t.Errorf("own request overlapping: %v", err)
		}
		// Adjacent periods do not overlap, but one with no service rows is refused.
		_, err = f.s.RequestOwn(ctx, v.id, "2026-03-01", "2026-03-05")
		if !strings.Contains(fault.FieldsOf(err)["to"], "没有志愿服务时长记录") {
			t.Errorf("a period without rows: %v", err)
		}
		f.hours(t, v, "2026-03-03", 30, "义诊")
		own, err := f.s.RequestOwn(ctx, v.id, "2026-03-01", "2026-03-05")
		if err != nil || !own.SelfRequested || own.RequestedBy != "王秀兰(本人)" {
			t.Fatalf("own request: %+v %v", own, err)
		}
		// A revoked certificate frees its period.
		if _, err := f.s.Revoke(ctx, f.staff, c.ID, c.Version, "信息有误"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: v.number, From: "2026-01-01", To: "2026-02-28"}); err != nil {
			t.Errorf("after revocation: %v", err)
		}
	})
}

func TestRequestChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 120, "义诊")
		for _, tc := range []struct {
			form  RequestForm
			field string
			msg   string
		}{
			{RequestForm{From: "2026-01-01", To: "2026-01-31"}, "volunteer", "请填写志愿者编号"},
			{RequestForm{VolunteerNumber: "V0", From: "2026-01-01", To: "2026-01-31"}, "volunteer", "没有这个志愿者编号"},
			{RequestForm{VolunteerNumber: v.number, From: "2026/01/01", To: "2026-01-31"}, "from", "日期格式"},
			{RequestForm{VolunteerNumber: v.number, From: "2026-02-01", To: "2026-01-31"}, "to", "不能早于"},
			{RequestForm{VolunteerNumber: v.number, From: "2026-01-01", To: "2026-12-31"}, "to", "不能晚于今天"},
			{RequestForm{VolunteerNumber: v.number, From: "", To: ""}, "from", "请填写日期"},
		} {
			_, err := f.s.Request(ctx, f.staff, tc.form)
			if got := fault.FieldsOf(err)[tc.field]; !strings.Contains(got, tc.msg) {
				t.Errorf("%+v: %v, want %s: %s", tc.form, err, tc.field, tc.msg)
			}
		}
		// 城南's staff do not see 城北's volunteers.
		_, err := f.s.Request(ctx, f.south, RequestForm{VolunteerNumber: v.number, From: "2026-01-01", To: "2026-01-31"})
		if !strings.Contains(fault.FieldsOf(err)["volunteer"], "没有这个志愿者编号") {
			t.Errorf("out of scope: %v", err)
		}
		c, err := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: v.number, From: "2026-01-01", To: "2026-01-31"})
		if err != nil {
			t.Fatal(err)
		}
		if c.IDMasked != ident.MaskID(v.idNumber) || strings.Contains(c.IDMasked, v.idNumber[6:14]) {
			t.Errorf("masked ID %q", c.IDMasked)
		}
		if _, err := f.s.Get(ctx, f.south.Scope(PermIssue), c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("城南 sees 城北's certificate: %v", err)
		}
		if _, err := f.s.Publish(ctx, f.south, c.ID, c.Version); !errors.Is(err, ErrNotFound) {
			t.Errorf("城南 publishes 城北's certificate: %v", err)
		}
		list, err := f.s.List(ctx, f.staff.Scope(PermIssue), Filter{Text: "王秀"})
		if err != nil || len(list) != 1 {
			t.Errorf("list: %d, %v", len(list), err)
		}
		if _, err := f.s.Refuse(ctx, f.staff, c.ID, c.Version, ""); fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("refuse without reason: %v", err)
		}
	})
}

func TestVerifyAndNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 150, "义诊")
		c := f.published(t, v)

		ns, err := f.s.Notices(ctx, f.cb.ID)
		if err != nil || len(ns) != 1 {
			t.Fatalf("notices %+v %v", ns, err)
		}
		if n := ns[0]; n.Holder != "王**" || n.Hours != "2.5" || n.NoticeUntil != "2026-03-08" || n.Community != "城北社区" ||
			strings.Contains(n.Number, v.number) {
			t.Errorf("notice %+v", n)
		}
		if ns, _ := f.s.Notices(ctx, f.cn.ID); len(ns) != 0 {
			t.Errorf("城南's notices show 城北's: %+v", ns)
		}
		f.setDay(2026, 3, 9)
		if ns, _ := f.s.Notices(ctx, 0); len(ns) != 0 {
			t.Errorf("a notice ended is still shown: %+v", ns)
		}
		c, err = f.s.Issue(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Verify(ctx, strings.ToLower(verifycode.Format(c.VerifyCode)))
		if err != nil {
			t.Fatal(err)
		}
		want := Verification{Valid: true, Status: StatusIssued, Number: "城北志证〔2026〕0001号", Holder: "王**", Hours: "2.5",
			From: "2026-01-01", To: "2026-02-28", Organ: "城北社区居民委员会", IssuedOn: "2026-03-09"}
		if got != want {
			t.Errorf("verify\n got %+v\nwant %+v", got, want)
		}
		wrong := []byte(c.VerifyCode)
		wrong[0] = map[bool]byte{true: 'B', false: 'A'}[wrong[0] == 'A']
		for _, code := range []string{string(wrong), "", "ABCD"} {
			if _, err := f.s.Verify(ctx, code); !errors.Is(err, ErrBadCode) {
				t.Errorf("verify %q: %v", code, err)
			}
		}
		if _, err := f.s.Revoke(ctx, f.staff, c.ID, c.Version, "信息有误"); err != nil {
			t.Fatal(err)
		}
		got, err = f.s.Verify(ctx, c.VerifyCode)
		if err != nil || got.Valid || got.Status != StatusRevoked || got.RevokedOn != "2026-03-09" {
			t.Errorf("revoked: %+v %v", got, err)
		}
	})
}

// The certificate reads back as laid out, names what 民发〔2015〕149号
// asks, and its QR leads to the verify page of its code.
func TestCertificatePDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		f.hours(t, v, "2026-01-10", 120, "义诊")
		f.hours(t, v, "2026-01-17", 90, "义诊")
		f.hours(t, v, "2026-02-03", 45, "健康讲座")
		c := f.published(t, v)
		f.setDay(2026, 3, 9)
		c, err := f.s.Issue(ctx, f.staff, c.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.s.Open(ctx, f.staff.Scope(PermIssue), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := f.s.PDF(d)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := doc.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		text := squeeze(pdftest.SameText(t, pdf, doc.Laid()))
		w, h := doc.PageSize()
		pdftest.Layout(t, doc.Boxes(), w, h)
		for _, want := range []string{"志愿服务记录证明", "城北志证〔2026〕0001号", "王秀兰", ident.MaskID(v.idNumber), v.number,
			"2026年1月1日至2026年2月28日", "累计志愿服务时长4.3小时", "医疗服务队", "义诊", "3.5", "健康讲座", "0.8",
			"2026年3月2日至2026年3月8日", "经办人:社区小陈", "城北社区居民委员会(盖章)", "2026年3月9日",
			verifycode.Format(c.VerifyCode)} {
			if !strings.Contains(text, squeeze(want)) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, v.idNumber) {
			t.Error("the certificate prints the full ID number")
		}
		codes := pdftest.QRCodes(t, pdftest.Render(t, pdf, 1, 150))
		if len(codes) != 1 || codes[0] != "https://shequ.example/volunteer-certificates/verify?code="+verifycode.Format(c.VerifyCode) {
			t.Errorf("QR codes %q", codes)
		}
		// Before issue there is nothing to print.
		w2 := f.volunteer(t, f.grid1, "赵志强")
		f.hours(t, w2, "2026-01-10", 60, "巡逻")
		c2, _ := f.s.Request(ctx, f.staff, RequestForm{VolunteerNumber: w2.number, From: "2026-01-01", To: "2026-01-31"})
		d2, _ := f.s.Open(ctx, f.staff.Scope(PermIssue), c2.ID)
		if _, err := f.s.PDF(d2); !fault.Is(err, fault.Illegal) {
			t.Errorf("PDF of a request: %v", err)
		}
	})
}

func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// The export's layout: a byte-order mark, the documented header, one line
// per standing service row with the full ID number; reversed rows and
// training left out; only the unit's volunteers, and only in the
// exporter's scope.
func TestExportLayout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.volunteer(t, f.grid1, "王秀兰")
		w := f.volunteer(t, f.grid2, "赵志强")
		s := f.volunteer(t, f.cn, "孙南")
		a := f.hours(t, v, "2026-01-10", 120, "义诊")
		b := f.hours(t, v, "2026-01-11", 50, "义诊")
		f.reverse(t, v, b, 50)
		f.hours(t, v, "2026-01-12", 300, "培训", true)
		c := f.hours(t, w, "2026-02-01", 95, "巡逻")
		f.hours(t, w, "2025-12-31", 60, "巡逻") // before the period
		f.hours(t, s, "2026-01-10", 60, "城南的服务")
		f.s.UseActivityNames(func(_ context.Context, ids []int64) (map[int64]string, error) {
			return map[int64]string{}, nil
		})

		if _, err := f.s.Export(ctx, f.staff.Scope(PermExport), ExportQuery{Org: f.cb.ID, From: "2026-01-01", To: "2026-02-28"}); fault.FieldsOf(err)["org"] == "" {
			t.Errorf("community_staff may not export: %v", err)
		}
		if _, err := f.s.Export(ctx, f.head.Scope(PermExport), ExportQuery{Org: f.cn.ID, From: "2026-01-01", To: "2026-02-28"}); fault.FieldsOf(err)["org"] == "" {
			t.Errorf("城北's head exports 城南: %v", err)
		}
		rows, err := f.s.Export(ctx, f.head.Scope(PermExport), ExportQuery{Org: f.cb.ID, From: "2026-01-01", To: "2026-02-28"})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Error("no byte-order mark")
		}
		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"志愿者编号", "姓名", "证件类型", "证件号码", "服务日期", "开始时间", "结束时间", "服务时长(小时)", "服务内容", "活动名称", "服务队", "核实人", "记录编号", "所属社区"},
			{v.number, "王秀兰", "居民身份证", v.idNumber, "2026-01-10", "09:00", "11:00", "2.0", "义诊", "", "医疗服务队", "张医生", itoa64(a), "城北社区"},
			{w.number, "赵志强", "居民身份证", w.idNumber, "2026-02-01", "09:00", "11:00", "1.6", "巡逻", "", "医疗服务队", "张医生", itoa64(c), "城北社区"},
		}
		if len(recs) != len(want) {
			t.Fatalf("%d lines, want %d:\n%s", len(recs), len(want), buf.String())
		}
		for i := range want {
			if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("line %d\n got %q\nwant %q", i, recs[i], want[i])
			}
		}
		// The street's export holds both communities for its operator … by
		// the grid's export only the grid's.
		rows, err = f.s.Export(ctx, access.Everything, ExportQuery{Org: f.grid2.ID, From: "2026-01-01", To: "2026-02-28"})
		if err != nil || len(rows) != 1 || rows[0].Name != "赵志强" {
			t.Errorf("grid export: %+v %v", rows, err)
		}
		rows, err = f.s.Export(ctx, access.Everything, ExportQuery{Org: f.street.ID, From: "2026-01-01", To: "2026-02-28"})
		if err != nil || len(rows) != 3 {
			t.Errorf("street export: %d rows %v", len(rows), err)
		}
		if _, err := f.s.Export(ctx, access.Everything, ExportQuery{Org: f.cb.ID, From: "2026-03-01", To: "2026-01-01"}); fault.FieldsOf(err)["to"] == "" {
			t.Errorf("a period backwards: %v", err)
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
