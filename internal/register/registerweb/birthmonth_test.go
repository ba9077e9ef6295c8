package registerweb

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/web/webtest"
)

// A person without a document whose birth is known to the month is added
// with 1990-09; the pages and the list's export show the month and never a
// day; a person with a document must give the full date, told so at the
// field; the edit form gives the month back as typed.
func TestPersonBornInAMonthPages(t *testing.T) {
	fx := newFixture(t)
	c := fx.srv.Client()
	c.Login("cbstaff")
	csrf := c.CSRF("/")

	form := url.Values{"csrf": {csrf}, "household": {id(fx.hh.ID)}, "name": {"周小军"}, "doc_type": {"passport"},
		"id_number": {"E12345678"}, "gender": {"M"}, "birth_date": {"1990-09"}, "relation": {"20"},
		"residence": {"floating"}, "status": {"active"}}
	r := c.Post("/persons/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a passport with a month: %d", r.Status)
	}
	errText := regexp.MustCompile(`<p class="field-error" id="err-birth_date">([^<]*)</p>`).FindStringSubmatch(r.Body)
	if errText == nil || !strings.Contains(errText[1], "完整的出生日期") {
		t.Errorf("the error at the birth date: %q", errText)
	}
	if tag := regexp.MustCompile(`<input id="f-birth_date"[^>]*>`).FindString(r.Body); strings.Contains(tag, `type="date"`) {
		t.Errorf("a date field cannot take a month: %s", tag)
	}

	form.Set("doc_type", "none")
	form.Set("id_number", "")
	form.Set("birth_date", "1990年9月")
	r = c.Post("/persons/new", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/persons/") {
		t.Fatalf("add: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	path := r.Location()
	r = c.Get(path)
	// (The page's history of the person's creation shows the month too.)
	webtest.Contains(t, "person page", r.Body, "周小军", "<dt>出生年月</dt><dd>1990年09月", "仅知年月",
		"<dt>出生日期</dt><dd>1990年09月</dd>", "<dt>出生日期精度</dt><dd>只知年月</dd>")
	webtest.Lacks(t, "person page", r.Body, "1990-09-30", "精确到日")
	r = c.Get(path + "/edit")
	webtest.Contains(t, "edit form", r.Body, `value="1990-09"`)
	webtest.Lacks(t, "edit form", r.Body, "1990-09-30")
	// Saved again as shown, the birth stays a month; a date typed in makes
	// it a day.
	edit := url.Values{"csrf": {csrf}, "version": {webtest.VersionOf(t, r.Body)}, "name": {"周小军"}, "doc_type": {"none"},
		"gender": {"M"}, "birth_date": {"1990-09"}, "relation": {"20"}, "residence": {"floating"}, "status": {"active"},
		"address": {"城北路14号"}}
	if r := c.Post(path+"/edit", edit); r.Status != http.StatusSeeOther {
		t.Fatalf("saved again: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(path)
	webtest.Contains(t, "saved again", r.Body, "<dt>出生年月</dt><dd>1990年09月", "城北路14号")
	r = c.Get("/search/export?q=" + url.QueryEscape("周小军"))
	webtest.Contains(t, "export", r.Body, "周小军,男,1990-09,")

	r = c.Get(path + "/edit")
	edit.Set("version", webtest.VersionOf(t, r.Body))
	edit.Set("birth_date", "1990-09-17")
	if r := c.Post(path+"/edit", edit); r.Status != http.StatusSeeOther {
		t.Fatalf("a day: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(path)
	webtest.Contains(t, "a day", r.Body, "<dt>出生日期</dt><dd>1990-09-17")
}
