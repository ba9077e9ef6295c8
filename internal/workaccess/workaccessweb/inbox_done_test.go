package workaccessweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
	"shequ/internal/workdays"
)

// TestInboxDone: the community marks accepted work done from its inbox;
// a page read before someone else marked it shows the conflict, not a
// second marking; the done filter lists it.
func TestInboxDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		webtest.AddUser(t, k, "head", "社区老王", "community_head", cb.ID)
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, workdays.Shanghai)
		work := workaccess.NewService(db, func() time.Time { return now })
		workaccessweb.Routes(rt, k, workaccessweb.Deps{Work: work})
		d, err := work.Send(ctx, access.System, workaccess.DemandDraft{Kind: "item", Title: "困难群众冬季走访",
			Department: "civil", DueOn: "2026-11-30", CommunityID: cb.ID, WorkItemID: 1014})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = work.Answer(ctx, access.System, d.ID, d.Version, false, ""); err != nil {
			t.Fatal(err)
		}
		srv := webtest.Serve(t, rt)
		staff, head := srv.Client(), srv.Client()
		staff.Login("staff")
		head.Login("head")

		r := staff.Get("/demands?status=accepted")
		webtest.Contains(t, "accepted", r.Body, "困难群众冬季走访", "标记完成", "计入当月工作量")
		path := fmt.Sprintf("/demands/%d/done", d.ID)
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "version": {webtest.VersionOf(t, r.Body)}}
		if r := head.Post(path, url.Values{"csrf": {head.CSRF("/demands")}, "version": {fmt.Sprint(d.Version)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
		r = staff.Post(path, form)
		if r.Status != http.StatusConflict {
			t.Fatalf("done twice: %d", r.Status)
		}
		webtest.Contains(t, "conflict", r.Body, "已标记完成")
		r = staff.Get("/demands?status=done")
		webtest.Contains(t, "done filter", r.Body, "困难群众冬季走访", "已完成", "2026-11-02 标记完成", `href="/demands?status=done" aria-current="page"`)
		webtest.Lacks(t, "done filter", r.Body, "标记完成</button>")
	})
}
