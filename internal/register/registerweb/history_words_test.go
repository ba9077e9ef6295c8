package registerweb

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/register"
)

// A person's history, after a move to another household
// and an edit, names every field in Chinese and only fields a person
// reads: no keys, versions or codes, places and relations by their names.
func TestHistoryInWords(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	actor := register.Actor{Name: "测试员", Source: "web"}
	p, err := fx.reg.Person(ctx, access.Everything, fx.spouse.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.reg.MovePerson(ctx, actor, access.Everything, register.Move{PersonID: p.ID, Version: p.Version,
		HouseholdID: fx.hhFloat.ID, Relation: "10"}); err != nil {
		t.Fatal(err)
	}
	if p, err = fx.reg.Person(ctx, access.Everything, fx.spouse.ID); err != nil {
		t.Fatal(err)
	}
	p.Occupation = "校长"
	if err := fx.reg.UpdatePerson(ctx, actor, access.Everything, &p); err != nil {
		t.Fatal(err)
	}
	c := fx.srv.Client()
	c.Login("admin")
	r := c.Get("/persons/" + id(p.ID))
	if r.Status != 200 {
		t.Fatalf("GET the person: %d", r.Status)
	}
	i := strings.Index(r.Body, `class="history`)
	if i < 0 {
		t.Fatalf("the person's page has no history:\n%s", r.Body)
	}
	hist := r.Body[i+strings.Index(r.Body[i:], ">")+1:]
	if j := strings.Index(hist, "</section>"); j >= 0 {
		hist = hist[:j]
	}
	text := strings.Join(strings.Fields(regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(hist, " ")), " ")
	if m := regexp.MustCompile(`[a-z_]{2,}|#\d+`).FindAllString(text, -1); len(m) > 0 {
		t.Errorf("the history shows %q:\n%s", m, text)
	}
	for _, want := range []string{"所属社区", "城北社区", "与户主关系", "配偶", "职业", "校长", "户号 CB0002", "第1网格"} {
		if !strings.Contains(text, want) {
			t.Errorf("the history lacks %q:\n%s", want, text)
		}
	}
}
