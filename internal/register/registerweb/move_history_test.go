package registerweb

import (
	"context"
	"testing"

	"shequ/internal/orgtree"
	"shequ/internal/web/webtest"
)

// TestTransferHistory moves 城北's first grid, with its building and
// households, to 城南: a person's history shows her leaving the one
// community and arriving in the other, by name.
func TestTransferHistory(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	g, err := fx.org.Get(ctx, fx.grid1.ID)
	if err != nil {
		t.Fatal(err)
	}
	m := orgtree.NewManager(fx.org, fx.reg)
	if err := m.Move(ctx, orgtree.Actor{Name: "管理员", Source: "web"}, g.ID, g.Version, fx.cn.ID); err != nil {
		t.Fatal(err)
	}
	c := fx.srv.Client()
	c.Login("admin")
	r := c.Get("/persons/" + id(fx.spouse.ID))
	hist := between(r.Body, "变更记录", "</section>")
	webtest.Contains(t, "the history after the move", hist, "划出本社区", "划入本社区", "所属社区",
		"<del>城北社区</del>", "<ins>城南社区</ins>")
}
