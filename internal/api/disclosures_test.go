package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/disclosure"
)

// TestDisclosuresContract: GET /api/v1/disclosures answers the rows of
// the catalogue scheduled in the unit's communities with item, due_on,
// published_on and overdue, for a community and its street; refuses a
// bad org or day and a token without the permission.
func TestDisclosuresContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := disclosure.NewService(db, nil)
		// The sample starts on 2026-01-01: January's 财务收支 is due on
		// 2026-02-10, so on any day after it it is overdue until published.
		if _, _, err := s.Pass(ctx, []int64{e.cb.ID}); err != nil {
			t.Fatal(err)
		}
		for _, org := range []int64{e.cb.ID, e.cb.ParentID} {
			status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/disclosures?org=%d", org), "")
			if status != http.StatusOK {
				t.Fatalf("org %d: %d %v", org, status, body)
			}
			rows, _ := body["disclosures"].([]any)
			found := false
			for _, r := range rows {
				m := r.(map[string]any)
				for _, k := range []string{"item", "due_on", "published_on", "overdue"} {
					if _, ok := m[k]; !ok {
						t.Fatalf("row without %s: %v", k, m)
					}
				}
				if m["item"] == "财务收支" && m["due_on"] == "2026-02-10" {
					found = m["overdue"] == true && m["published_on"] == ""
				}
			}
			if !found {
				t.Errorf("org %d: January's 财务收支 not overdue in %d rows", org, len(rows))
			}
			if n, _ := body["overdue"].(float64); n < 1 {
				t.Errorf("org %d: overdue %v", org, body["overdue"])
			}
		}
		status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/disclosures?org=%d&overdue=1&to=2026-02-28", e.cb.ID), "")
		// January of the two monthly rows (财务收支, 为民服务办理情况).
		if rows, _ := body["disclosures"].([]any); status != http.StatusOK || len(rows) != 2 {
			t.Errorf("overdue due by February: %d %v", status, body)
		}
		for _, q := range []string{"", "?org=x", fmt.Sprintf("?org=%d&from=2026/01/01", e.cb.ID)} {
			if status, _ := e.do(t, e.adminToken, "GET", "/api/v1/disclosures"+q, ""); status != http.StatusBadRequest {
				t.Errorf("%q: %d", q, status)
			}
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/disclosures?org=%d", e.cb.ID), ""); status != http.StatusForbidden {
			t.Errorf("a grid worker's token: %d", status)
		}
	})
}
