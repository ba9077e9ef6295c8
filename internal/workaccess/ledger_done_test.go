package workaccess

import (
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// TestLedgerCountsDoneDemands: work a community marked done in its inbox,
// resting on a catalogue item, counts in the ledger for the month it was
// marked done — one occurrence a demand — unless the staff recorded that
// month's work on the item by hand, which then stands (even as 0). Work on
// no item, accepted but not done, or refused counts nothing.
func TestLedgerCountsDoneDemands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		v := *access.System
		v.Name = "社区 李"
		on := func(y int, m time.Month, d int) *Service {
			return NewService(db, func() time.Time { return at(y, m, d, 10, 0) })
		}
		demand := func(community, item int64, title string) *Demand {
			t.Helper()
			d, err := on(2026, 2, 20).Send(ctx, &v, DemandDraft{Kind: "item", Title: title, Department: "civil",
				DueOn: "2026-03-31", CommunityID: community, WorkItemID: item})
			if err != nil {
				t.Fatal(err)
			}
			if d, err = on(2026, 2, 21).Answer(ctx, &v, d.ID, d.Version, false, ""); err != nil {
				t.Fatal(err)
			}
			return d
		}
		complete := func(s *Service, d *Demand) {
			t.Helper()
			if _, err := s.Complete(ctx, &v, d.ID, d.Version); err != nil {
				t.Fatal(err)
			}
		}
		// A: two on the per-occurrence item done in March, one in April
		// (marked 1 April, Shanghai), one accepted and left; B: one done
		// in March, and a campaign on no item done too.
		a1, a2, a3, a4 := demand(w.a, w.occ, "入户一"), demand(w.a, w.occ, "入户二"), demand(w.a, w.occ, "入户三"), demand(w.a, w.occ, "入户四")
		complete(on(2026, 3, 2), a1)
		complete(on(2026, 3, 31), a2)
		complete(NewService(db, func() time.Time { return time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC) }), a3) // 1 April 00:30 in Shanghai
		_ = a4
		b1 := demand(w.b, w.occ, "入户五")
		complete(on(2026, 3, 9), b1)
		camp, err := on(2026, 3, 1).Send(ctx, &v, DemandDraft{Kind: "campaign", Title: "宣传", CommunityID: w.b, DueOn: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		camp, _ = on(2026, 3, 2).Answer(ctx, &v, camp.ID, camp.Version, false, "")
		complete(on(2026, 3, 3), camp)

		due := func(from, to string) map[int64]int64 {
			t.Helper()
			lg, err := w.s.Ledger(ctx, w.area(t, w.street), from, to)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]int64{}
			for _, l := range lg.Lines {
				if l.Department == "civil" {
					out[l.Community] += l.DueFen
				}
			}
			return out
		}
		// Civil's March for A: 2 × 50 元 + the household item's 319 分; B:
		// 1 × 50 元 + 212 分. April: A's third, 3 户 × 12.50 元 for 30 days.
		if got := due("2026-03", "2026-03"); got[w.a] != 10000+319 || got[w.b] != 5000+212 {
			t.Errorf("March from the inbox: %v", got)
		}
		aprilHH := int64((3750*120+182)/365 - (3750*90+182)/365)
		if got := due("2026-04", "2026-04"); got[w.a] != 5000+aprilHH {
			t.Errorf("April from the inbox: %v, want %d", got, 5000+aprilHH)
		}
		// The staff record March by hand: their count stands, not added to.
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 5); err != nil {
			t.Fatal(err)
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.b, w.occ, "2026-03", 0); err != nil {
			t.Fatal(err)
		}
		if got := due("2026-03", "2026-03"); got[w.a] != 25000+319 || got[w.b] != 212 {
			t.Errorf("March recorded by hand: %v", got)
		}
		if got := due("2026-03", "2026-04"); got[w.a] != 25000+319+5000+aprilHH {
			t.Errorf("March and April: %v", got)
		}
		// The /work-done form shows what the inbox holds beside the count.
		lines, err := w.s.Done(ctx, w.a, "2026-04")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if l.ItemID == w.occ && (l.Recorded || l.FromInbox != 1) {
				t.Errorf("April line %+v", l)
			}
		}

		// Marking done: accepted work only, at its version, once.
		if _, err := w.s.Complete(ctx, &v, a1.ID, a1.Version+1); !fault.Is(err, fault.Conflict) {
			t.Errorf("done twice: %v", err)
		}
		if _, err := w.s.Complete(ctx, &v, a4.ID, a4.Version-1); !fault.Is(err, fault.Conflict) {
			t.Errorf("stale version: %v", err)
		}
		open, err := w.s.Send(ctx, &v, DemandDraft{Kind: "item", Title: "未接收", CommunityID: w.a, WorkItemID: w.occ, DueOn: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Complete(ctx, &v, open.ID, open.Version); !fault.Is(err, fault.Illegal) {
			t.Errorf("open work marked done: %v", err)
		}
	})
}
