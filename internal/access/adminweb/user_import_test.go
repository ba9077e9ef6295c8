package adminweb_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"shequ/internal/access/adminweb"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// TestUserImportPage imports a street's grid workers from a sheet on the
// administrators' page: a list with a wrong role is refused whole, at its
// row and column, and makes no account; the corrected list makes them all
// and shows the passwords it chose once.
func TestUserImportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		cb := orgtree.Unit{Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		for _, g := range []string{"第1网格", "第2网格"} {
			if err := org.Create(ctx, db, &orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: g}); err != nil {
				t.Fatal(err)
			}
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "admin", "系统管理员", "admin")
		adminweb.Routes(rt, k, adminweb.Deps{Accounts: k.Accounts, Access: k.Access, Register: register.NewStore(db)})
		srv := webtest.Serve(t, rt)
		c := srv.Client()
		c.Login("admin")

		page := c.Get("/admin/users/import").Body
		webtest.Contains(t, "import form", page, `enctype="multipart/form-data"`, "账号名单")
		csrf := webtest.CSRFOf(t, page)

		bad := "账号,姓名,角色,授权范围,备注\nwang1,王一,网格员,城北社区/第1网格,\nwang2,王二,不存在的角色,城北社区/第2网格,\n"
		r := upload(t, srv, c, csrf, "网格员.csv", bad)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a list with a wrong role: %d", r.Status)
		}
		webtest.Contains(t, "refused list", r.Body, "未作任何更改", "第3行")
		if _, err := k.Accounts.UserByName(ctx, "wang1"); err == nil {
			t.Error("a refused list made an account")
		}

		good := strings.Replace(bad, "不存在的角色", "网格员", 1)
		r = upload(t, srv, c, csrf, "网格员.csv", good)
		if r.Status != http.StatusOK {
			t.Fatalf("the corrected list: %d\n%s", r.Status, r.Body)
		}
		webtest.Contains(t, "imported list", r.Body, "新建账号 2 个", "wang1", "wang2", "只显示这一次")
		for _, name := range []string{"wang1", "wang2"} {
			u, err := k.Accounts.UserByName(ctx, name)
			if err != nil || !u.MustChangePassword {
				t.Errorf("%s: %+v %v, want an account that changes its password first", name, u, err)
			}
		}
		// The same list again changes nothing.
		r = upload(t, srv, c, csrf, "网格员.csv", good)
		webtest.Contains(t, "the list again", r.Body, "新建账号 0 个", "已存在未改动 2 个")
	})
}

func upload(t *testing.T, srv *webtest.Server, c *webtest.Client, csrf, name, content string) webtest.Result {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	req, err := http.NewRequest("POST", srv.URL()+"/admin/users/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}
