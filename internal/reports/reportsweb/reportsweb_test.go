package reportsweb_test

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

	"github.com/xuri/excelize/v2"

	"shequ/internal/events"
	"shequ/internal/indicators"
	"shequ/internal/reports"
	"shequ/internal/services"
)

// TestReportPages: an administrator edits indicators (errors at the field,
// a stale save refused, a 试算) and rules; 城北's head opens the report,
// types a manual value (a wrong one refused at its field), signs the month
// off, and a street cannot be signed for.
func TestReportPages(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if _, err := reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource).InstallSample(ctx); err != nil {
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
	tpl, err := reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource).Template(ctx, reports.SampleCode)
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
	if tpl, _ = reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource).Template(ctx, reports.SampleCode); tpl.Items()[1].Cell != "H200" ||
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

// postFile sends a multipart form with one file, as a browser's upload.
func (c *client) postFile(path string, form url.Values, field, name string, data []byte) result {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.fx.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestReportTemplateAdmin: an administrator sets up a department's form
// in the browser — a template, a 大类, a 小类 and an item, the
// department's blank xlsx — and the report's Excel is that form with the
// value in its cell; refusals and conflicts are shown where they belong,
// and nobody else may change templates.
func TestReportTemplateAdmin(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	svc := reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
	if _, err := svc.InstallSample(ctx); err != nil {
		t.Fatal(err)
	}
	fx.addUser("boss", "管理员", "admin")
	fx.addUser("head", "城北书记", "community_head", fx.cb.ID)
	admin := fx.client()
	csrf := admin.login("boss")

	r := admin.get("/reports")
	contains(t, "reports index", r.body, `href="/reports/templates/new"`)
	form := url.Values{"csrf": {csrf}, "code": {"9MZ"}, "name": {"民政季报"}, "frequency": {"quarter"}, "department": {"civil"},
		"sheet": {"季报"}, "title_cell": {"A1"}, "unit_cell": {"A2"}, "period_cell": {"Z"}}
	r = admin.post("/reports/templates/new", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad code: %d", r.status)
	}
	contains(t, "bad template", r.body, `id="err-code"`, "应以字母开头", `id="err-period_cell"`, "单元格「Z」无效")
	form.Set("code", "MZ-Q")
	form.Set("period_cell", "D2")
	r = admin.post("/reports/templates/new", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	page := r.location()
	tpl, err := svc.Template(ctx, "MZ-Q")
	if err != nil {
		t.Fatal(err)
	}
	base := "/reports/templates/" + id(tpl.ID)
	if page != base {
		t.Errorf("after creating: %s", page)
	}
	r = admin.get(page)
	contains(t, "new template", r.body, "民政季报", "还没有大类", `id="f-add-0"`, "上传空白报表")

	// 大类 and 小类: an empty name refused at its field, a stale form shown
	// as a conflict.
	v := func() string {
		t.Helper()
		tp, err := svc.Template(ctx, "MZ-Q")
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(tp.Version)
	}
	r = admin.post(base+"/sections", url.Values{"csrf": {csrf}, "version": {v()}, "name": {" "}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty 大类: %d", r.status)
	}
	contains(t, "empty name", r.body, `id="err-add-0"`, "请填写大类名称", `href="#f-add-0"`)
	if r = admin.post(base+"/sections", url.Values{"csrf": {csrf}, "version": {v()}, "name": {"人口"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add 大类: %d", r.status)
	}
	tpl, _ = svc.Template(ctx, "MZ-Q")
	cat := tpl.Sections[0]
	if !strings.Contains(r.location(), "open="+id(cat.ID)) {
		t.Errorf("after adding: %s", r.location())
	}
	stale := v()
	if r = admin.post(base+"/sections", url.Values{"csrf": {csrf}, "version": {stale}, "parent": {id(cat.ID)}, "name": {"合计"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add 小类: %d", r.status)
	}
	r = admin.post(base+"/sections", url.Values{"csrf": {csrf}, "version": {stale}, "parent": {id(cat.ID)}, "name": {"另一个"}})
	if r.status != http.StatusConflict {
		t.Errorf("a stale add: %d", r.status)
	}
	contains(t, "stale add", r.body, "未保存:模板已被他人修改", "管理员")
	tpl, _ = svc.Template(ctx, "MZ-Q")
	sub := tpl.Sections[0].Subs[0].ID
	r = admin.post(base+"/sections/"+id(sub)+"/new", url.Values{"csrf": {csrf}, "version": {v()}, "indicator": {"A001"},
		"frequency": {"quarter"}, "cell": {"C5"}, "action": {"save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add item: %d\n%s", r.status, r.body)
	}
	r = admin.get(r.location())
	contains(t, "template with an item", r.body, "人口", "合计", "实有人口", "C5", "在「人口」中添加小类")
	r = admin.post(base+"/sections/"+id(cat.ID)+"/delete", url.Values{"csrf": {csrf}, "version": {v()}})
	if r.status != http.StatusConflict {
		t.Errorf("delete a 大类 with a 小类: %d", r.status)
	}
	contains(t, "refused delete", r.body, "大类「人口」下还有 1 个小类,不能删除", `href="#s-`+id(cat.ID)+`"`)
	r = admin.post(base+"/sections/"+id(sub)+"/edit", url.Values{"csrf": {csrf}, "version": {v()}, "name": {"小计"}})
	if r.status != http.StatusSeeOther {
		t.Errorf("rename: %d", r.status)
	}

	// The blank form: a csv refused at the field, the department's xlsx
	// kept and filled in by the export.
	r = admin.postFile(base+"/form", url.Values{"csrf": {csrf}, "version": {v()}}, "file", "名单.csv", []byte("姓名,电话\n"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a csv as the blank form: %d", r.status)
	}
	contains(t, "csv form", r.body, `id="err-file"`, "这不是 xlsx 文件")
	x := excelize.NewFile()
	x.SetSheetName("Sheet1", "季报")
	x.SetCellValue("季报", "A2", "填报单位:")
	x.SetCellValue("季报", "B5", "实有人口(人)")
	x.SetCellValue("季报", "A20", "填表人:")
	var blank bytes.Buffer
	x.WriteTo(&blank)
	r = admin.postFile(base+"/form", url.Values{"csrf": {csrf}, "version": {v()}}, "file", `C:\表格\民政季报.xlsx`, blank.Bytes())
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	r = admin.get(base)
	contains(t, "template with a form", r.body, "民政季报.xlsx", "删除空白报表", "换一个空白报表")
	if r = admin.get(base + "/form"); r.status != http.StatusOK || r.body != blank.String() {
		t.Errorf("download the blank form: %d, %d bytes", r.status, len(r.body))
	}
	p := indicators.Current(indicators.Quarterly, time.Now()).Previous()
	rep, err := svc.Compute(ctx, "MZ-Q", fx.cb.ID, p, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The page's links keep the template and the period.
	r = admin.get("/reports/units/" + id(fx.cb.ID) + "?" + url.Values{"t": {"MZ-Q"}, "period": {p.String()}}.Encode())
	contains(t, "report links", r.body, "/export?period="+p.String()+"&amp;t=MZ-Q&amp;format=xlsx",
		"/ledger?period="+p.String()+"&amp;t=MZ-Q&amp;item=A001")
	r = admin.get("/reports/units/" + id(fx.cb.ID) + "/export?" + url.Values{"t": {"MZ-Q"}, "period": {p.String()}, "format": {"xlsx"}}.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("export: %d", r.status)
	}
	out, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]string{"C5": reports.FormatValue(rep.Row("A001").Value, ""), "B5": "实有人口(人)",
		"A2": "填报单位:城北社区", "A1": "民政季报", "A20": "填表人:"} {
		if got, _ := out.GetCellValue("季报", cell); got != want {
			t.Errorf("exported %s = %q, want %q", cell, got, want)
		}
	}

	// The header: a stale save conflicts; the sheet must stay the form's.
	edit := admin.get(base + "/edit")
	contains(t, "header form", edit.body, `value="MZ-Q"`, "删除「民政季报」")
	hv := versionOf(t, edit.body)
	header := url.Values{"csrf": {csrf}, "version": {hv}, "code": {"MZ-Q"}, "name": {"民政季度报表"}, "frequency": {"quarter"},
		"sheet": {"季报"}, "title_cell": {"A1"}, "unit_cell": {"A2"}, "period_cell": {"D2"}}
	header.Set("sheet", "Sheet9")
	if r = admin.post(base+"/edit", header); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a sheet the form lacks: %d", r.status)
	}
	contains(t, "sheet the form lacks", r.body, `id="err-sheet"`, "没有工作表「Sheet9」")
	header.Set("sheet", "季报")
	if r = admin.post(base+"/edit", header); r.status != http.StatusSeeOther {
		t.Fatalf("header save: %d\n%s", r.status, r.body)
	}
	if r = admin.post(base+"/edit", header); r.status != http.StatusConflict {
		t.Errorf("a stale header save: %d", r.status)
	}

	// Nobody else changes templates.
	head := fx.client()
	hcsrf := head.login("head")
	for _, path := range []string{"/reports/templates/new", base + "/sections", base + "/form/delete", base + "/delete"} {
		if r := head.post(path, url.Values{"csrf": {hcsrf}, "version": {v()}, "name": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("community head POST %s: %d", path, r.status)
		}
	}
	if r := head.get(base + "/form"); r.status != http.StatusForbidden {
		t.Errorf("community head downloads the blank form: %d", r.status)
	}

	// Removing: the form, the item (from the template's page), the
	// sections, the template; never the sample.
	if r = admin.post(base+"/form/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.status != http.StatusSeeOther {
		t.Errorf("remove the form: %d", r.status)
	}
	if r = admin.get(base + "/form"); r.status != http.StatusNotFound {
		t.Errorf("the removed form: %d", r.status)
	}
	tpl, _ = svc.Template(ctx, "MZ-Q")
	r = admin.get(base)
	itemDel := base + "/items/" + id(tpl.Items()[0].ID) + "/delete"
	contains(t, "item delete button", r.body, `formaction="`+itemDel+`"`)
	if r = admin.post(itemDel, url.Values{"csrf": {csrf}, "version": {v()}}); r.status != http.StatusSeeOther {
		t.Errorf("delete the item: %d", r.status)
	}
	for _, s := range []int64{sub, cat.ID} {
		if r = admin.post(base+"/sections/"+id(s)+"/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.status != http.StatusSeeOther {
			t.Errorf("delete section %d: %d\n%s", s, r.status, r.body)
		}
	}
	sample, _ := svc.Template(ctx, reports.SampleCode)
	r = admin.post("/reports/templates/"+id(sample.ID)+"/delete", url.Values{"csrf": {csrf}, "version": {strconv.Itoa(sample.Version)}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "示例模板不能删除") {
		t.Errorf("delete the sample: %d", r.status)
	}
	if r = admin.post(base+"/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.status != http.StatusSeeOther || r.location() != "/reports" {
		t.Errorf("delete the template: %d %s", r.status, r.location())
	}
	if _, err := svc.Template(ctx, "MZ-Q"); err != reports.ErrNotFound {
		t.Errorf("the deleted template: %v", err)
	}
}
