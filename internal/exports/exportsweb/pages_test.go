package exportsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/exports"
	"shequ/internal/exports/exportsweb"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestTemplateAuthorityPage: the list shows 未准入 for a template naming no
// catalogue item; the edit form takes one, refusing an unknown one at the
// field.
func TestTemplateAuthorityPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "civil", "民政小王", "dept_civil", street.ID)
		exportsweb.Routes(rt, k, exportsweb.Deps{Exports: exports.NewService(db), Register: register.NewStore(db)})
		srv := webtest.Serve(t, rt)
		c := srv.Client()
		c.Login("civil")
		r := c.Get("/exports")
		webtest.CheckPage(t, "/exports", r.Body)
		webtest.Contains(t, "list", r.Body, "低保对象花名册", "未准入")
		r = c.Get("/exports/1002/edit")
		webtest.CheckPage(t, "/exports/1002/edit", r.Body)
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "version": {webtest.VersionOf(t, r.Body)}, "name": {"低保对象花名册"},
			"tag": {"dibao"}, "field-0": {"name"}, "header-0": {"姓名"}, "work_item_id": {"99"}}
		r = c.Post("/exports/1002/edit", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown item: %d", r.Status)
		}
		webtest.Contains(t, "refused at the field", r.Body, "社区工作事项清单中没有这个已准入事项")
		form.Set("work_item_id", "1051")
		if r := c.Post("/exports/1002/edit", form); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		r = c.Get("/exports")
		webtest.Contains(t, "list with authority", r.Body, `href="/work-items/1051"`)
		webtest.Lacks(t, "list with authority", r.Body, "未准入")
	})
}
