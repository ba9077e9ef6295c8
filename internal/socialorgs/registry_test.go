package socialorgs

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// TestRegistry: an organisation is registered, filed with the street,
// edited on its version (a stale save conflicts), and every save is in its
// history; a hub names the organisations it supports.
func TestRegistry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: " ", Kind: "nope", Status: "filed"})
		for _, field := range []string{"name", "kind", "filing_number", "filed_on"} {
			refusedAt(t, "empty draft", err, field)
		}
		_, err = f.s.Create(ctx, f.staff, f.other.ID, Draft{Name: "舞蹈队", Kind: "culture"})
		refusedAt(t, "another community", err, "org")
		_, err = f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "舞蹈队", Kind: "culture", LeaderID: f.stranger.ID})
		refusedAt(t, "a leader of another community", err, "leader")
		_, err = f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "舞蹈队", Kind: "culture", Status: "filed",
			FilingNumber: "CB-2026-01", FiledOn: "2026-06-01"})
		refusedAt(t, "filed tomorrow", err, "filed_on")

		dance, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "舞蹈队", Kind: "culture", LeaderID: f.persons[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if dance.Status != "preparing" || dance.Version != 1 || dance.Leader != "王秀英" || dance.FiledByID != 0 {
			t.Fatalf("created %+v", dance)
		}
		if _, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "舞蹈队", Kind: "culture"}); fault.FieldsOf(err)["name"] == "" {
			t.Fatalf("same name twice: %v", err)
		}
		d := Draft{Name: "舞蹈队", Kind: "culture", Status: "filed", FilingNumber: "CB-2026-01", FiledOn: "2026-04-20",
			LeaderID: f.persons[1].ID}
		filed, err := f.s.Update(ctx, f.staff, dance.ID, dance.Version, d)
		if err != nil {
			t.Fatal(err)
		}
		if filed.Version != 2 || filed.Status != "filed" || filed.FiledByID != f.street.ID || filed.FiledBy != "真武洞街道" {
			t.Fatalf("filed %+v", filed)
		}
		d.Purpose = "广场舞"
		_, err = f.s.Update(ctx, f.staff, dance.ID, dance.Version, d)
		refusedWith(t, "a stale save", err, fault.Conflict, "保存冲突")
		got, _ := f.s.Org(ctx, f.staff, dance.ID)
		if got.Purpose != "" || got.Version != 2 {
			t.Fatalf("the stale save changed the record: %+v", got)
		}

		hub, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "社区社会组织联合会", Kind: "service", Hub: true,
			Supports: []int64{dance.ID, dance.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(hub.Supports) != 1 || hub.Supports[0].ID != dance.ID {
			t.Fatalf("hub supports %+v", hub.Supports)
		}
		got, _ = f.s.Org(ctx, f.staff, dance.ID)
		if len(got.SupportedBy) != 1 || got.SupportedBy[0].ID != hub.ID {
			t.Fatalf("supported by %+v", got.SupportedBy)
		}
		_, err = f.s.Update(ctx, f.staff, hub.ID, hub.Version, Draft{Name: hub.Name, Kind: "service", Hub: true, Supports: []int64{hub.ID}})
		refusedAt(t, "a hub supporting itself", err, "supports")
		// No longer a hub: it supports no one.
		if _, err := f.s.Update(ctx, f.staff, hub.ID, hub.Version, Draft{Name: hub.Name, Kind: "service", Supports: []int64{dance.ID}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Org(ctx, f.staff, dance.ID); len(got.SupportedBy) != 0 {
			t.Fatalf("still supported by %+v", got.SupportedBy)
		}

		_, err = f.s.Update(ctx, f.staff, dance.ID, 2, Draft{Name: "舞蹈队", Kind: "culture", Status: "dissolved",
			FilingNumber: "CB-2026-01", FiledOn: "2026-04-20", DissolvedOn: "2026-04-01"})
		refusedAt(t, "dissolved before filed", err, "dissolved_on")

		h, err := f.s.History(ctx, f.staff, dance.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Version != 2 || h[0].Summary != "修改备案状态:筹备→已备案、备案编号或日期" || h[1].Action != "create" {
			t.Fatalf("history %+v", h)
		}

		list, err := f.s.List(ctx, f.staff, f.cb.ID, Filter{Status: "filed"})
		if err != nil || len(list) != 1 || list[0].ID != dance.ID {
			t.Fatalf("filed list %+v %v", list, err)
		}
		if list, _ := f.s.List(ctx, f.staff, f.cb.ID, Filter{Query: "联合"}); len(list) != 1 || list[0].ID != hub.ID {
			t.Fatalf("query list %+v", list)
		}
		if _, err := f.s.List(ctx, f.staff, f.other.ID, Filter{}); err == nil {
			t.Fatal("listed another community")
		}
		if _, err := f.s.Org(ctx, Staff{May: func(int64) bool { return false }}, dance.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("out of scope: %v", err)
		}
		pub, err := f.s.PublicList(ctx, f.cb.ID)
		if err != nil || len(pub) != 1 || pub[0].FilingNumber != "CB-2026-01" {
			t.Fatalf("public %+v %v", pub, err)
		}
	})
}

// TestMembersAndActivities: members are persons of the register, never
// twice at once; activities count a year and take the members present.
func TestMembersAndActivities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		o, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Name: "老年人协会", Kind: "service"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Join(ctx, f.staff, o.ID, f.stranger.ID, "", "")
		refusedAt(t, "a person of another community", err, "person")
		_, err = f.s.Join(ctx, f.staff, o.ID, f.persons[0].ID, "", "2026-13-01")
		refusedAt(t, "a bad day", err, "joined_on")
		m, err := f.s.Join(ctx, f.staff, o.ID, f.persons[0].ID, "会长", "2026-01-10")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Join(ctx, f.staff, o.ID, f.persons[0].ID, "", "")
		refusedWith(t, "a second membership", err, fault.Conflict, "重复")
		if _, err := f.s.Join(ctx, f.staff, o.ID, f.persons[1].ID, "", "2026-02-01"); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Org(ctx, f.staff, o.ID); got.Members != 2 {
			t.Fatalf("members %d", got.Members)
		}
		refusedAt(t, "left before joined", f.s.Leave(ctx, f.staff, o.ID, m.ID, "2026-01-01"), "left_on")
		if err := f.s.Leave(ctx, f.staff, o.ID, m.ID, "2026-03-01"); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Org(ctx, f.staff, o.ID); got.Members != 1 {
			t.Fatalf("members after a leave %d", got.Members)
		}
		// Left, they may join again.
		if _, err := f.s.Join(ctx, f.staff, o.ID, f.persons[0].ID, "", "2026-04-01"); err != nil {
			t.Fatal(err)
		}
		all, _ := f.s.Members(ctx, f.staff, o.ID, true)
		if len(all) != 3 {
			t.Fatalf("all memberships %+v", all)
		}

		_, err = f.s.Record(ctx, f.staff, o.ID, Activity{Title: "重阳节登山", HeldOn: "2026-06-01", Participants: 10})
		refusedAt(t, "a future activity", err, "held_on")
		_, err = f.s.Record(ctx, f.staff, o.ID, Activity{Title: "重阳节登山", HeldOn: "2026-03-15"})
		refusedAt(t, "no participants", err, "participants")
		// person 0 was not a member on 03-15 (left 03-01, back 04-01).
		_, err = f.s.Record(ctx, f.staff, o.ID, Activity{Title: "茶话会", HeldOn: "2026-03-15", PersonIDs: []int64{f.persons[0].ID}})
		refusedAt(t, "a non-member", err, "members")
		a, err := f.s.Record(ctx, f.staff, o.ID, Activity{Title: "茶话会", HeldOn: "2026-04-15", Place: "活动室",
			PersonIDs: []int64{f.persons[0].ID, f.persons[1].ID, f.persons[1].ID}})
		if err != nil || a.Participants != 2 {
			t.Fatalf("activity %+v %v", a, err)
		}
		if _, err := f.s.Record(ctx, f.staff, o.ID, Activity{Title: "去年的活动", HeldOn: "2025-12-20", Participants: 30}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Org(ctx, f.staff, o.ID); got.Activities != 1 {
			t.Fatalf("activities this year %d", got.Activities)
		}
		if acts, _ := f.s.Activities(ctx, f.staff, o.ID, 2025); len(acts) != 1 || acts[0].Participants != 30 {
			t.Fatalf("2025 %+v", acts)
		}
	})
}
