package partymembers

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestStaffActsByMonth: the staff's acts of 双报到 count once each in the
// month they belong to — a registration and a re-report by the day
// reported (a March re-report recorded in April counts in March), a wish
// when posted (cancelled later or not) and when confirmed, an employer's
// card when first sent: a card downloaded twice counts once, a preview of
// a quarter not over and a reader's download count nothing; the cards of
// the last quarter over show as sent or due.
func TestStaffActsByMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db) // 2026-01-05
		if q := f.s.LastQuarter(); q != "2025Q4" {
			t.Fatalf("the last quarter over on 2026-01-05: %s", q)
		}
		a := f.member(t, "区税务局", "2025-12-01") // December
		b := f.member(t, "城北小学", "")           // January
		_, resident := f.household(t, "")
		w1, err := f.s.PostWish(ctx, f.staff, WishForm{IDNumber: resident.IDNumber, Title: "修理轮椅"}) // January
		if err != nil {
			t.Fatal(err)
		}
		w1, err = f.s.Step(ctx, f.staff, w1.ID, Move{Action: "claim", Version: w1.Version, MemberID: b.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.setDay(2026, 1, 30)
		if w1, err = f.s.Step(ctx, f.staff, w1.ID, Move{Action: "fulfil", Version: w1.Version, Hours: "1", Note: "换了轮胎"}); err != nil {
			t.Fatal(err)
		}
		f.setDay(2026, 2, 2)
		if _, err = f.s.Step(ctx, f.staff, w1.ID, Move{Action: "confirm", Version: w1.Version}); err != nil { // February
			t.Fatal(err)
		}
		w2, err := f.s.PostWish(ctx, f.staff, WishForm{IDNumber: resident.IDNumber, Title: "换灯泡"}) // February
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Step(ctx, f.staff, w2.ID, Move{Action: "cancel", Version: w2.Version, Note: "已自行解决"}); err != nil {
			t.Fatal(err)
		}
		// The re-report of 28 March recorded on 2 April.
		f.setDay(2026, 4, 2)
		if _, err := f.s.ReportAgain(ctx, f.staff, a.ID, a.Version, "2026-03-28", ""); err != nil {
			t.Fatal(err)
		}
		if q := f.s.LastQuarter(); q != "2026Q1" {
			t.Fatalf("the last quarter over on 2026-04-02: %s", q)
		}
		due, sent, err := f.s.CardsDue(ctx, []int64{f.cb.ID}, "2026Q1")
		if err != nil || len(due) != 2 || sent != 0 || due[0].Employer != "区税务局" || due[0].Members != 1 || due[0].Sent() {
			t.Fatalf("the first quarter's cards before any was sent: %+v %d %v", due, sent, err)
		}
		// A reader (the street) downloads 城北小学's card: not a sending.
		reader := Staff{Name: "街道", Scope: access.Scope{}}
		if c, err := f.s.SendCard(ctx, reader, f.cb.ID, "城北小学", "2026Q1", ""); err != nil || c.Sent || !strings.HasPrefix(string(c.Body), "%PDF") {
			t.Fatalf("a reader's download: sent %v, %v", c.Sent, err)
		}
		// The staff send 区税务局's card, then print it again as xlsx.
		for i, format := range []string{"pdf", "xlsx"} {
			c, err := f.s.SendCard(ctx, f.staff, f.cb.ID, "区税务局", "2026-q1", format)
			if err != nil || c.Sent != (i == 0) || c.Code != "2026Q1" || c.Format != format {
				t.Fatalf("download %d of the card: sent %v, %s %s, %v", i, c.Sent, c.Code, c.Format, err)
			}
		}
		// The second quarter is not over: a preview.
		if c, err := f.s.SendCard(ctx, f.staff, f.cb.ID, "区税务局", "2026Q2", "xlsx"); err != nil || c.Sent {
			t.Fatalf("a preview of the quarter running: sent %v, %v", c.Sent, err)
		}
		if _, err := f.s.SendCard(ctx, f.staff, f.cb.ID, "区税务局", "2026Q1", "doc"); err == nil {
			t.Fatal("a format neither pdf nor xlsx")
		}
		due, sent, _ = f.s.CardsDue(ctx, []int64{f.cb.ID}, "2026Q1")
		if sent != 1 || !due[0].Sent() || due[0].SentOn != "2026-04-02" || due[0].SentBy != "社区干部" || due[1].Sent() {
			t.Fatalf("the first quarter's cards: %+v %d", due, sent)
		}
		f.setDay(2026, 4, 9)
		if c, err := f.s.SendCard(ctx, f.staff, f.cb.ID, "城北小学", "2026Q1", ""); err != nil || !c.Sent {
			t.Fatalf("城北小学's card: sent %v, %v", c.Sent, err)
		}
		if c, err := f.s.SendCard(ctx, f.staff, f.cb.ID, "区税务局", "2025", ""); err != nil || !c.Sent || c.Code != "2025" {
			t.Fatalf("the yearly evaluation of 2025: %+v, %v", c.Code, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_cards_sent`); n != 3 {
			t.Fatalf("%d cards sent, want 3", n)
		}

		got, err := f.s.DoneByMonth(ctx, []int64{f.cb.ID}, "2025-11", "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		c := f.cb.ID
		want := map[string]map[int64]int{
			"2025-12": {c: 1}, // a registered
			"2026-01": {c: 2}, // b registered, the wheelchair wished
			"2026-02": {c: 2}, // the wheelchair confirmed, the bulb wished (then cancelled)
			"2026-03": {c: 1}, // a reported again
			"2026-04": {c: 3}, // two quarterly cards, one yearly evaluation
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the acts by month:\n got %v\nwant %v", got, want)
		}
		if got, _ := f.s.DoneByMonth(ctx, []int64{c}, "2026-01", "2026-03"); len(got) != 3 || got["2026-04"] != nil {
			t.Fatalf("January to March: %v", got)
		}
		if got, _ := f.s.DoneByMonth(ctx, []int64{database.NewID()}, "2025-01", "2026-12"); len(got) != 0 {
			t.Fatalf("another community: %v", got)
		}
	})
}
