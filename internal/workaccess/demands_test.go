package workaccess

import (
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

// inboxWorld is a street with two communities, a second street with one,
// and the people who send and answer.
type inboxWorld struct {
	s                                *Service
	cb, nan, other                   int64
	civil, street, cbHand, otherHand *access.Viewer
}

func newInboxWorld(t *testing.T, db *database.DB) *inboxWorld {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(db)
	mk := func(parent int64, level, name, code string) int64 {
		u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code}
		if err := org.Create(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	district := mk(0, "district", "安塞区", "610603")
	street := mk(district, "street", "真武洞街道", "610603100000")
	w := &inboxWorld{s: NewService(db, func() time.Time { return at(2026, 11, 2, 9, 0) })}
	w.cb = mk(street, "community", "城北社区", "610603100001")
	w.nan = mk(street, "community", "城南社区", "610603100002")
	otherStreet := mk(district, "street", "金明街道", "610603001000")
	w.other = mk(otherStreet, "community", "金明社区", "610603001001")
	acs := access.NewService(db)
	viewer := func(user int64, role string, unit int64, name string) *access.Viewer {
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, user, name); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: user, Role: role, Units: []int64{unit}}); err != nil {
			t.Fatal(err)
		}
		v, err := acs.Viewer(ctx, user, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	w.civil = viewer(1, "dept_civil", street, "民政 王")
	w.street = viewer(2, "street_operator", street, "街道 李")
	w.cbHand = viewer(3, "community_staff", w.cb, "城北 张")
	w.otherHand = viewer(4, "community_staff", w.other, "金明 赵")
	return w
}

func ids(ds []*Demand) map[int64]bool {
	out := map[int64]bool{}
	for _, d := range ds {
		out[d.ID] = true
	}
	return out
}

// TestDemandRefusal: work on no admitted item, on the negative list or
// unfunded is refused in one step with its grounds recorded; an admitted,
// funded item only with a reason, asked for at the field.
func TestDemandRefusal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newInboxWorld(t, db)
		send := func(kind string, item int64) *Demand {
			d, err := w.s.Send(ctx, w.civil, DemandDraft{Kind: kind, Title: "工作" + kind, Department: "civil",
				DueOn: "2026-11-20", CommunityID: w.cb, WorkItemID: item})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		// 1001 admitted, funded by the year; 1003 admitted, unfunded; 1119 negative.
		for _, c := range []struct {
			kind   string
			item   int64
			reason string
		}{{"campaign", 0, "未准入"}, {"item", 1003, "无经费保障"}, {"item", 1119, "负面清单事项"}} {
			d := send(c.kind, c.item)
			if d.Obligation() {
				t.Errorf("%s on %d shown as an obligation", c.kind, c.item)
			}
			got, err := w.s.Answer(ctx, w.cbHand, d.ID, d.Version, true, "")
			if err != nil {
				t.Fatalf("%s on %d: %v", c.kind, c.item, err)
			}
			if got.Status != DemandRefused || got.RefusalReason != c.reason || got.AnsweredBy != "城北 张" {
				t.Errorf("%s on %d: %s %q", c.kind, c.item, got.Status, got.RefusalReason)
			}
		}
		duty := send("item", 1001)
		if !duty.Obligation() || duty.Grounds() != "" {
			t.Fatalf("admitted funded item not an obligation: %q", duty.Grounds())
		}
		_, err := w.s.Answer(ctx, w.cbHand, duty.ID, duty.Version, true, "  ")
		if got := fault.FieldsOf(err)["reason"]; got != "该工作属已准入且有经费的事项,拒绝须写明理由" {
			t.Fatalf("refusing an obligation without reason: %q (%v)", got, err)
		}
		got, err := w.s.Answer(ctx, w.cbHand, duty.ID, duty.Version, true, "本季度已召开")
		if err != nil || got.RefusalReason != "本季度已召开" {
			t.Fatalf("refusal with reason: %+v %v", got, err)
		}
		if _, err := w.s.Answer(ctx, w.cbHand, duty.ID, duty.Version, false, ""); !fault.Is(err, fault.Illegal) {
			t.Fatalf("answering twice: %v", err)
		}
		// A revoked item is admitted no more.
		it, _ := w.s.Item(ctx, 1005)
		if err := w.s.Revoke(ctx, "审查组", it.ID, it.Version, "并入1001"); err != nil {
			t.Fatal(err)
		}
		rev := send("item", 1005)
		if rev.Grounds() != "未准入" {
			t.Fatalf("demand on a revoked item: %q", rev.Grounds())
		}
		acc, err := w.s.Answer(ctx, w.cbHand, rev.ID, rev.Version, false, "")
		if err != nil || acc.Status != Accepted {
			t.Fatalf("accept: %+v %v", acc, err)
		}
	})
}

// TestDemandScope: a community sees and answers its own inbox only, the
// street sees its communities', a department what it sent within its
// street; nobody sends outside their own.
func TestDemandScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newInboxWorld(t, db)
		draft := DemandDraft{Kind: "meeting", Title: "防汛会议", Department: "civil", DueOn: "2026-11-10", CommunityID: w.cb}
		cb, err := w.s.Send(ctx, w.civil, draft)
		if err != nil {
			t.Fatal(err)
		}
		draft.CommunityID = w.nan
		nan, err := w.s.Send(ctx, w.civil, draft)
		if err != nil {
			t.Fatal(err)
		}
		draft.CommunityID = w.other
		if _, err := w.s.Send(ctx, w.civil, draft); fault.FieldsOf(err)["community_id"] == "" {
			t.Fatalf("sent outside its street: %v", err)
		}
		draft.Department = "police"
		draft.CommunityID = w.cb
		if _, err := w.s.Send(ctx, w.civil, draft); fault.FieldsOf(err)["department"] == "" {
			t.Fatalf("sent in another department's name: %v", err)
		}
		if _, err := w.s.Send(ctx, w.cbHand, draft); err == nil {
			t.Fatal("a community sent a demand")
		}
		draft.Department = ""
		byStreet, err := w.s.Send(ctx, w.street, draft)
		if err != nil || byStreet.FromName != "街道" {
			t.Fatalf("street sends: %+v %v", byStreet, err)
		}
		see := func(v *access.Viewer) map[int64]bool {
			ds, err := w.s.Demands(ctx, v, "")
			if err != nil {
				t.Fatal(err)
			}
			return ids(ds)
		}
		if got := see(w.cbHand); len(got) != 2 || !got[cb.ID] || !got[byStreet.ID] {
			t.Errorf("城北 sees %v", got)
		}
		if got := see(w.otherHand); len(got) != 0 {
			t.Errorf("金明 sees %v", got)
		}
		if got := see(w.street); len(got) != 3 {
			t.Errorf("street sees %v", got)
		}
		if got := see(w.civil); len(got) != 2 || !got[cb.ID] || !got[nan.ID] {
			t.Errorf("民政 sees %v", got)
		}
		if _, err := w.s.Answer(ctx, w.otherHand, cb.ID, cb.Version, false, ""); !fault.Is(err, fault.NotFound) {
			t.Errorf("another community answered: %v", err)
		}
		if _, err := w.s.Answer(ctx, w.street, cb.ID, cb.Version, false, ""); !fault.Is(err, fault.NotFound) {
			t.Errorf("the street answered for the community: %v", err)
		}
		secs, err := w.s.Workbench(ctx, w.cbHand, at(2026, 11, 12, 9, 0))
		if err != nil || len(secs) != 1 || secs[0].Count != 2 || secs[0].Overdue != 2 || secs[0].Items[0].Badge != "未准入" {
			t.Fatalf("workbench %+v %v", secs, err)
		}
		if secs, _ := w.s.Workbench(ctx, w.civil, at(2026, 11, 12, 9, 0)); len(secs) != 0 {
			t.Errorf("a department's workbench holds the inbox: %+v", secs)
		}
	})
}

// TestDemoDemands: the demo's inbox holds accepted and done work,
// refusals with their grounds and an open campaign not admitted; a second
// load adds none.
func TestDemoDemands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newInboxWorld(t, db)
		for range 2 {
			if err := LoadDemo(ctx, db, 1, at(2026, 12, 7, 10, 0)); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := w.s.Demands(ctx, w.cbHand, "")
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		openCampaign := false
		for _, d := range ds {
			n[d.Status]++
			if d.Status == DemandRefused && d.RefusalReason == "" {
				t.Errorf("refusal without reason: %s", d.Title)
			}
			openCampaign = openCampaign || d.Status == Open && d.Kind == "campaign" && d.Grounds() == "未准入"
		}
		if len(ds) != 10 || n[Accepted] != 1 || n[Done] != 3 || n[DemandRefused] != 4 || n[Open] != 2 || !openCampaign {
			t.Errorf("demo inbox %v, open campaign not admitted %v", n, openCampaign)
		}
		if all, _ := w.s.Demands(ctx, w.street, ""); len(all) != 20 {
			t.Errorf("the street sees %d demo demands", len(all))
		}
	})
}
