package api

import (
	"context"
	"fmt"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/workaccess"
)

// TestBurdenContract: GET /api/v1/burden?org=&period= answers a unit's
// month with the fields other systems rely on, amounts in exact 分, and
// only within the caller's org tree.
func TestBurdenContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		work := workaccess.NewService(db, nil)
		if err := work.RecordDone(ctx, "社区", e.cb.ID, 1051, "2026-03", 4); err != nil { // 低保协助, 按次 50 元
			t.Fatal(err)
		}
		if _, err := work.Receive(ctx, "财务", workaccess.Payment{Department: "civil", Community: e.cb.ID, AmountYuan: "123.45",
			ReceivedOn: "2026-03-31", Voucher: "民拨 7 号"}); err != nil {
			t.Fatal(err)
		}
		if _, err := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource).InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		area, _ := work.AreaOf(ctx, e.cb.ID)
		lg, err := work.Ledger(ctx, area, "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		code, out := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/burden?org=%d&period=2026-03", e.cb.ID), "")
		if code != 200 {
			t.Fatalf("%d %v", code, out)
		}
		for _, k := range []string{"items_demanded", "items_admitted", "staff_hours_demanded", "staff_hours_available",
			"indicators_demanded", "indicators_computed", "funds_due_fen", "funds_received_fen", "departments", "demands_by_kind",
			"demands_not_admitted", "separate_systems", "separate_system_names", "community_columns"} {
			if _, ok := out[k]; !ok {
				t.Errorf("no %s in %v", k, out)
			}
		}
		if out["funds_received_fen"] != 12345.0 || out["funds_due_fen"] != float64(lg.DueFen) || lg.DueFen < 4*5000 ||
			out["funds_arrears_fen"] != float64(lg.DueFen-12345) {
			t.Errorf("funds %v %v %v, ledger %d", out["funds_due_fen"], out["funds_received_fen"], out["funds_arrears_fen"], lg.DueFen)
		}
		if n, _ := out["items_admitted"].(float64); n < 90 || out["items_demanded"].(float64) < n {
			t.Errorf("items %v of %v", out["items_admitted"], out["items_demanded"])
		}
		// One community, the sample monthly template: 358 items, most computed.
		if ind, _ := out["indicators_demanded"].(float64); ind != 358 || out["indicators_computed"].(float64) >= ind ||
			out["indicators_computed"].(float64) < 100 {
			t.Errorf("indicators %v %v", out["indicators_demanded"], out["indicators_computed"])
		}
		// The sample catalogue's items in force still need several of the
		// departments' own systems.
		if n, _ := out["separate_systems"].(float64); n < 5 || len(out["separate_system_names"].([]any)) != int(n) {
			t.Errorf("separate systems %v %v", out["separate_systems"], out["separate_system_names"])
		}
		if h, _ := out["staff_hours_demanded"].(float64); h <= 0 {
			t.Errorf("staff hours demanded %v", out["staff_hours_demanded"])
		}
		for path, want := range map[string]int{
			"/api/v1/burden?period=2026-03":                                  400,
			fmt.Sprintf("/api/v1/burden?org=%d&period=2026-3", e.cb.ID):      400,
			fmt.Sprintf("/api/v1/burden?org=%d&period=2026-03", e.cb.ID+999): 404,
		} {
			if code, out := e.do(t, e.adminToken, "GET", path, ""); code != want {
				t.Errorf("%s: %d %v", path, code, out)
			}
		}
		// A grid worker's token reaches its grid, not the community above it.
		if code, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/burden?org=%d&period=2026-03", e.cb.ID), ""); code != 404 {
			t.Errorf("outside the caller's tree: %d", code)
		}
		if code, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/burden?org=%d&period=2026-03", e.grid1.ID), ""); code != 200 {
			t.Errorf("own grid: %d", code)
		}
	})
}
