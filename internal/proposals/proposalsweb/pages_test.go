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
	"shequ/internal/orgtree"
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

// TestModerationQueue: the community's staff see residents' proposals and
// arguments awaiting moderation, approve one, reject one only with a
// reason; staff of another community see nothing of it.
func TestModerationQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		org := orgtree.NewStore(db)
		mk := func(u *orgtree.Unit) {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		mk(&cb)
		cn := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城南社区", Code: "610603100002"}
		mk(&cn)
		s := proposals.NewService(db, func() time.Time { return now })
		lao := residents.Resident{PersonID: 7, HouseholdID: 8, CommunityID: cb.ID, Adult: true, Name: "李秀兰"}
		m1, err := s.ProposeAsResident(ctx, &lao, proposals.Draft{Title: "增设快递柜", Body: "在东门旁增设快递柜。"})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.ProposeAsResident(ctx, &lao, proposals.Draft{Title: "出租广告位", Body: "把围墙出租做广告。"})
		if err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		proposalsweb.Routes(rt, k, proposalsweb.Deps{Proposals: s})
		webtest.AddUser(t, k, "head", "王主任", "community_head", cb.ID)
		webtest.AddUser(t, k, "other", "赵主任", "community_head", cn.ID)
		srv := webtest.Serve(t, rt)
		head, other := srv.Client(), srv.Client()
		head.Login("head")
		other.Login("other")
		q := "/proposals/queue?c=" + strconv.FormatInt(cb.ID, 10)
		if res := head.Get("/proposals/queue"); res.Status != http.StatusOK {
			t.Fatalf("own community by default: %d", res.Status)
		}
		page := head.Get(q)
		if page.Status != http.StatusOK {
			t.Fatalf("queue: %d", page.Status)
		}
		webtest.CheckPage(t, q, page.Body)
		webtest.Contains(t, "queue", page.Body, "增设快递柜", "出租广告位", "李**")
		if res := other.Get(q); res.Status != http.StatusNotFound {
			t.Fatalf("another community's staff: %d", res.Status)
		}
		csrf := webtest.CSRFOf(t, page.Body)
		path := func(m proposals.Matter) string {
			return "/proposals/" + strconv.FormatInt(cb.ID, 10) + "/" + strconv.FormatInt(m.ID, 10) + "/moderate"
		}
		if res := head.Post(path(m1), url.Values{"csrf": {csrf}, "version": {"1"}, "decision": {"approve"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		res := head.Post(path(m2), url.Values{"csrf": {csrf}, "version": {"1"}, "decision": {"reject"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("reject without reason: %d", res.Status)
		}
		webtest.Contains(t, "no reason", res.Body, "请说明不予通过的理由")
		if res := head.Post(path(m2), url.Values{"csrf": {csrf}, "version": {"1"}, "decision": {"reject"}, "reason": {"须经业主大会决定"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("reject: %d", res.Status)
		}
		if m, _ := s.Get(ctx, cb.ID, m1.ID); m.Status != proposals.Open {
			t.Fatalf("approved: %s", m.Status)
		}
		if m, _ := s.Get(ctx, cb.ID, m2.ID); m.Status != proposals.Rejected || m.RejectReason != "须经业主大会决定" {
			t.Fatalf("rejected: %+v", m)
		}
	})
}
