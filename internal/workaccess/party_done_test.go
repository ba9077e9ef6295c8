package workaccess

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/partymembers"
)

// TestPartyActsAreWorkDone: the staff's acts of 在职党员双报到 — members
// registered and re-reports recorded, 微心愿 recorded and confirmed,
// employers' cards sent — are the work done of the item counted from them
// (the sample's 在职党员到社区报到(双报到)服务管理, 20 minutes each), for a
// community and month its staff recorded nothing by hand; a month
// recorded by hand stands; the board's month, its trend and the ledger
// agree.
func TestPartyActsAreWorkDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		var from, dept, freq string
		var minutes int
		if err := db.QueryRowContext(ctx, `SELECT counted_from, department, frequency, staff_minutes FROM work_items
			WHERE id = 1125 AND sample = 1`).Scan(&from, &dept, &freq, &minutes); err != nil || from != CountedFromParty ||
			dept != "organization" || freq != "按需" || minutes != 20 {
			t.Fatalf("the sample's party item: %q %q %q, %d minutes, %v", from, dept, freq, minutes, err)
		}
		w := newLedgerWorld(t, db)
		w.s.CountParty(partymembers.NewService(db, nil, nil, nil))
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// The per-occurrence item (3 hours) counts the acts.
		exec(`UPDATE work_items SET counted_from = 'party' WHERE id = $1`, w.occ)
		report := func(c int64, day, kind string) {
			t.Helper()
			exec(`INSERT INTO party_member_reports (community_id, id, member_id, reported_on, kind, created_at)
				VALUES ($1, $2, $3, $4, $5, '2026-04-01T00:00:00Z')`, c, database.NewID(), database.NewID(), day, kind)
		}
		wish := func(c int64, posted, status, confirmed string) {
			t.Helper()
			exec(`INSERT INTO party_wishes (community_id, id, person_id, title, posted_on, deadline_on, status, confirmed_on,
				created_at, updated_at) VALUES ($1, $2, 1, '修理轮椅', $3, '2026-12-31', $4, $5, '2026-01-01T00:00:00Z',
				'2026-01-01T00:00:00Z')`, c, database.NewID(), posted, status, confirmed)
		}
		card := func(c int64, employer, period, day string) {
			t.Helper()
			exec(`INSERT INTO party_cards_sent (community_id, employer, period, sent_on, sent_at)
				VALUES ($1, $2, $3, $4, '2026-01-01T00:00:00Z')`, c, employer, period, day)
		}
		report(w.b, "2026-03-02", "first")
		report(w.b, "2026-03-28", "again")
		report(w.b, "2026-02-10", "again")
		wish(w.b, "2026-03-03", "confirmed", "2026-03-20") // recorded and confirmed in March: two acts
		wish(w.b, "2026-02-20", "confirmed", "2026-03-05") // recorded in February, confirmed in March
		wish(w.b, "2026-03-09", "cancelled", "")           // recorded, then cancelled: one act
		card(w.b, "区税务局", "2025Q4", "2026-03-06")
		card(w.b, "区税务局", "2026Q1", "2026-04-03") // April: outside
		report(w.a, "2026-03-02", "first")        // a recorded March by hand (1): its acts do not count
		report(w.a, "2026-03-16", "again")
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 1); err != nil {
			t.Fatal(err)
		}

		b, err := w.s.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		// a: 1 × 180 by hand, the per-household item expected (40), the
		// yearly (50); b: 7 acts × 180 (two reports, two wishes recorded,
		// two confirmed, a card), the same two.
		want := map[int64]int64{w.a: 1*180 + 40 + 50, w.b: 7*180 + 40 + 50}
		for _, col := range b.Communities {
			if col.MinutesDemanded != want[col.ID] {
				t.Errorf("%d: %d minutes in March, want %d", col.ID, col.MinutesDemanded, want[col.ID])
			}
			lg, err := w.s.Ledger(ctx, w.area(t, col.ID), "2026-03", "2026-03")
			if err != nil {
				t.Fatal(err)
			}
			if col.FundsDueFen != lg.DueFen {
				t.Errorf("%d: board due %d, ledger %d", col.ID, col.FundsDueFen, lg.DueFen)
			}
		}
		lg, err := w.s.Ledger(ctx, w.area(t, w.street), "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lg.Departments {
			// civil: a's 1 by hand and b's 7 acts, 50 yuan each.
			if l.Department == "civil" && (l.ImposedMinutes != 8*180 || l.DueFen < 8*5000) {
				t.Errorf("the ledger's civil line %+v", l)
			}
		}
		feb := b.Trend[10]
		febBoard, err := w.s.Board(ctx, w.street, "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if feb.Period != "2026-02" || feb.MinutesDemanded != febBoard.Total.MinutesDemanded {
			t.Errorf("February in March's trend %+v, February's board %d minutes", feb, febBoard.Total.MinutesDemanded)
		}
		for _, col := range febBoard.Communities {
			if col.ID == w.b && col.MinutesDemanded != 2*180+40 {
				t.Errorf("b in February: %d minutes, want 2 acts and the per-household item expected", col.MinutesDemanded)
			}
		}
		// Unwired, the acts count nothing: b's March is the other items'
		// expected minutes (the per-occurrence item is 按需: none).
		plain := NewService(db, nil)
		p, err := plain.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range p.Communities {
			if col.ID == w.b && col.MinutesDemanded != 40+50 {
				t.Errorf("b in March, nothing counted: %d minutes", col.MinutesDemanded)
			}
		}
	})
}
