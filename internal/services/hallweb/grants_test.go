package hallweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/register"
	"shequ/internal/services"
)

// The case page of an approved 低保 case shows the tag it gave and lets the
// approving level end it, with the messages at the fields; the item form
// edits which tag an item grants.
func TestGrantOnTheCasePageAndTheItemForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		h := newHall(t, db)
		ctx := context.Background()
		u := &accounts.User{Name: "admin", DisplayName: "管理员"}
		if err := accounts.NewStore(db).AddUser(ctx, nil, u, password); err != nil {
			t.Fatal(err)
		}
		if err := access.NewService(db).AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: "admin"}); err != nil {
			t.Fatal(err)
		}
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
		admin := h.login("admin")
		path := "/services/applications/" + strconv.FormatInt(a.ID, 10)
		_, page := admin.get(path)
		for _, want := range []string{"已为申请人登记低保标签", `id="grant-form"`, "撤销批准"} {
			if !strings.Contains(page, want) {
				t.Errorf("the approved case's page lacks %q", want)
			}
		}
		form := url.Values{"csrf": {csrfOf(t, page)}, "version": {strconv.Itoa(a.Version)}, "action": {"end"}}
		status, page := admin.post(path+"/handle/district", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写终止待遇的原因") {
			t.Fatalf("ending without a reason: %d", status)
		}
		form.Set("reason", "家庭收入超过标准")
		if status, _ := admin.post(path+"/handle/district", form); status != http.StatusSeeOther {
			t.Fatalf("ending the benefit: %d", status)
		}
		tags, err := register.NewStore(db).TagsOf(ctx, access.Everything, h.who, "")
		if err != nil || len(tags) != 1 || tags[0].Tag != "dibao" || tags[0].EndedOn == "" {
			t.Fatalf("after ending on the page: %+v %v", tags, err)
		}
		if _, page := admin.get(path); strings.Contains(page, `id="grant-form"`) || !strings.Contains(page, "结束") {
			t.Error("the page still offers to end an ended benefit, or does not say it ended")
		}

		_, page = admin.get("/services/items/linshi/edit")
		if !strings.Contains(page, `name="grants_tag"`) || !strings.Contains(page, ">高龄补贴<") || strings.Contains(page, ">社区矫正<") {
			t.Fatal("the item form should offer the service tags, and only them")
		}
		it, _ := h.svc.Item(ctx, "linshi")
		edit := url.Values{"csrf": {csrfOf(t, page)}, "version": {strconv.Itoa(it.Version)}, "name": {it.Name},
			"category": {it.Category}, "department": {it.Department}, "time_limit": {strconv.Itoa(it.TimeLimit)},
			"active": {"1"}, "stage_rows": {strconv.Itoa(len(it.Chain))}, "grants_tag": {"correction"}}
		for i, st := range it.Chain {
			p := "s" + strconv.Itoa(i) + "_"
			edit.Set(p+"name", st.Name)
			edit.Set(p+"level", st.Level)
			edit.Set(p+"days", strconv.Itoa(st.Days))
		}
		if status, page := admin.post("/services/items/linshi/edit", edit); status != http.StatusUnprocessableEntity ||
			!strings.Contains(page, "请从列表中选择办结后登记的服务对象标签") {
			t.Fatalf("a special-group tag on an item: %d", status)
		}
		edit.Set("grants_tag", "living_alone")
		if status, _ := admin.post("/services/items/linshi/edit", edit); status != http.StatusSeeOther {
			t.Fatalf("saving the item: %d", status)
		}
		if it, _ := h.svc.Item(ctx, "linshi"); it.GrantsTag != "living_alone" {
			t.Errorf("the item grants %q", it.GrantsTag)
		}
	})
}
