package access

import (
	"context"
	"fmt"
	"testing"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// The roster for the matrix: a grid worker on each side's grid, so that
// every route naming a person of the roster ("staff") is walked inside,
// near and outside each role's place.
func workforceMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	makers["staff"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		grid := [...]orgtree.Unit{w.grid1, w.grid2, w.znGrid}[s]
		community := [...]int64{w.cb.ID, w.cb.ID, w.zn.ID}[s]
		id := database.NewID()
		if _, err := w.db.ExecContext(context.Background(), `INSERT INTO org_staff (id, unit_id, community_id, role, name, phone, started_on)
			VALUES ($1, $2, $3, 'grid_worker', $4, $5, '2025-01-01')`, id, grid.ID, community,
			fmt.Sprintf("网格员%d", s), fmt.Sprintf("1380911001%d", s)); err != nil {
			t.Fatal(err)
		}
		return id
	}
}
