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
	"shequ/internal/web/webtest"
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

	admin := fx.srv.Client()
	admin.Login("boss")
	csrf := admin.CSRF("/reports")
	r := admin.Get("/reports/indicators?q=低保")
	webtest.Contains(t, "indicator list", r.Body, "低保人数", "标签 含 低保")
	form := url.Values{"csrf": {csrf}, "code": {"Z001"}, "name": {"60岁以上女性"}, "entity": {"人口"},
		"filter": {"性别 = 妇女 且 年龄 >= 60"}, "measure": {"count"}, "rule": {"end"}, "action": {"save"}}
	r = admin.Post("/reports/indicators/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad filter: %d", r.Status)
	}
	webtest.Contains(t, "bad filter", r.Body, "第 6 个字符处", "没有取值「妇女」", `id="err-filter"`, `aria-invalid="true"`)
	form.Set("filter", "性别 = 女 且 年龄 >= 60")
	form.Set("action", "preview")
	r = admin.Post("/reports/indicators/new", form)
	webtest.Contains(t, "preview", r.Body, "试算结果")
	form.Set("action", "save")
	if r = admin.Post("/reports/indicators/new", form); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.Status, r.Body)
	}
	edit := admin.Get("/reports/indicators/Z001/edit")
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(edit.Body)
	if version == nil || version[1] != "1" {
		t.Fatalf("edit form version %v", version)
	}
	form.Set("version", "1")
	form.Set("name", "60岁及以上女性")
	if r = admin.Post("/reports/indicators/Z001/edit", form); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	form.Set("name", "晚了一步")
	if r = admin.Post("/reports/indicators/Z001/edit", form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "保存冲突") {
		t.Errorf("a stale edit: %d", r.Status)
	}
	r = admin.Post("/reports/rules", url.Values{"csrf": {csrf}, "expr": {"A001 <= "}, "message": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "右边缺少") {
		t.Errorf("a bad rule: %d", r.Status)
	}

	// A template item: a cell another item uses is refused at the field.
	tpl, err := reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource).Template(ctx, reports.SampleCode)
	if err != nil {
		t.Fatal(err)
	}
	items := tpl.Items()
	itemPath := "/reports/templates/" + id(tpl.ID) + "/items/" + id(items[1].ID) + "/edit"
	r = admin.Get(itemPath)
	webtest.Contains(t, "item form", r.Body, items[1].Label, `value="`+items[1].Cell+`"`)
	itemForm := url.Values{"csrf": {csrf}, "version": {"1"}, "indicator": {items[1].Indicator}, "label": {items[1].Label},
		"department": {"civil"}, "frequency": {"quarter"}, "cell": {items[0].Cell}, "action": {"save"}}
	r = admin.Post(itemPath, itemForm)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "已用于") {
		t.Errorf("a cell used twice: %d", r.Status)
	}
	itemForm.Set("cell", "H200")
	if r = admin.Post(itemPath, itemForm); r.Status != http.StatusSeeOther {
		t.Fatalf("item save: %d\n%s", r.Status, r.Body)
	}
	if tpl, _ = reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource).Template(ctx, reports.SampleCode); tpl.Items()[1].Cell != "H200" ||
		tpl.Items()[1].Frequency != "quarter" || tpl.Items()[1].Department != "civil" || tpl.Version != 2 {
		t.Errorf("item after the edit: %+v (template version %d)", tpl.Items()[1], tpl.Version)
	}
	if r = admin.Post(itemPath, itemForm); r.Status != http.StatusConflict {
		t.Errorf("a stale item edit: %d", r.Status)
	}

	head := fx.srv.Client()
	head.Login("head")
	csrf = head.CSRF("/reports")
	base := "/reports/units/" + id(fx.cb.ID)
	q := url.Values{"t": {reports.SampleCode}, "period": {period}}
	r = head.Get(base + "?" + q.Encode())
	if r.Status != http.StatusOK {
		t.Fatalf("report: %d", r.Status)
	}
	webtest.Contains(t, "report", r.Body, "城北社区", "实有人口", "未确认", "填报手工项")
	// 性别比 is a bare number with two decimals, a share a percentage.
	ratio := regexp.MustCompile(`A013</span> 性别比\(女性=100\)</td>\s*<td[^>]*>(?:<a[^>]*>)?([^<]*)(?:</a>)? <span class="muted small">([^<]*)</span>`).FindStringSubmatch(r.Body)
	share := regexp.MustCompile(`A006</span> [^<]*</td>\s*<td[^>]*>(?:<a[^>]*>)?([^<]*)(?:</a>)? <span class="muted small">([^<]*)</span>`).FindStringSubmatch(r.Body)
	if ratio == nil || share == nil || !regexp.MustCompile(`^\d+\.\d\d$|^—$`).MatchString(ratio[1]) || ratio[2] != "" || share[2] != "%" {
		t.Errorf("性别比 %q, 占比 %q on the page", ratio, share)
	}
	webtest.Lacks(t, "report", r.Body, "社区确认情况") // a community has no communities below
	r = head.Get(base + "/manual?" + q.Encode())
	code := regexp.MustCompile(`name="v_([A-Z0-9]+)"`).FindStringSubmatch(r.Body)
	if code == nil {
		t.Fatalf("no manual item in the form:\n%s", r.Body)
	}
	form = url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "v_" + code[1]: {"十二"}}
	if r = head.Post(base+"/manual", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请填写数字") {
		t.Errorf("a value that is not a number: %d", r.Status)
	}
	form.Set("v_"+code[1], "12")
	if r = head.Post(base+"/manual", form); r.Status != http.StatusSeeOther {
		t.Fatalf("manual save: %d\n%s", r.Status, r.Body)
	}
	// The other manual items are still empty: the sign-off is refused, each
	// named at its field on the form where it can be entered or marked 无.
	r = head.Post(base+"/signoff", url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "note": {"已核对"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign-off with empty manual items: %d", r.Status)
	}
	empty := regexp.MustCompile(`<p class="field-error" id="err-([A-Z0-9]+)">「([^」]+)」未填报`).FindAllStringSubmatch(r.Body, -1)
	if len(empty) < 2 {
		t.Fatalf("the refused sign-off names %d items:\n%s", len(empty), r.Body)
	}
	webtest.Contains(t, "refused sign-off", r.Body, "个手工项未填报,不能确认", "「"+empty[0][2]+"」", `name="none_`+empty[0][1]+`"`, "无(本期没有发生)")
	webtest.Lacks(t, "refused sign-off", r.Body, `id="err-`+code[1]+`"`)
	form = url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "v_" + code[1]: {"12"}}
	for _, e := range empty {
		form.Set("none_"+e[1], "1")
	}
	form.Set("v_"+empty[0][1], "3")
	if r = head.Post(base+"/manual", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "已标记「无」,请不要同时填写数值") {
		t.Errorf("无 and a number: %d", r.Status)
	}
	form.Set("v_"+empty[0][1], "")
	if r = head.Post(base+"/manual", form); r.Status != http.StatusSeeOther {
		t.Fatalf("marking 无: %d\n%s", r.Status, r.Body)
	}
	r = head.Get(base + "/manual?" + q.Encode())
	webtest.Contains(t, "manual form after 无", r.Body, `id="none-`+empty[0][1]+`" name="none_`+empty[0][1]+`" value="1" checked`)
	r = head.Post(base+"/signoff", url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}, "note": {"已核对"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-off: %d", r.Status)
	}
	r = head.Get(r.Location())
	webtest.Contains(t, "signed report", r.Body, "已确认", "城北书记", "已核对", "重算结果与确认时一致")
	r = head.Post("/reports/units/"+id(fx.street.ID)+"/signoff", url.Values{"csrf": {csrf}, "t": {reports.SampleCode}, "period": {period}})
	if r.Status == http.StatusSeeOther {
		t.Error("a community head signed for the street")
	}
	// The street's operator sees who confirmed.
	fx.addUser("street", "街道平台", "street_operator", fx.street.ID)
	op := fx.srv.Client()
	op.Login("street")
	r = op.Get("/reports/units/" + id(fx.street.ID) + "?" + q.Encode())
	webtest.Contains(t, "street report", r.Body, "社区确认情况(1/2)", "城北书记")
}

// postFile sends a multipart form with one file from c, as a browser's upload.
func (fx *fixture) postFile(c *webtest.Client, path string, form url.Values, field, name string, data []byte) webtest.Result {
	fx.t.Helper()
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
	req, _ := http.NewRequest(http.MethodPost, fx.srv.URL()+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
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
	admin := fx.srv.Client()
	admin.Login("boss")
	csrf := admin.CSRF("/reports")

	r := admin.Get("/reports")
	webtest.Contains(t, "reports index", r.Body, `href="/reports/templates/new"`)
	form := url.Values{"csrf": {csrf}, "code": {"9MZ"}, "name": {"民政季报"}, "frequency": {"quarter"}, "department": {"civil"},
		"sheet": {"季报"}, "title_cell": {"A1"}, "unit_cell": {"A2"}, "period_cell": {"Z"}}
	r = admin.Post("/reports/templates/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad code: %d", r.Status)
	}
	webtest.Contains(t, "bad template", r.Body, `id="err-code"`, "应以字母开头", `id="err-period_cell"`, "单元格「Z」无效")
	form.Set("code", "MZ-Q")
	form.Set("period_cell", "D2")
	r = admin.Post("/reports/templates/new", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.Status, r.Body)
	}
	page := r.Location()
	tpl, err := svc.Template(ctx, "MZ-Q")
	if err != nil {
		t.Fatal(err)
	}
	base := "/reports/templates/" + id(tpl.ID)
	if page != base {
		t.Errorf("after creating: %s", page)
	}
	r = admin.Get(page)
	webtest.Contains(t, "new template", r.Body, "民政季报", "还没有大类", `id="f-add-0"`, "上传空白报表")

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
	r = admin.Post(base+"/sections", url.Values{"csrf": {csrf}, "version": {v()}, "name": {" "}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty 大类: %d", r.Status)
	}
	webtest.Contains(t, "empty name", r.Body, `id="err-add-0"`, "请填写大类名称", `href="#f-add-0"`)
	if r = admin.Post(base+"/sections", url.Values{"csrf": {csrf}, "version": {v()}, "name": {"人口"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add 大类: %d", r.Status)
	}
	tpl, _ = svc.Template(ctx, "MZ-Q")
	cat := tpl.Sections[0]
	if !strings.Contains(r.Location(), "open="+id(cat.ID)) {
		t.Errorf("after adding: %s", r.Location())
	}
	stale := v()
	if r = admin.Post(base+"/sections", url.Values{"csrf": {csrf}, "version": {stale}, "parent": {id(cat.ID)}, "name": {"合计"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add 小类: %d", r.Status)
	}
	r = admin.Post(base+"/sections", url.Values{"csrf": {csrf}, "version": {stale}, "parent": {id(cat.ID)}, "name": {"另一个"}})
	if r.Status != http.StatusConflict {
		t.Errorf("a stale add: %d", r.Status)
	}
	webtest.Contains(t, "stale add", r.Body, "未保存:模板已被他人修改", "管理员")
	tpl, _ = svc.Template(ctx, "MZ-Q")
	sub := tpl.Sections[0].Subs[0].ID
	r = admin.Post(base+"/sections/"+id(sub)+"/new", url.Values{"csrf": {csrf}, "version": {v()}, "indicator": {"A001"},
		"frequency": {"quarter"}, "cell": {"C5"}, "action": {"save"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add item: %d\n%s", r.Status, r.Body)
	}
	r = admin.Get(r.Location())
	webtest.Contains(t, "template with an item", r.Body, "人口", "合计", "实有人口", "C5", "在「人口」中添加小类")
	r = admin.Post(base+"/sections/"+id(cat.ID)+"/delete", url.Values{"csrf": {csrf}, "version": {v()}})
	if r.Status != http.StatusConflict {
		t.Errorf("delete a 大类 with a 小类: %d", r.Status)
	}
	webtest.Contains(t, "refused delete", r.Body, "大类「人口」下还有 1 个小类,不能删除", `href="#s-`+id(cat.ID)+`"`)
	r = admin.Post(base+"/sections/"+id(sub)+"/edit", url.Values{"csrf": {csrf}, "version": {v()}, "name": {"小计"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("rename: %d", r.Status)
	}

	// The blank form: a csv refused at the field, the department's xlsx
	// kept and filled in by the export.
	r = fx.postFile(admin, base+"/form", url.Values{"csrf": {csrf}, "version": {v()}}, "file", "名单.csv", []byte("姓名,电话\n"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a csv as the blank form: %d", r.Status)
	}
	webtest.Contains(t, "csv form", r.Body, `id="err-file"`, "这不是 xlsx 文件")
	x := excelize.NewFile()
	x.SetSheetName("Sheet1", "季报")
	x.SetCellValue("季报", "A2", "填报单位:")
	x.SetCellValue("季报", "B5", "实有人口(人)")
	x.SetCellValue("季报", "A20", "填表人:")
	var blank bytes.Buffer
	x.WriteTo(&blank)
	r = fx.postFile(admin, base+"/form", url.Values{"csrf": {csrf}, "version": {v()}}, "file", `C:\表格\民政季报.xlsx`, blank.Bytes())
	if r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.Status, r.Body)
	}
	r = admin.Get(base)
	webtest.Contains(t, "template with a form", r.Body, "民政季报.xlsx", "删除空白报表", "换一个空白报表")
	if r = admin.Get(base + "/form"); r.Status != http.StatusOK || r.Body != blank.String() {
		t.Errorf("download the blank form: %d, %d bytes", r.Status, len(r.Body))
	}
	p := indicators.Current(indicators.Quarterly, time.Now()).Previous()
	rep, err := svc.Compute(ctx, "MZ-Q", fx.cb.ID, p, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The page's links keep the template and the period.
	r = admin.Get("/reports/units/" + id(fx.cb.ID) + "?" + url.Values{"t": {"MZ-Q"}, "period": {p.String()}}.Encode())
	webtest.Contains(t, "report links", r.Body, "/export?period="+p.String()+"&amp;t=MZ-Q&amp;format=xlsx",
		"/ledger?period="+p.String()+"&amp;t=MZ-Q&amp;item=A001")
	// A ledger of a unit with units under it lists them with their figures.
	r = admin.Get("/reports/units/" + id(fx.street.ID) + "/ledger?" + url.Values{"t": {"MZ-Q"}, "period": {p.String()}, "item": {"A001"}}.Encode())
	if r.Status != http.StatusOK {
		t.Fatalf("the street's ledger: %d\n%s", r.Status, r.Body)
	}
	webtest.Contains(t, "the street's ledger", r.Body, "按下级单位", "城北社区")
	r = admin.Get("/reports/units/" + id(fx.cb.ID) + "/export?" + url.Values{"t": {"MZ-Q"}, "period": {p.String()}, "format": {"xlsx"}}.Encode())
	if r.Status != http.StatusOK {
		t.Fatalf("export: %d", r.Status)
	}
	out, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]string{"C5": reports.FormatValue(rep.Row("A001").Value, 0), "B5": "实有人口(人)",
		"A2": "填报单位:城北社区", "A1": "民政季报", "A20": "填表人:"} {
		if got, _ := out.GetCellValue("季报", cell); got != want {
			t.Errorf("exported %s = %q, want %q", cell, got, want)
		}
	}

	// The header: a stale save conflicts; the sheet must stay the form's.
	edit := admin.Get(base + "/edit")
	webtest.Contains(t, "header form", edit.Body, `value="MZ-Q"`, "删除「民政季报」")
	hv := webtest.VersionOf(t, edit.Body)
	header := url.Values{"csrf": {csrf}, "version": {hv}, "code": {"MZ-Q"}, "name": {"民政季度报表"}, "frequency": {"quarter"},
		"sheet": {"季报"}, "title_cell": {"A1"}, "unit_cell": {"A2"}, "period_cell": {"D2"}}
	header.Set("sheet", "Sheet9")
	if r = admin.Post(base+"/edit", header); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a sheet the form lacks: %d", r.Status)
	}
	webtest.Contains(t, "sheet the form lacks", r.Body, `id="err-sheet"`, "没有工作表「Sheet9」")
	header.Set("sheet", "季报")
	if r = admin.Post(base+"/edit", header); r.Status != http.StatusSeeOther {
		t.Fatalf("header save: %d\n%s", r.Status, r.Body)
	}
	if r = admin.Post(base+"/edit", header); r.Status != http.StatusConflict {
		t.Errorf("a stale header save: %d", r.Status)
	}

	// Nobody else changes templates.
	head := fx.srv.Client()
	head.Login("head")
	hcsrf := head.CSRF("/reports")
	for _, path := range []string{"/reports/templates/new", base + "/sections", base + "/form/delete", base + "/delete"} {
		if r := head.Post(path, url.Values{"csrf": {hcsrf}, "version": {v()}, "name": {"x"}}); r.Status != http.StatusForbidden {
			t.Errorf("community head POST %s: %d", path, r.Status)
		}
	}
	if r := head.Get(base + "/form"); r.Status != http.StatusForbidden {
		t.Errorf("community head downloads the blank form: %d", r.Status)
	}

	// Removing: the form, the item (from the template's page), the
	// sections, the template; never the sample.
	if r = admin.Post(base+"/form/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.Status != http.StatusSeeOther {
		t.Errorf("remove the form: %d", r.Status)
	}
	if r = admin.Get(base + "/form"); r.Status != http.StatusNotFound {
		t.Errorf("the removed form: %d", r.Status)
	}
	tpl, _ = svc.Template(ctx, "MZ-Q")
	r = admin.Get(base)
	itemDel := base + "/items/" + id(tpl.Items()[0].ID) + "/delete"
	webtest.Contains(t, "item delete button", r.Body, `formaction="`+itemDel+`"`)
	if r = admin.Post(itemDel, url.Values{"csrf": {csrf}, "version": {v()}}); r.Status != http.StatusSeeOther {
		t.Errorf("delete the item: %d", r.Status)
	}
	for _, s := range []int64{sub, cat.ID} {
		if r = admin.Post(base+"/sections/"+id(s)+"/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.Status != http.StatusSeeOther {
			t.Errorf("delete section %d: %d\n%s", s, r.Status, r.Body)
		}
	}
	sample, _ := svc.Template(ctx, reports.SampleCode)
	r = admin.Post("/reports/templates/"+id(sample.ID)+"/delete", url.Values{"csrf": {csrf}, "version": {strconv.Itoa(sample.Version)}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "示例模板不能删除") {
		t.Errorf("delete the sample: %d", r.Status)
	}
	if r = admin.Post(base+"/delete", url.Values{"csrf": {csrf}, "version": {v()}}); r.Status != http.StatusSeeOther || r.Location() != "/reports" {
		t.Errorf("delete the template: %d %s", r.Status, r.Location())
	}
	if _, err := svc.Template(ctx, "MZ-Q"); err != reports.ErrNotFound {
		t.Errorf("the deleted template: %v", err)
	}
}
