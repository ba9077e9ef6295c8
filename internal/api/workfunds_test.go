package api

import (
	"fmt"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestWorkFunds: POST /api/v1/work-funds records a payment in exact 分 and
// refuses bad ones at the field with nothing saved; a reversal names the
// entry it cancels and the sums come out exact; GET lists an org's
// payments within the token's part of the tree only.
func TestWorkFunds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		pay := func(body string) (int, map[string]any) {
			t.Helper()
			return e.do(t, e.adminToken, "POST", "/api/v1/work-funds", body)
		}
		for _, c := range []struct{ body, field string }{
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount": "1.005", "received_on": "2026-03-02", "voucher": "民拨 1 号"}`, e.cb.ID), "amount"},
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount": "-5", "received_on": "2026-03-02", "voucher": "民拨 1 号"}`, e.cb.ID), "amount"},
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount_fen": -500, "received_on": "2026-03-02", "voucher": "民拨 1 号"}`, e.cb.ID), "amount_fen"},
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount": "5", "received_on": "2026-03-02"}`, e.cb.ID), "voucher"},
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount": "5", "received_on": "2026-03-02", "voucher": "x"}`, e.grid1.ID), "community"},
			{fmt.Sprintf(`{"department": "civil", "community": %d, "amount": 5, "received_on": "2026-03-02", "voucher": "x"}`, e.cb.ID), "amount"},
		} {
			code, out := pay(c.body)
			fields, _ := out["fields"].(map[string]any)
			if code < 400 || code >= 500 || fields[c.field] == nil {
				t.Errorf("%s: %d %v", c.body, code, out)
			}
		}
		code, out := pay(fmt.Sprintf(`{"department": "civil", "community": %d, "amount": "1000.10", "received_on": "2026-03-02", "voucher": "民拨 1 号"}`, e.cb.ID))
		if code != 201 {
			t.Fatalf("%d %v", code, out)
		}
		wrong := out["payment"].(map[string]any)
		if wrong["amount_fen"] != 100010.0 || wrong["reverses"] != nil {
			t.Errorf("payment %v", wrong)
		}
		if code, out := pay(fmt.Sprintf(`{"department": "health", "community": %d, "amount_fen": 2501, "received_on": "2026-03-05", "voucher": "卫拨 2 号"}`, e.cb.ID)); code != 201 {
			t.Fatalf("%d %v", code, out)
		}
		code, out = pay(fmt.Sprintf(`{"reverses": %.0f, "note": "多录一个零"}`, wrong["id"]))
		if rev := out["payment"].(map[string]any); code != 201 || rev["amount_fen"] != -100010.0 || rev["reverses"] != wrong["id"] {
			t.Errorf("reversal %d %v", code, out)
		}
		if code, _ := pay(fmt.Sprintf(`{"reverses": %.0f, "note": "再冲"}`, wrong["id"])); code != 409 {
			t.Errorf("reversed twice: %d", code)
		}
		code, out = e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/work-funds?org=%d&from=2026-03&to=2026-03", e.cb.ID), "")
		if code != 200 || len(out["payments"].([]any)) != 3 || out["total_fen"] != 2501.0 {
			t.Errorf("list %d %v", code, out)
		}
		p := out["payments"].([]any)[0].(map[string]any)
		for _, k := range []string{"department", "community", "amount_fen", "received_on", "voucher", "reverses"} {
			if _, ok := p[k]; !ok {
				t.Errorf("no %s in %v", k, p)
			}
		}
		if code, out := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/work-funds?org=%d&from=2026-3", e.cb.ID), ""); code != 400 || out["fields"].(map[string]any)["from"] == nil {
			t.Errorf("bad month: %d %v", code, out)
		}
		if code, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/work-funds?org=%d", e.cb.ID), ""); code != 404 {
			t.Errorf("a grid worker reads the community's funds: %d", code)
		}
		if code, _ := e.do(t, e.gwToken, "POST", "/api/v1/work-funds", `{}`); code != 403 {
			t.Errorf("a grid worker records funds: %d", code)
		}
	})
}
