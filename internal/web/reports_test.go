package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/indicators"
	"shequ/internal/reports"
)

// TestReportPages: an administrator edits indicators (errors at the field,
// a stale save refused, a 试算) and rules; 城北's head opens the report,
// types a manual value (a wrong one refused at its field), signs the month
// off, and a street cannot be signed for.
func TestReportPages(t *testing.T) {
	fx := newFixture(t, false)
	ctx := context.Background()
	if _, err := reports.New(fx.db, nil).InstallSample(ctx); err != nil {
		t.Fatal(err)
	}
	fx.addUser("boss", "管理员", "admin")
	fx.addUser("head", "城北书记", "community_head", fx.cb.ID)
	period := indicators.Current(indicators.Monthly, time.Now()).String()

	admin := fx.client()
	csrf := admin.login("boss")
	r := admin.get("/reports/indicators?q=低保")
	contains(t, "indicator list", r.body, "低保人数", "标签 含 低保")
	form := url.Values{"csrf": {csrf}, "code": {"Z001"}, "name": {"60岁以上女性"}, "entity": {"人口"},
		"filter": {"性别 = 妇女 且 年龄 >= 60"}, "measure": {"count"}, "rule": {"end"}, "action": {"save"}}
	r = admin.post("/reports/indicators/new", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad filter: %d", r.status)
	}
	contains(t, "bad filter", r.body, "第 6 个字符处", "没有取值「妇女」", `id="err-filter"`, `aria-invalid="true"`)
	form.Set("filter", "性别 = 女 且 年龄 >= 60")
	form.Set("action", "preview")
	r = admin.post("/reports/indicators/new", form)
	contains(t, "preview", r.body, "试算结果")
	form.Set("action", "save")
	if r = admin.post("/reports/indicators/new", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	edit := admin.get("/reports/indicators/Z001/edit")
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(edit.body)
	if version == nil || version[1] != "1" {
		t.Fatalf("edit form version %v", version)
	}
	form.Set("version", "1")
	form.Set("name", "60岁及以上女性")
	if r = admin.post("/reports/indicators/Z001/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	form.Set("name", "晚了一步")
	if r = admin.post("/reports/indicators/Z001/edit", form); r.status != http.StatusConflict || !strings.Contains(r.body, "保存冲突") {
		t.Errorf("a stale edit: %d", r.status)
	}
	r = admin.post("/reports/rules", url.Values{"csrf": {csrf}, "expr": {"A001 <= "}, "message": {"x"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "右边缺少") {
		t.Errorf("a bad rule: %d", r.status)
	}

	// A template item: a cell another item uses is refused at the field.
	tpl, err := reports.New(fx.db, nil).Template(ctx, reports.SampleCode)
	if err != nil {
		t.Fatal(err)
	}
	items := tpl.Items()
	itemPath := "/reports/templates/" + id(tpl.ID) + "/items/" + id(items[1].ID) + "/edit"
	r = admin.get(itemPath)
	contains(t, "item form", r.body, items[1].Label, `value="`+items[1].Cell+`"`)
	itemForm := url.Values{"csrf": {csrf}, "version": {"1"}, "indicator": {items[1].Indicator}, "label": {items[1].Label},
		"department": {"civil"}, "frequency": {"quarter"}, "cell": {items[0].Cell}, "action": {"save"}}
	r = admin.post(itemPath, itemForm)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "已用于") {
		t.Errorf("a cell used twice: %d", r.status)
	}
	itemForm.Set("cell", "H200")
	if r = admin.post(itemPath, itemForm); r.status != http.StatusSeeOther {
		t.Fatalf("item save: %d\n%s", r.status, r.body)
	}
	if tpl, _ = reports.New(fx.db, nil).Template(ctx, reports.SampleCode); tpl.Items()[1].Cell != "H200" ||
		tpl.Items()[1].Frequency != "quarter" || tpl.Items()[1].Department != "civil" || tpl.Version != 2 {
		t.Errorf("item after the edit: %+v (template version %d)", tpl.Items()[1], tpl.Version)
	}
	if r = admin.post(itemPath, itemForm); r.status != http.StatusConflict {
		t.Errorf("a stale item edit: %d", r.status)
	}

	head := fx.client()
	csrf = head.login("head")
	base := "/reports/units/" + id(fx.cb.ID)
	q := url.Values{"t": {reports.SampleCode}, "period": {period}}
	r = head.get(base + "?" + q.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("report: %d", r.status)
	}
	contains(t, "report", r.body, "城北社区", "实有人口", "未确认", "填报手工项")
	lacks(t, "report", r.body, "社区确认情况") // a community has no communities below
	r = head.get(base + "/manual?" + q.Encode())
	code := regexp.MustCompile(`name="v_([A-Z0-9]+)"`).FindStringSubmatch(r.body)
	if code == nil {
		t.Fatalf("no manual item in the form:\n%s", r.body)
	}
	form = url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "v_" + code[1]: {"十二"}}
	if r = head.post(base+"/manual", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写数字") {
		t.Errorf("a value that is not a number: %d", r.status)
	}
	form.Set("v_"+code[1], "12")
	if r = head.post(base+"/manual", form); r.status != http.StatusSeeOther {
		t.Fatalf("manual save: %d\n%s", r.status, r.body)
	}
	r = head.post(base+"/signoff", url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "note": {"已核对"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign-off: %d", r.status)
	}
	r = head.get(r.location())
	contains(t, "signed report", r.body, "已确认", "城北书记", "已核对", "重算结果与确认时一致")
	r = head.post("/reports/units/"+id(fx.street.ID)+"/signoff", url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}})
	if r.status == http.StatusSeeOther {
		t.Error("a community head signed for the street")
	}
	// The street's operator sees who confirmed.
	fx.addUser("street", "街道平台", "street_operator", fx.street.ID)
	op := fx.client()
	op.login("street")
	r = op.get("/reports/units/" + id(fx.street.ID) + "?" + q.Encode())
	contains(t, "street report", r.body, "社区确认情况(1/2)", "城北书记")
}
