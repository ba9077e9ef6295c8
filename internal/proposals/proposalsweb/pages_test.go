package proposalsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/proposals"
	"shequ/internal/proposals/proposalsweb"
	"shequ/internal/residents"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestVotePages: the list and the matter page for anyone, the vote form
// for an eligible signed-in resident only, a vote with its receipt, a
// second vote refused, a resident of another community refused.
func TestVotePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		s := proposals.NewService(db, func() time.Time { return now })
		const c = 1
		m, err := s.ProposeAsCommittee(ctx, "王主任", proposals.Draft{CommunityID: c, Title: "增设快递柜", Body: "在东门旁增设快递柜。"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenVoting(ctx, "王主任", c, m.ID, m.Version, now, now.AddDate(0, 0, 7)); err != nil {
			t.Fatal(err)
		}
		var who *residents.Resident
		k, rt := webtest.Kit(t, db, web.Config{})
		proposalsweb.Routes(rt, k, proposalsweb.Deps{Proposals: s, SignedIn: func(*http.Request) (residents.Resident, bool) {
			if who == nil {
				return residents.Resident{}, false
			}
			return *who, true
		}})
		srv := webtest.Serve(t, rt)
		phone := srv.Client()
		path := "/r/proposals/" + strconv.Itoa(c) + "/" + strconv.FormatInt(m.ID, 10)

		list := phone.Get("/r/proposals?c=1")
		webtest.CheckPage(t, "/r/proposals", list.Body)
		webtest.Contains(t, "list", list.Body, "增设快递柜", "表决中")
		page := phone.Get(path)
		webtest.CheckPage(t, path, page.Body)
		webtest.Contains(t, "anonymous", page.Body, "核验居民身份后可以投票")
		webtest.Lacks(t, "anonymous", page.Body, `name="choice"`)

		who = &residents.Resident{PersonID: 7, HouseholdID: 8, CommunityID: c, Adult: true, Name: "李秀兰"}
		page = phone.Get(path)
		webtest.Contains(t, "resident", page.Body, `name="choice"`)
		csrf := csrfRe.FindStringSubmatch(page.Body)
		if csrf == nil {
			t.Fatal("no form token")
		}
		res := phone.Post(path+"/vote", url.Values{"csrf": {csrf[1]}, "choice": {"for"}})
		if res.Status != http.StatusOK {
			t.Fatalf("vote: %d %s", res.Status, res.Body)
		}
		webtest.Contains(t, "voted", res.Body, "回执码", "<dt>赞成</dt><dd>1</dd>")
		webtest.Lacks(t, "voted", res.Body, `name="choice"`)
		res = phone.Post(path+"/vote", url.Values{"csrf": {csrf[1]}, "choice": {"against"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("second vote: %d", res.Status)
		}
		webtest.Contains(t, "second vote", res.Body, "投票不能更改")

		who = &residents.Resident{PersonID: 9, HouseholdID: 10, CommunityID: 2, Adult: true, Name: "张三"}
		res = phone.Post(path+"/vote", url.Values{"csrf": {csrf[1]}, "choice": {"for"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("another community: %d", res.Status)
		}
		who = nil
		if res := phone.Post(path+"/vote", url.Values{"csrf": {csrf[1]}, "choice": {"for"}}); res.Status != http.StatusUnauthorized {
			t.Fatalf("no session: %d", res.Status)
		}
		if res := phone.Post(path+"/vote", url.Values{"choice": {"for"}}); res.Status != http.StatusBadRequest {
			t.Fatalf("no token: %d", res.Status)
		}
		if res := phone.Get("/r/proposals/1/999"); res.Status != http.StatusNotFound {
			t.Fatalf("unknown: %d", res.Status)
		}
	})
}
