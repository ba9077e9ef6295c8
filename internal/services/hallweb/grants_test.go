package hallweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web/webtest"
)

// The case page of an approved 低保 case shows the tag it gave and lets the
// approving level end it, with the messages at the fields; the item form
// edits which tag an item grants.
func TestGrantOnTheCasePageAndTheItemForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		h := newHall(t, db)
		ctx := context.Background()
		webtest.AddUser(t, h.kit, "admin", "管理员", "admin")
		a, err := h.svc.Intake(ctx, access.System, services.IntakeRequest{PersonID: h.who.ID, Item: "dibao",
			Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		for !a.Finished() {
			if a, err = h.svc.Approve(ctx, access.System, a.ID, a.Version, ""); err != nil {
				t.Fatal(err)
			}
		}
		admin := h.srv.Client()
		admin.Login("admin")
		path := "/services/applications/" + strconv.FormatInt(a.ID, 10)
		page := admin.Get(path).Body
		for _, want := range []string{"已为申请人登记低保标签", `id="grant-form"`, "撤销批准"} {
			if !strings.Contains(page, want) {
				t.Errorf("the approved case's page lacks %q", want)
			}
		}
		form := url.Values{"csrf": {webtest.CSRFOf(t, page)}, "version": {strconv.Itoa(a.Version)}, "action": {"end"}}
		r := admin.Post(path+"/handle/district", form)
		status, page := r.Status, r.Body
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写终止待遇的原因") {
			t.Fatalf("ending without a reason: %d", status)
		}
		form.Set("reason", "家庭收入超过标准")
		if status := admin.Post(path+"/handle/district", form).Status; status != http.StatusSeeOther {
			t.Fatalf("ending the benefit: %d", status)
		}
		tags, err := register.NewStore(db).TagsOf(ctx, access.Everything, h.who, "")
		if err != nil || len(tags) != 1 || tags[0].Tag != "dibao" || tags[0].EndedOn == "" {
			t.Fatalf("after ending on the page: %+v %v", tags, err)
		}
		if page := admin.Get(path).Body; strings.Contains(page, `id="grant-form"`) || !strings.Contains(page, "结束") {
			t.Error("the page still offers to end an ended benefit, or does not say it ended")
		}

		page = admin.Get("/services/items/linshi/edit").Body
		if !strings.Contains(page, `name="grants_tag"`) || !strings.Contains(page, ">高龄补贴<") || strings.Contains(page, ">社区矫正<") {
			t.Fatal("the item form should offer the service tags, and only them")
		}
		it, _ := h.svc.Item(ctx, "linshi")
		edit := url.Values{"csrf": {webtest.CSRFOf(t, page)}, "version": {strconv.Itoa(it.Version)}, "name": {it.Name},
			"category": {it.Category}, "department": {it.Department}, "time_limit": {strconv.Itoa(it.TimeLimit)},
			"active": {"1"}, "stage_rows": {strconv.Itoa(len(it.Chain))}, "grants_tag": {"correction"}}
		for i, st := range it.Chain {
			p := "s" + strconv.Itoa(i) + "_"
			edit.Set(p+"name", st.Name)
			edit.Set(p+"level", st.Level)
			edit.Set(p+"days", strconv.Itoa(st.Days))
		}
		if r := admin.Post("/services/items/linshi/edit", edit); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "请从列表中选择办结后登记的服务对象标签") {
			t.Fatalf("a special-group tag on an item: %d", r.Status)
		}
		edit.Set("grants_tag", "living_alone")
		if status := admin.Post("/services/items/linshi/edit", edit).Status; status != http.StatusSeeOther {
			t.Fatalf("saving the item: %d", status)
		}
		if it, _ := h.svc.Item(ctx, "linshi"); it.GrantsTag != "living_alone" {
			t.Errorf("the item grants %q", it.GrantsTag)
		}
	})
}
