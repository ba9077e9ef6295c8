package api

import (
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestWorkItemsContract: the catalogue as other systems read it — items
// with kind, department, legal_basis, staff_hours as hours and the funding
// rule as an object in 分.
func TestWorkItemsContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		code, out := e.do(t, e.gwToken, "GET", "/api/v1/work-items?kind=assistance&department=civil", "")
		if code != 200 {
			t.Fatalf("%d %v", code, out)
		}
		items, _ := out["items"].([]any)
		if len(items) == 0 {
			t.Fatal("no items")
		}
		var found bool
		for _, x := range items {
			it := x.(map[string]any)
			for _, k := range []string{"kind", "department", "legal_basis", "staff_hours", "funding_rule", "status"} {
				if _, ok := it[k]; !ok {
					t.Fatalf("item without %s: %v", k, it)
				}
			}
			if it["kind"] != "assistance" || it["department"] != "civil" {
				t.Errorf("filter not applied: %v", it)
			}
			// 最低生活保障申请受理与入户核查协助: 180 minutes, 按次 50 元.
			if it["title"] == "最低生活保障申请受理与入户核查协助" {
				found = true
				f := it["funding_rule"].(map[string]any)
				if it["staff_hours"] != 3.0 || f["basis"] != "occurrence" || f["amount_fen"] != 5000.0 || it["status"] != "admitted" {
					t.Errorf("item %v", it)
				}
			}
		}
		if !found {
			t.Error("sample item missing")
		}
		if code, _ := e.do(t, "", "GET", "/api/v1/work-items", ""); code != 401 {
			t.Errorf("without a token: %d", code)
		}
	})
}
