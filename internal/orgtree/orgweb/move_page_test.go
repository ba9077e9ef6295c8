package orgweb

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// TestMoveGridPage moves the first grid, with its building and household,
// into a neighbouring community from the move form; the grid's page then
// says what went with it and where, and the household is that community's.
func TestMoveGridPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		cn := orgtree.Unit{ParentID: s.cb.ParentID, Level: orgtree.LevelCommunity, Name: "城南社区", Code: "610603100002"}
		if err := s.org.Create(ctx, db, &cn); err != nil {
			t.Fatal(err)
		}
		c := s.login("admin")
		g1 := "/admin/org/" + id(s.grid1.ID)
		has(t, "the move form", c.get(g1+"/move"), http.StatusOK, "城南社区")
		a := c.post(g1+"/move", url.Values{"version": {id(int64(mustGet(t, s, s.grid1.ID).Version))}, "parent_id": {id(cn.ID)}})
		if a.status != http.StatusSeeOther || a.where != g1 {
			t.Fatalf("move: %d to %s\n%s", a.status, a.where, a.body)
		}
		has(t, "the grid after its move", c.get(g1), http.StatusOK, "已连同1栋楼、1套房屋、1户、1人移到城南社区")
		if page := c.get(g1); page.status != http.StatusOK || strings.Contains(page.body, "已连同") {
			t.Error("the move's message shows again on the next visit")
		}
		hs, _, err := s.reg.SearchHouseholds(ctx, access.Everything, register.HouseholdQuery{Text: "CB0001"})
		if err != nil || len(hs) != 1 || hs[0].CommunityID != cn.ID || hs[0].GridID != s.grid1.ID {
			t.Errorf("the household after the move: %+v %v", hs, err)
		}
	})
}
