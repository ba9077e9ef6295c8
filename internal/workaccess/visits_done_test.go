package workaccess

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/visits"
)

// TestVisitsAreWorkDone: the visits recorded are the work done of the item
// counted from them, for a community and month its staff recorded nothing
// by hand, beside the item's done demands; a hand count stands. The
// board's month, its year and the ledger agree.
func TestVisitsAreWorkDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		w.s.CountVisits(visits.NewService(db, nil, nil, nil))
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// The per-occurrence item (50 元, 3 hours) is the visit item here.
		exec(`UPDATE work_items SET counted_from = 'visits' WHERE id = $1`, w.occ)
		visit := func(c int64, on string, n int) {
			t.Helper()
			for range n {
				id := database.NewID()
				exec(`INSERT INTO visits (community_id, id, household_id, client_uuid, visited_on, outcome, author, recorded_at)
					VALUES ($1, $2, 1, $3, $4, 'met', '网格员', '2026-03-01T00:00:00Z')`, c, id, visits.Source(id), on)
			}
		}
		visit(w.a, "2026-03-02", 4) // a recorded March by hand (3): its visits do not count
		visit(w.b, "2026-03-05", 2) // b did not: its 2 visits and its done demand count
		visit(w.b, "2026-03-31", 1)
		visit(w.b, "2026-02-10", 5) // February: b's 5 visits
		visit(w.a, "2026-04-01", 9) // April: outside
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 3); err != nil {
			t.Fatal(err)
		}

		b, err := w.s.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		// a: 3 × 180 by hand; b: 3 visits × 180; each with the expected minutes
		// of the per-household item (40) and the yearly one (50).
		minutes := map[int64]int64{w.a: 3*180 + 40 + 50, w.b: 3*180 + 40 + 50}
		for _, col := range b.Communities {
			lg, err := w.s.Ledger(ctx, w.area(t, col.ID), "2026-03", "2026-03")
			if err != nil {
				t.Fatal(err)
			}
			if col.MinutesDemanded != minutes[col.ID] || col.FundsDueFen != lg.DueFen {
				t.Errorf("%d: %d minutes (want %d), due %d, ledger %d", col.ID, col.MinutesDemanded, minutes[col.ID],
					col.FundsDueFen, lg.DueFen)
			}
		}
		lg, err := w.s.Ledger(ctx, w.area(t, w.street), "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		var civil Line
		for _, l := range lg.Departments {
			if l.Department == "civil" {
				civil = l
			}
		}
		// a's 3 occurrences and b's 3.
		if civil.ImposedMinutes != 6*180 || len(b.Departments) != len(lg.Departments) {
			t.Errorf("the ledger's civil line %+v; board %+v", civil, b.Departments)
		}
		for i := range b.Departments {
			g, l := b.Departments[i], lg.Departments[i]
			if g.Department != l.Department || g.DueFen != l.DueFen || g.ImposedMinutes != l.ImposedMinutes {
				t.Errorf("month: board %+v, ledger %+v", g, l)
			}
		}
		year, err := w.s.Ledger(ctx, w.area(t, w.street), "2026-01", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.YearDepartments) != len(year.Departments) {
			t.Fatalf("year: board %+v, ledger %+v", b.YearDepartments, year.Departments)
		}
		for i := range b.YearDepartments {
			g, l := b.YearDepartments[i], year.Departments[i]
			if g.Department != l.Department || g.DueFen != l.DueFen || g.ImposedMinutes != l.ImposedMinutes {
				t.Errorf("year: board %+v, ledger %+v", g, l)
			}
		}
		feb := b.Trend[10]
		if feb.Period != "2026-02" {
			t.Fatalf("trend %+v", b.Trend)
		}
		// February: b's 5 visits; a recorded nothing and did none, so it is
		// counted at the item's expected minutes.
		febBoard, err := w.s.Board(ctx, w.street, "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if feb.MinutesDemanded != febBoard.Total.MinutesDemanded {
			t.Errorf("February in March's trend %d minutes, February's board %d", feb.MinutesDemanded, febBoard.Total.MinutesDemanded)
		}
		for _, col := range febBoard.Communities {
			if col.ID == w.b && col.MinutesDemanded != 5*180+40 {
				t.Errorf("b in February: %d minutes", col.MinutesDemanded)
			}
		}
		// A visit recorded later shows on the next board, the year kept or not.
		visit(w.b, "2026-02-11", 1)
		again, err := w.s.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if again.Trend[10].MinutesDemanded != feb.MinutesDemanded+180 {
			t.Errorf("after a visit: February %d minutes, before %d", again.Trend[10].MinutesDemanded, feb.MinutesDemanded)
		}
	})
}
