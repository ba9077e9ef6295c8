package funds

import (
	"context"
	"database/sql"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestPayPurchase: a purchased service's payment books a 服务购买 expense
// in the caller's transaction, moving the fund's sums exactly; another
// community's fund, another year's, one whose negative list excludes
// purchases and an overdraft are refused at the field fund with nothing
// written; the entry is reversed as any other; the ledger sums.
func TestPayPurchase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fd := f.fund(t, "working", "社区保障激励资金", "", "宴请")
		if _, err := f.s.Receive(ctx, f.staff, fd.ID, Receipt{AmountYuan: "50000", OnDate: "2026-02-01", Payer: "区财政"}); err != nil {
			t.Fatal(err)
		}
		pay := func(community int64, x Purchase) (Entry, error) {
			var e Entry
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				var err error
				e, err = f.s.PayPurchase(ctx, tx, f.staff, community, x)
				return err
			})
			return e, err
		}
		count := func() (n int) {
			db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM fund_entries) + (SELECT COUNT(*) FROM change_events WHERE entity = 'fund_entry')`).Scan(&n)
			return n
		}
		x := Purchase{Fund: fd.ID, AmountFen: 1_234_567, OnDate: "2026-09-03", Payee: "阳光社工服务社", Description: "老年助餐点运营服务:开办并运行三个月"}
		e, err := pay(f.cb.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != "expense" || e.Category != PurchaseCategory || e.AmountFen != -1_234_567 || e.CategoryName() != "服务购买" {
			t.Fatalf("entry %+v", e)
		}
		got, err := f.s.Fund(ctx, f.staff, fd.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SpentFen != 1_234_567 || got.BalanceFen != 5_000_000-1_234_567 {
			t.Fatalf("spent %d balance %d", got.SpentFen, got.BalanceFen)
		}
		other, err := f.s.Create(ctx, Staff{Name: "王主任", May: func(int64) bool { return true }}, f.other.ID,
			Draft{Kind: "working", Name: "城南工作经费", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		lastYear := f.fund(t, "award", "以奖代补", "", "")
		if _, err := db.ExecContext(ctx, `UPDATE funds SET year = 2025 WHERE id = $1`, lastYear.ID); err != nil {
			t.Fatal(err)
		}
		noPurchase := f.fund(t, "donation", "爱心捐赠", "", "服务购买")
		before := count()
		for _, c := range []struct {
			what      string
			community int64
			x         Purchase
		}{
			{"another community's fund", f.cb.ID, Purchase{Fund: other.ID, AmountFen: 100, OnDate: "2026-09-03"}},
			{"a fund asked for another community", f.other.ID, Purchase{Fund: fd.ID, AmountFen: 100, OnDate: "2026-09-03"}},
			{"no such fund", f.cb.ID, Purchase{Fund: 42, AmountFen: 100, OnDate: "2026-09-03"}},
			{"last year's fund", f.cb.ID, Purchase{Fund: lastYear.ID, AmountFen: 100, OnDate: "2026-09-03"}},
			{"a fund whose negative list excludes purchases", f.cb.ID, Purchase{Fund: noPurchase.ID, AmountFen: 100, OnDate: "2026-09-03"}},
			{"an overdraft", f.cb.ID, Purchase{Fund: fd.ID, AmountFen: 5_000_000 - 1_234_567 + 1, OnDate: "2026-09-03"}},
		} {
			_, err := pay(c.community, c.x)
			refusedAt(t, c.what, err, "fund")
			if n := count(); n != before {
				t.Fatalf("%s left %d rows", c.what, n-before)
			}
		}
		// The whole balance may go.
		if _, err := pay(f.cb.ID, Purchase{Fund: fd.ID, AmountFen: 5_000_000 - 1_234_567, OnDate: "2026-09-04", Payee: "阳光社工服务社"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Reverse(ctx, f.staff, e.ID, "付款登记在错误的经费"); err != nil {
			t.Fatalf("reverse a purchase: %v", err)
		}
		got, _ = f.s.Fund(ctx, f.staff, fd.ID)
		if got.BalanceFen != 1_234_567 {
			t.Fatalf("balance after the reversal %d", got.BalanceFen)
		}
		st, err := f.s.Statement(ctx, f.staff, f.cb.ID, "2026-09", "2026-09")
		if err != nil {
			t.Fatal(err)
		}
		var purchase int64
		for _, l := range st.Total.ByCategory {
			if l.Category == PurchaseCategory {
				purchase = l.Fen
			}
		}
		if purchase != 5_000_000 {
			t.Fatalf("September's 服务购买 %d", purchase)
		}
		ps, err := f.s.PayableFunds(ctx, f.cb.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.ID == noPurchase.ID || p.ID == lastYear.ID {
				t.Fatalf("offered %s", p.Name)
			}
		}
		if len(ps) != 1 || ps[0].ID != fd.ID || ps[0].BalanceFen != 1_234_567 {
			t.Fatalf("payable %+v", ps)
		}
		checkLedger(t, db)
	})
}
