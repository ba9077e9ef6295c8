package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/funds"
)

// TestFundsContract: GET /api/v1/funds answers a community's and its
// street's funds with allocated_fen, received_fen, spent_fen and
// balance_fen, refuses a bad year and a token without funds.read.
func TestFundsContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := funds.NewService(db, nil)
		st := funds.Staff{Name: "张书记", May: func(int64) bool { return true }}
		now := time.Now()
		f, err := s.Create(ctx, st, e.cb.ID, funds.Draft{Kind: "donation", Name: "爱心捐赠", Year: now.Year()})
		if err != nil {
			t.Fatal(err)
		}
		day := now.Format("2006-01-02")
		if _, err := s.Receive(ctx, st, f.ID, funds.Receipt{AmountYuan: "1000.50", OnDate: day, Payer: "某企业"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Spend(ctx, st, f.ID, funds.Expense{AmountYuan: "200", OnDate: day, Category: "care", Payee: "困难户",
			Description: "慰问"}); err != nil {
			t.Fatal(err)
		}
		for _, org := range []int64{e.cb.ID, e.cb.ParentID} {
			status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/funds?org=%d&year=%d", org, now.Year()), "")
			if status != http.StatusOK {
				t.Fatalf("org %d: %d %v", org, status, body)
			}
			list, _ := body["funds"].([]any)
			if len(list) != 1 {
				t.Fatalf("org %d: %v", org, body)
			}
			got := list[0].(map[string]any)
			for k, want := range map[string]any{"name": "爱心捐赠", "kind": "donation", "allocated_fen": 0.0,
				"received_fen": 100050.0, "spent_fen": 20000.0, "balance_fen": 80050.0} {
				if got[k] != want {
					t.Errorf("%s = %v, want %v", k, got[k], want)
				}
			}
		}
		status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/funds?org=%d&year=%d", e.cb.ID, now.Year()-1), "")
		if list, _ := body["funds"].([]any); status != http.StatusOK || list == nil || len(list) != 0 {
			t.Fatalf("another year: %d %v", status, body)
		}
		if status, _ := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/funds?org=%d&year=abc", e.cb.ID), ""); status != http.StatusBadRequest {
			t.Fatalf("a bad year: %d", status)
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/funds?org=%d", e.cb.ID), ""); status != http.StatusForbidden {
			t.Fatalf("a grid worker's token: %d", status)
		}
	})
}
