package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
)

// TestVisitsContract: coverage's four figures add up to the households;
// capacity lists each worker's households, visits a day and round; a
// grid worker's token sees only their grid.
func TestVisitsContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		st := orgtree.Staff{UnitID: e.grid1.ID, CommunityID: e.cb.ID, Role: "grid_worker", Name: "王网格", StartedOn: "2025-01-01"}
		if err := orgtree.NewStore(db).AddStaff(ctx, db, &st); err != nil {
			t.Fatal(err)
		}
		vs := visits.NewService(db, register.NewStore(db), nil, nil)
		if _, err := vs.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/visits/coverage?org=%d", e.cb.ID), "")
		if status != http.StatusOK {
			t.Fatalf("coverage: %d %v", status, body)
		}
		n := func(k string) int { return int(body[k].(float64)) }
		if n("households") != 2 || n("visited_in_cycle")+n("due")+n("overdue")+n("never_visited") != n("households") ||
			n("never_visited") != 2 {
			t.Fatalf("coverage %v", body)
		}
		status, body = e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/visits/coverage?org=%d", e.grid1.ID), "")
		if status != http.StatusOK || n("households") != 1 {
			t.Fatalf("grid worker's coverage: %d %v", status, body)
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/visits/coverage?org=%d", e.grid2.ID), ""); status != http.StatusNotFound {
			t.Fatalf("another grid: %d", status)
		}
		status, body = e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/visits/capacity?org=%d", e.cb.ID), "")
		ws, _ := body["workers"].([]any)
		if status != http.StatusOK || len(ws) != 1 {
			t.Fatalf("capacity: %d %v", status, body)
		}
		w := ws[0].(map[string]any)
		if w["households"].(float64) != 1 || w["visits_per_day"].(float64) != 10 || w["cycle_days"].(float64) != 1 {
			t.Fatalf("worker %v", w)
		}
	})
}
