package proposalsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
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
		// The answer is a small receipt linking the matter; the matter
		// page then shows the vote counted and no form.
		webtest.CheckPage(t, path+"/vote", res.Body)
		webtest.Contains(t, "voted", res.Body, "回执码", "增设快递柜", `href="`+path+`"`)
		webtest.Lacks(t, "voted", res.Body, `name="choice"`, "<dt>赞成</dt>")
		page = phone.Get(path)
		webtest.Contains(t, "after the vote", page.Body, "<dt>赞成</dt><dd>1</dd>", "已就本议题投过票")
		webtest.Lacks(t, "after the vote", page.Body, `name="choice"`)
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
		// A row a record, as the workbench's tile counts them.
		if n := len(regexp.MustCompile(`href="/proposals/\d+/\d+"`).FindAllString(page.Body, -1)); n != 2 {
			t.Errorf("the queue links %d matters, want 2", n)
		}
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

// staffWorld is 城北 and 城南 with a head each, the pages mounted on a
// clock the test moves, and events for the follow-up.
type staffWorld struct {
	s           *proposals.Service
	ev          *events.Store
	clock       *time.Time
	cb, cn      int64
	head, other *webtest.Client
	anon        *webtest.Client
	who         *residents.Resident
	headID      int64
}

func newStaffWorld(t *testing.T, db *database.DB) *staffWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
	w := &staffWorld{clock: &now}
	clock := func() time.Time { return *w.clock }
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
	w.cb, w.cn = cb.ID, cn.ID
	w.s = proposals.NewService(db, clock)
	w.ev = events.NewStore(db)
	w.ev.SetClock(clock)
	w.s.UseEvents(w.ev)
	k, rt := webtest.Kit(t, db, web.Config{Org: org})
	proposalsweb.Routes(rt, k, proposalsweb.Deps{Proposals: w.s, SignedIn: func(*http.Request) (residents.Resident, bool) {
		if w.who == nil {
			return residents.Resident{}, false
		}
		return *w.who, true
	}})
	w.headID = webtest.AddUser(t, k, "head", "王主任", "community_head", cb.ID).ID
	webtest.AddUser(t, k, "other", "赵主任", "community_head", cn.ID)
	srv := webtest.Serve(t, rt)
	w.head, w.other, w.anon = srv.Client(), srv.Client(), srv.Client()
	w.head.Login("head")
	w.other.Login("other")
	return w
}

var matterLinkRe = regexp.MustCompile(`/proposals/\d+/(\d+)`)

// TestStaffMatterPages: the committee proposes (errors at the field),
// lists by status, opens the vote, cannot decide before it closes, decides
// after, files the follow-up event from the decision; a stale form
// conflicts visibly; the public accountability page shows the event's
// state as it changes, 已办结 once it is closed; another community's
// staff see none of it.
func TestStaffMatterPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newStaffWorld(t, db)
		c := strconv.FormatInt(w.cb, 10)
		form := w.head.Get("/proposals/new?c=" + c)
		webtest.CheckPage(t, "/proposals/new", form.Body)
		csrf := webtest.CSRFOf(t, form.Body)
		res := w.head.Post("/proposals/new?c="+c, url.Values{"csrf": {csrf}, "title": {""}, "body": {"内容"}, "scope": {"households"}, "unit": {"household"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty title: %d", res.Status)
		}
		webtest.Contains(t, "field errors", res.Body, "请填写议题标题", "请选择参与表决的楼栋")
		res = w.head.Post("/proposals/new?c="+c, url.Values{"csrf": {csrf}, "title": {"增设快递柜"}, "body": {"在东门旁增设快递柜。"}, "scope": {"adults"}, "unit": {"person"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", res.Status, res.Body)
		}
		path := res.Location()
		id, _ := strconv.ParseInt(matterLinkRe.FindStringSubmatch(path)[1], 10, 64)
		list := w.head.Get("/proposals?c=" + c + "&status=open")
		webtest.CheckPage(t, "/proposals", list.Body)
		webtest.Contains(t, "list", list.Body, "增设快递柜", `href="`+path+`"`)
		if l := w.head.Get("/proposals?c=" + c + "&status=voting"); strings.Contains(l.Body, "增设快递柜") {
			t.Error("the voting filter shows a matter in deliberation")
		}
		if res := w.other.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("another community's staff: %d", res.Status)
		}
		page := w.head.Get(path)
		webtest.CheckPage(t, path, page.Body)
		webtest.Contains(t, "open", page.Body, "发起表决", `name="opens_at"`)

		// Voting: closes before opens is refused at the field.
		at := func(t time.Time) string { return t.In(workdays.Shanghai).Format("2006-01-02T15:04") }
		res = w.head.Post(path+"/voting", url.Values{"csrf": {csrf}, "version": {"1"}, "opens_at": {at(*w.clock)}, "closes_at": {at(w.clock.Add(-time.Hour))}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("closes before opens: %d", res.Status)
		}
		webtest.Contains(t, "closes", res.Body, "截止时间须晚于开始时间")
		res = w.head.Post(path+"/voting", url.Values{"csrf": {csrf}, "version": {"1"}, "opens_at": {at(*w.clock)}, "closes_at": {at(w.clock.AddDate(0, 0, 7))}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("open voting: %d %s", res.Status, res.Body)
		}
		page = w.head.Get(path)
		webtest.Contains(t, "voting", page.Body, "投票截止后可以记录决定")
		webtest.Lacks(t, "voting", page.Body, `name="result"`)
		res = w.head.Post(path+"/decide", url.Values{"csrf": {csrf}, "version": {"2"}, "result": {"passed"}, "decision": {"同意"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("decide before the close: %d", res.Status)
		}
		webtest.Contains(t, "early", res.Body, "投票尚未截止")
		lao := residents.Resident{PersonID: 7, HouseholdID: 8, CommunityID: w.cb, Adult: true, Name: "李秀兰"}
		if _, err := w.s.Vote(ctx, &lao, w.cb, id, proposals.For); err != nil {
			t.Fatal(err)
		}

		// After the close: the decision, with its errors at the fields.
		*w.clock = w.clock.AddDate(0, 0, 8)
		page = w.head.Get(path)
		webtest.Contains(t, "closed", page.Body, `name="result"`)
		res = w.head.Post(path+"/decide", url.Values{"csrf": {csrf}, "version": {"2"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty decision: %d", res.Status)
		}
		webtest.Contains(t, "decision errors", res.Body, "请选择通过或未通过", "请填写决定内容")
		if res := w.head.Post(path+"/decide", url.Values{"csrf": {csrf}, "version": {"2"}, "result": {"passed"}, "decision": {"同意增设,由居委会联系快递公司。"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("decide: %d %s", res.Status, res.Body)
		}
		// A second tab's stale decision conflicts, said on the page.
		res = w.head.Post(path+"/decide", url.Values{"csrf": {csrf}, "version": {"2"}, "result": {"failed"}, "decision": {"不同意"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("stale: %d", res.Status)
		}
		webtest.Contains(t, "stale", res.Body, "不能进行此操作")

		// The follow-up: an event filed from the decision.
		page = w.head.Get(path)
		webtest.Contains(t, "decided", page.Body, "新建落实事件", "关联事件")
		res = w.head.Post(path+"/followup", url.Values{"csrf": {csrf}, "version": {"3"}, "do": {"event"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no category: %d", res.Status)
		}
		webtest.Contains(t, "no category", res.Body, "请选择落实事件的类别")
		res = w.head.Post(path+"/followup", url.Values{"csrf": {csrf}, "version": {"3"}, "do": {"link"}, "tracking_no": {"E261130K7QZ2M8P"}})
		webtest.Contains(t, "unknown number", res.Body, "本社区没有这个编号的事件")
		if res := w.head.Post(path+"/followup", url.Values{"csrf": {csrf}, "version": {"3"}, "do": {"event"}, "category": {"demand.other"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("follow-up event: %d %s", res.Status, res.Body)
		}
		m, _ := w.s.Get(ctx, w.cb, id)
		if m.EventID == 0 {
			t.Fatal("no event linked")
		}
		page = w.head.Get(path)
		webtest.Contains(t, "linked", page.Body, `href="/events/`+strconv.FormatInt(m.EventID, 10)+`"`, "已收到,待受理")

		// Projects created from the decision, read as they stand at each view.
		projects := &fakeProjects{by: map[int64][]proposals.Project{id: {{ID: 77, Title: "快递柜运营服务", Stage: "招标中", Public: true},
			{ID: 78, Title: "快递柜维护服务", Stage: "立项"}}}}
		w.s.UseProjects(projects)
		page = w.head.Get(path)
		webtest.Contains(t, "staff projects", page.Body, "购买服务项目", `href="/projects/77"`, `href="/projects/78"`, "招标中")
		yishi := "/gongkai/" + c + "/yishi"
		pub := w.anon.Get(yishi)
		webtest.CheckPage(t, yishi, pub.Body)
		webtest.Contains(t, "public", pub.Body, "城北社区 议事落实公开", "增设快递柜", "同意增设", "已收到,待受理", "赞成 1",
			`href="/public/tenders/77"`, "快递柜运营服务", "招标中", "快递柜维护服务")
		webtest.Lacks(t, "a project in planning", pub.Body, `href="/public/tenders/78"`)
		projects.by[id][0].Stage = "已授标"
		webtest.Contains(t, "live stage", w.anon.Get(yishi).Body, "已授标")
		head, err := access.NewService(db).Viewer(ctx, w.headID, "王主任")
		if err != nil {
			t.Fatal(err)
		}
		e, err := w.ev.Get(ctx, head, m.EventID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []events.Action{{Name: events.ActAccept, Route: events.LevelCommunity}, {Name: events.ActFeedback, Note: "已安装"},
			{Name: events.ActVerifyPass}, {Name: events.ActClose}} {
			if e, err = w.ev.Act(ctx, head, e.ID, a); err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
		}
		pub = w.anon.Get(yishi)
		webtest.Contains(t, "closed", pub.Body, "已办结("+w.clock.Format("2006-01-02")+")")
		if res := w.head.Post(path+"/followup", url.Values{"csrf": {csrf}, "version": {"4"}, "do": {"done"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("done: %d", res.Status)
		}
		if m, _ := w.s.Get(ctx, w.cb, id); m.Status != proposals.Done {
			t.Fatalf("done: %s", m.Status)
		}
		if res := w.anon.Get("/gongkai/999999/yishi"); res.Status != http.StatusNotFound {
			t.Fatalf("no such community: %d", res.Status)
		}
	})
}

// TestResidentProposesAndArgues: without a session the forms send the
// resident to verify; a verified resident's proposal and argument go to
// moderation, errors shown at the field.
func TestResidentProposesAndArgues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newStaffWorld(t, db)
		c := strconv.FormatInt(w.cb, 10)
		phone := w.anon
		if res := phone.Get("/r/proposals/new?c=" + c); res.Status != http.StatusSeeOther || res.Location() != "/r/verify?c="+c {
			t.Fatalf("unverified: %d %s", res.Status, res.Location())
		}
		w.who = &residents.Resident{PersonID: 7, HouseholdID: 8, BuildingID: 0, CommunityID: w.cb, Adult: true, Name: "李秀兰"}
		form := phone.Get("/r/proposals/new?c=" + c)
		webtest.CheckPage(t, "/r/proposals/new", form.Body)
		webtest.Contains(t, "form", form.Body, "李**")
		csrf := csrfRe.FindStringSubmatch(form.Body)[1]
		res := phone.Post("/r/proposals/new", url.Values{"csrf": {csrf}, "title": {""}, "body": {strings.Repeat("长", 3001)}, "scope": {"building"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad proposal: %d", res.Status)
		}
		webtest.Contains(t, "errors", res.Body, "请填写议题标题", "登记簿中没有您所在的楼栋")
		res = phone.Post("/r/proposals/new", url.Values{"csrf": {csrf}, "title": {"增设快递柜"}, "body": {"快递堆在单元门口。"}, "scope": {"adults"}})
		if res.Status != http.StatusOK {
			t.Fatalf("propose: %d %s", res.Status, res.Body)
		}
		webtest.Contains(t, "proposed", res.Body, "已提交", "审核")
		ms, _, err := w.s.Queue(ctx, w.cb)
		if err != nil || len(ms) != 1 || ms[0].Proposer != "李**" {
			t.Fatalf("queue %+v %v", ms, err)
		}
		// Arguing on a matter in deliberation.
		m, err := w.s.ProposeAsCommittee(ctx, "王主任", proposals.Draft{CommunityID: w.cb, Title: "楼道清理", Body: "集中清理楼道杂物。"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/r/proposals/" + c + "/" + strconv.FormatInt(m.ID, 10)
		page := phone.Get(path)
		webtest.Contains(t, "argue form", page.Body, `name="side"`)
		res = phone.Post(path+"/argue", url.Values{"csrf": {csrf}, "body": {"支持"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no side: %d", res.Status)
		}
		webtest.Contains(t, "no side", res.Body, "请选择支持或反对")
		res = phone.Post(path+"/argue", url.Values{"csrf": {csrf}, "side": {"for"}, "body": {"早该清理了。"}})
		if res.Status != http.StatusOK {
			t.Fatalf("argue: %d", res.Status)
		}
		webtest.Contains(t, "argued", res.Body, "审核后公开")
		webtest.Lacks(t, "argued", res.Body, "早该清理了。") // not published before moderation
		_, as, _ := w.s.Queue(ctx, w.cb)
		if len(as) != 1 || as[0].Side != proposals.For {
			t.Fatalf("arguments queued %+v", as)
		}
		w.who = nil
		if res := phone.Post(path+"/argue", url.Values{"csrf": {csrf}, "side": {"for"}, "body": {"x"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("unverified argue: %d", res.Status)
		}
	})
}

// fakeProjects stands for the purchased-service projects the server wires.
type fakeProjects struct{ by map[int64][]proposals.Project }

func (f *fakeProjects) DecisionProjects(context.Context, int64) (map[int64][]proposals.Project, error) {
	return f.by, nil
}
