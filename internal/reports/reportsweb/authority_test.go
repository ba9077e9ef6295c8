package reportsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"shequ/internal/events"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/web/webtest"
)

// TestReportTemplateAuthority: a report template names the admitted
// catalogue item that authorises it, an unknown one refused at the field;
// the list shows 未准入 for those without one.
func TestReportTemplateAuthority(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	svc := reports.New(fx.db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
	if _, err := svc.InstallSample(ctx); err != nil {
		t.Fatal(err)
	}
	fx.addUser("boss", "管理员", "admin")
	admin := fx.srv.Client()
	admin.Login("boss")
	csrf := admin.CSRF("/reports")
	webtest.Contains(t, "the sample without authority", admin.Get("/reports").Body, "未准入")
	form := url.Values{"csrf": {csrf}, "code": {"MZ-Q"}, "name": {"困难群众走访季报"}, "frequency": {"quarter"}, "department": {"civil"},
		"sheet": {"季报"}, "title_cell": {"A1"}, "unit_cell": {"A2"}, "period_cell": {"D2"}, "work_item_id": {"99"}}
	r := admin.Post("/reports/templates/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown item: %d", r.Status)
	}
	webtest.Contains(t, "refused at the field", r.Body, `id="err-work_item_id"`, "社区工作事项清单中没有这个已准入事项")
	form.Set("work_item_id", "1014")
	if r := admin.Post("/reports/templates/new", form); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.Status, r.Body)
	}
	webtest.Contains(t, "the list with authority", admin.Get("/reports").Body, `href="/work-items/1014"`)
	tpl, err := svc.Template(ctx, "MZ-Q")
	if err != nil || tpl.WorkItemID != 1014 {
		t.Fatalf("saved %+v %v", tpl, err)
	}
	h := *tpl
	h.WorkItemID = 0
	got, err := svc.SaveTemplateHeader(ctx, "管理员", &h)
	if err != nil || got.WorkItemID != 0 {
		t.Fatalf("authority cleared: %+v %v", got, err)
	}
}
