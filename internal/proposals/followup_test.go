package proposals

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/fault"
)

// head is the head of 城北社区 as the access service sees them.
func (f *fixture) head(t *testing.T) *access.Viewer {
	t.Helper()
	ctx := context.Background()
	if _, err := f.db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES (100, '王主任', 'x', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	acs := access.NewService(f.db)
	if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 100, Role: "community_head", Units: []int64{f.cb}}); err != nil {
		t.Fatal(err)
	}
	v, err := acs.Viewer(ctx, 100, "王主任")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// decided is a passed committee matter after its vote closed.
func (f *fixture) decided(t *testing.T, title string) Matter {
	t.Helper()
	ctx := context.Background()
	m := f.voting(t, Draft{Title: title, Body: "内容"})
	if _, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, For); err != nil {
		t.Fatal(err)
	}
	*f.clock = f.clock.AddDate(0, 0, 8)
	if err := f.s.Decide(ctx, "王主任", f.cb, m.ID, m.Version, "passed", "同意,由居委会组织实施。"); err != nil {
		t.Fatal(err)
	}
	m, err := f.s.Get(ctx, f.cb, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFollowUpEventAccountability: a decision's follow-up filed as an
// event is linked in the event's transaction; the accountability page
// reads the event as it stands, so closing the event shows 已办结 with its
// date without touching the matter; a second event, a stale version, an
// unknown number and a failed matter are refused.
func TestFollowUpEventAccountability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ev := events.NewStore(db)
		ev.SetClock(func() time.Time { return *f.clock })
		f.s.UseEvents(ev)
		head := f.head(t)
		m := f.decided(t, "增设快递柜")

		if _, err := f.s.FollowUpEvent(ctx, head, "王主任", f.cb, m.ID, m.Version, ""); fault.FieldsOf(err)["category"] == "" {
			t.Fatalf("no category: %v", err)
		}
		if _, err := f.s.FollowUpEvent(ctx, head, "王主任", f.cb, m.ID, m.Version-1, "demand.other"); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale: %v", err)
		}
		cats, err := f.s.FollowUpCategories(ctx)
		if err != nil || len(cats) == 0 {
			t.Fatalf("categories %d %v", len(cats), err)
		}
		e, err := f.s.FollowUpEvent(ctx, head, "王主任", f.cb, m.ID, m.Version, "demand.other")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.Title, "增设快递柜") || e.CommunityID != f.cb || e.Source != events.SourceOffice {
			t.Fatalf("event %+v", e)
		}
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if m.EventID != e.ID || m.Status != Decided {
			t.Fatalf("linked %+v", m)
		}
		if _, err := f.s.FollowUpEvent(ctx, head, "王主任", f.cb, m.ID, m.Version, "demand.other"); !errors.Is(err, ErrFollowedUp) {
			t.Fatalf("second event: %v", err)
		}
		acc := func() Account {
			t.Helper()
			as, err := f.s.Accountability(ctx, f.cb, 0)
			if err != nil || len(as) != 1 {
				t.Fatalf("accountability %d %v", len(as), err)
			}
			return as[0]
		}
		if a := acc(); a.FollowUpState() != "已收到,待受理" || a.TrackingNo != e.TrackingNo || a.VotesFor != 1 {
			t.Fatalf("reported: %q %+v", a.FollowUpState(), a)
		}
		// The event is worked and closed in the events capability only.
		for _, act := range []events.Action{{Name: events.ActAccept, Route: events.LevelCommunity},
			{Name: events.ActFeedback, Note: "快递柜已安装", PublicNote: "已安装"}, {Name: events.ActVerifyPass}, {Name: events.ActClose}} {
			if e, err = ev.Act(ctx, head, e.ID, act); err != nil {
				t.Fatalf("%s: %v", act.Name, err)
			}
		}
		want := "已办结(" + f.clock.Format("2006-01-02") + ")"
		if a := acc(); a.FollowUpState() != want || !a.Closed() {
			t.Fatalf("closed: %q, want %q", a.FollowUpState(), want)
		}
		if err := f.s.MarkDone(ctx, "王主任", f.cb, m.ID, m.Version); err != nil {
			t.Fatal(err)
		}
		if a := acc(); a.Status != Done || a.FollowUpState() != want {
			t.Fatalf("done: %+v", a)
		}

		// Linking by number: the community's own events only.
		m2 := f.decided(t, "楼道清理")
		if err := f.s.LinkEvent(ctx, "王主任", f.cb, m2.ID, m2.Version, "E000"); fault.FieldsOf(err)["tracking_no"] == "" {
			t.Fatalf("unknown number: %v", err)
		}
		if err := f.s.LinkEvent(ctx, "王主任", f.cb, m2.ID, m2.Version, strings.ToLower(e.TrackingNo)); err != nil {
			t.Fatal(err)
		}
		if m2, _ = f.s.Get(ctx, f.cb, m2.ID); m2.EventID != e.ID {
			t.Fatalf("linked by number %+v", m2)
		}
		if err := f.s.LinkEvent(ctx, "王主任", f.cn, m2.ID, m2.Version, e.TrackingNo); fault.FieldsOf(err)["tracking_no"] == "" {
			t.Fatalf("another community's event: %v", err)
		}

		// A failed matter has nothing to carry out.
		m3 := f.voting(t, Draft{Title: "出租广告位", Body: "内容"})
		*f.clock = f.clock.AddDate(0, 0, 8)
		if err := f.s.Decide(ctx, "王主任", f.cb, m3.ID, m3.Version, "failed", "未过半。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.FollowUpEvent(ctx, head, "王主任", f.cb, m3.ID, m3.Version+1, "demand.other"); !fault.Is(err, fault.Illegal) {
			t.Fatalf("failed matter: %v", err)
		}
		as, _ := f.s.Accountability(ctx, f.cb, 0)
		if len(as) != 3 || as[0].ID != m3.ID || as[0].FollowUpState() != "未通过,无需落实" {
			t.Fatalf("three decided, newest first: %+v", as)
		}
	})
}

// TestProposerNotified: the resident who proposed is told by SMS through
// the outbox when the proposal is approved, rejected (with the reason) and
// decided; the committee's matters tell no one.
func TestProposerNotified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := db.ExecContext(ctx, `UPDATE persons SET phone = '13800000001' WHERE id = $1`, f.lao.PersonID); err != nil {
			t.Fatal(err)
		}
		sms := func() []string {
			t.Helper()
			rows, err := db.QueryContext(ctx, `SELECT recipient, body FROM notify_outbox ORDER BY created_at, id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var to, body string
				rows.Scan(&to, &body)
				out = append(out, to+" "+body)
			}
			return out
		}
		a, err := f.s.ProposeAsResident(ctx, &f.lao, Draft{Title: "增设快递柜", Body: "建议增设快递柜。"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.ProposeAsResident(ctx, &f.lao, Draft{Title: "出租广告位", Body: "出租围墙。"})
		if err != nil {
			t.Fatal(err)
		}
		if got := sms(); len(got) != 0 {
			t.Fatalf("before moderation: %q", got)
		}
		if err := f.s.Approve(ctx, "王主任", f.cb, a.ID, a.Version); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Reject(ctx, "王主任", f.cb, b.ID, b.Version, "须经业主大会决定"); err != nil {
			t.Fatal(err)
		}
		a, _ = f.s.Get(ctx, f.cb, a.ID)
		if err := f.s.OpenVoting(ctx, "王主任", f.cb, a.ID, a.Version, *f.clock, f.clock.AddDate(0, 0, 7)); err != nil {
			t.Fatal(err)
		}
		*f.clock = f.clock.AddDate(0, 0, 8)
		a, _ = f.s.Get(ctx, f.cb, a.ID)
		if err := f.s.Decide(ctx, "王主任", f.cb, a.ID, a.Version, "failed", "无人投票。"); err != nil {
			t.Fatal(err)
		}
		f.decided(t, "委员会的议题")
		got := sms()
		want := []string{"“增设快递柜”已通过审核", "“出租广告位”未通过审核。理由:须经业主大会决定", "“增设快递柜”已作出决定:未通过"}
		if len(got) != len(want) {
			t.Fatalf("messages %q", got)
		}
		for i, w := range want {
			if !strings.HasPrefix(got[i], "13800000001 【城北社区】您提出的议题") || !strings.Contains(got[i], w) {
				t.Errorf("message %d: %q, want %q", i, got[i], w)
			}
			if strings.Contains(got[i], f.lao.Name) {
				t.Errorf("message %d names the person: %q", i, got[i])
			}
		}
	})
}
