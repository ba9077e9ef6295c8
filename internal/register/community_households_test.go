package register

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestActiveHouseholds: the counts kept by the triggers follow households
// added, dissolved, revived, moved to another community and deleted, and
// equal a count of the rows.
func TestActiveHouseholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		street, a, b := database.NewID(), database.NewID(), database.NewID()
		exec(`INSERT INTO org_units (id, level, name, created_at, updated_at) VALUES ($1, 'street', '街道', 'x', 'x')`, street)
		exec(`INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES ($1, $1, 0)`, street)
		for _, c := range []int64{a, b} {
			exec(`INSERT INTO org_units (id, parent_id, level, name, community_id, created_at, updated_at)
				VALUES ($1, $2, 'community', '社区', $1, 'x', 'x')`, c, street)
			exec(`INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES ($1, $1, 0), ($2, $1, 1)`, c, street)
		}
		var ids []int64
		for i := range 5 {
			id := database.NewID()
			ids = append(ids, id)
			exec(`INSERT INTO households (community_id, id, number, kind, org_id, created_at, updated_at)
				VALUES ($1, $2, $3, 'registered', $1, 'x', 'x')`, a, id, string(rune('0'+i)))
		}
		exec(`UPDATE households SET status = 'dissolved' WHERE id = $1`, ids[0])
		exec(`UPDATE households SET status = 'dissolved' WHERE id = $1`, ids[1])
		exec(`UPDATE households SET status = 'active' WHERE id = $1`, ids[1])
		exec(`UPDATE households SET community_id = $1, org_id = $1 WHERE id = $2`, b, ids[2])
		exec(`UPDATE households SET phone = '1' WHERE id = $1`, ids[3]) // no change to the count
		exec(`DELETE FROM households WHERE id = $1`, ids[4])
		s := NewStore(db)
		got, err := s.ActiveHouseholds(ctx, street)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []int64{a, b} {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM households WHERE community_id = $1 AND status = 'active'`, c).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if got[c] != n {
				t.Errorf("community %d: kept %d, counted %d", c, got[c], n)
			}
		}
		if got[a] != 2 || got[b] != 1 {
			t.Errorf("kept %v, want 2 and 1", got)
		}
		if one, _ := s.ActiveHouseholds(ctx, b); len(one) != 1 || one[b] != 1 {
			t.Errorf("one community: %v", one)
		}
	})
}
