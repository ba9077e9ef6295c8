package workaccess

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
)

// TestVolunteerActivitiesAreWorkDone: the volunteer activities held (a
// shift of an activity not cancelled with someone checked in) are the work
// done of the item counted from them — the sample's 社区志愿服务组织与记录,
// an hour each — beside the visits of the visit item, for a community and
// month its staff recorded nothing by hand; the board's month, its trend
// and the ledger agree.
func TestVolunteerActivitiesAreWorkDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		var from string
		var minutes int
		if err := db.QueryRowContext(ctx, `SELECT counted_from, staff_minutes FROM work_items WHERE id = 1007`).
			Scan(&from, &minutes); err != nil || from != CountedFromVolunteers || minutes != 60 {
			t.Fatalf("the sample's volunteer item: %q, %d minutes, %v", from, minutes, err)
		}
		w := newLedgerWorld(t, db)
		w.s.CountVisits(visits.NewService(db, nil, nil, nil))
		w.s.CountVolunteers(volunteers.NewService(db, nil))
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// The per-occurrence item (3 hours) counts the activities, the
		// per-household one (2 hours, 每季度) the visits.
		exec(`UPDATE work_items SET counted_from = 'volunteers' WHERE id = $1`, w.occ)
		exec(`UPDATE work_items SET counted_from = 'visits' WHERE id = $1`, w.perHH)
		// shift writes an activity's shift on day with checkedIn of
		// signedUp volunteers checked in.
		shift := func(c int64, day, status string, signedUp, checkedIn int) {
			t.Helper()
			act, sh := database.NewID(), database.NewID()
			exec(`INSERT INTO volunteer_activities (community_id, id, title, kind, organiser_id, organiser, status, created_at, updated_at)
				VALUES ($1, $2, '义诊', 'service', 1, '社区', $3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, c, act, status)
			exec(`INSERT INTO volunteer_shifts (community_id, id, activity_id, starts_at, ends_at, served_on, slots, signed, secret, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, 10, $7, 'k', '2026-01-01T00:00:00Z')`, c, sh, act, day+"T01:00:00Z", day+"T03:00:00Z", day, signedUp)
			for i := range signedUp {
				in := ""
				if i < checkedIn {
					in = day + "T01:05:00Z"
				}
				exec(`INSERT INTO volunteer_signups (community_id, shift_id, volunteer_id, activity_id, checked_in_at, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, c, sh, database.NewID(), act, in)
			}
		}
		shift(w.b, "2026-03-02", "open", 3, 2)
		shift(w.b, "2026-03-09", "open", 1, 1)
		shift(w.b, "2026-03-31", "open", 5, 5)
		shift(w.b, "2026-03-16", "open", 4, 0)      // no one came: not held
		shift(w.b, "2026-03-23", "cancelled", 2, 2) // cancelled: not held
		shift(w.b, "2026-02-10", "open", 2, 1)
		shift(w.b, "2026-02-17", "open", 2, 2)
		shift(w.a, "2026-03-03", "open", 2, 2) // a recorded March by hand (1): its activities do not count
		shift(w.a, "2026-03-10", "open", 2, 2)
		shift(w.a, "2026-04-01", "open", 2, 2) // April: outside
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 1); err != nil {
			t.Fatal(err)
		}
		// One visit in b in March: the visit item's one occurrence there.
		id := database.NewID()
		exec(`INSERT INTO visits (community_id, id, household_id, client_uuid, visited_on, outcome, author, recorded_at)
			VALUES ($1, $2, 1, $3, '2026-03-05', 'met', '网格员', '2026-03-05T00:00:00Z')`, w.b, id, visits.Source(id))

		b, err := w.s.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		// a: 1 × 180 by hand, the per-household item expected (40), the
		// yearly (50); b: 3 activities × 180, 1 visit × 120, the yearly.
		want := map[int64]int64{w.a: 1*180 + 40 + 50, w.b: 3*180 + 120 + 50}
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
			// civil: a's 1 and b's 3 activities, b's visit at 120.
			if l.Department == "civil" && l.ImposedMinutes != 4*180+120 {
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
				t.Errorf("b in February: %d minutes, want 2 activities and the per-household item expected", col.MinutesDemanded)
			}
		}
		// Unwired, the activities count nothing: b's March is the
		// per-occurrence item's expected minutes (按需: none).
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
