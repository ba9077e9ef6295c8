package registerweb

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/ident"
	"shequ/internal/web/webtest"
)

// A child not yet in a 户口簿 is added with 无证件: the form asks for birth
// date and sex instead, and the pages show the person without a number.
func TestPersonWithoutDocument(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	c := fx.srv.Client()
	c.Login("cbstaff")
	csrf := c.CSRF("/")

	r := c.Get("/persons/new?household=" + id(fx.hh.ID))
	webtest.Contains(t, "new form", r.Body, `<option value="none">无证件</option>`)
	if tag := regexp.MustCompile(`<input id="f-id_number"[^>]*>`).FindString(r.Body); tag == "" || strings.Contains(tag, " required") {
		t.Errorf("the number field %q: the browser must let it be left empty", tag)
	}
	form := url.Values{"csrf": {csrf}, "household": {id(fx.hh.ID)}, "name": {"李小宝"}, "doc_type": {"resident_id"},
		"relation": {"20"}, "residence": {"registered"}, "status": {"active"}}
	r = c.Post("/persons/new", form)
	webtest.Contains(t, "resident ID left empty", r.Body, `id="err-id_number"`, "无证件")
	// 无证件: the form comes back asking for sex and birth date.
	form.Set("doc_type", "none")
	r = c.Post("/persons/new", form)
	webtest.Contains(t, "no document", r.Body, `name="gender"`, `id="err-gender"`, `id="err-birth_date"`, `value="李小宝"`)
	form.Set("gender", "M")
	form.Set("birth_date", "2025-03-01")
	r = c.Post("/persons/new", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/persons/") {
		t.Fatalf("add: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	path := r.Location()
	r = c.Get(path)
	webtest.Contains(t, "person page", r.Body, "李小宝", "无证件", "2025-03-01", "男")
	r = c.Get("/search?q=" + url.QueryEscape("小宝"))
	webtest.Contains(t, "search", r.Body, "李小宝")
	r = c.Get("/households/" + id(fx.hh.ID))
	webtest.Contains(t, "household", r.Body, "李小宝")

	// The number comes: the edit form takes it, and the type with it.
	r = c.Get(path + "/edit")
	webtest.Contains(t, "edit form", r.Body, "现为 无")
	ms, _ := fx.reg.Members(ctx, access.Everything, fx.hh)
	var p struct{ ID int64 }
	for _, m := range ms {
		if m.Name == "李小宝" {
			p.ID = m.ID
		}
	}
	number := ident.MakeResidentID("610603", day(2025, 3, 1), 15)
	edit := url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, r.Body)}, "name": {"李小宝"}, "doc_type": {"resident_id"},
		"id_number": {number}, "relation": {"20"}, "residence": {"registered"}, "status": {"active"}}
	if r := c.Post(path+"/edit", edit); r.Status != http.StatusSeeOther {
		t.Fatalf("numbered: %d\n%s", r.Status, r.Body)
	}
	got, err := fx.reg.Person(ctx, access.Everything, p.ID)
	if err != nil || got.IDNumber != number || got.DocType != "resident_id" {
		t.Errorf("after the number came: %+v %v", got, err)
	}
}
