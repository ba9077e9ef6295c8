package disclosure

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/funds"
)

// TestFinanceBlock: the shipped 财务收支 row publishes the month's
// statement from the funds' ledger beside the staff's text, in fen exactly.
func TestFinanceBlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		fs := funds.NewService(db, f.s.now)
		f.s.WithFinances(fs.PublicStatement)
		st := funds.Staff{UserID: 1, Name: "报账员", Source: "web", May: func(int64) bool { return true }}
		fund, err := fs.Create(ctx, st, f.cb.ID, funds.Draft{Kind: "working", Name: "工作经费", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Receive(ctx, st, fund.ID, funds.Receipt{AmountYuan: "2640", OnDate: "2026-02-03", Payer: "街道"}); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Spend(ctx, st, fund.ID, funds.Expense{AmountYuan: "220.35", OnDate: "2026-03-09", Category: "office",
			Payee: "文具店", Description: "办公用品"}); err != nil {
			t.Fatal(err)
		}
		*f.clock = day(2026, 4, 2)
		if _, _, err := f.s.Pass(ctx, []int64{f.cb.ID}); err != nil {
			t.Fatal(err)
		}
		p := publishOf(t, f, "财务收支", "2026-03")
		want := "2026年3月财务收支:期初结余 2640.00 元;收入 0.00 元;支出 220.35 元(" + funds.CategoryName("office") +
			" 220.35 元);期末结余 2419.65 元。"
		if !strings.HasPrefix(p.Computed, want) || p.Body != "本期公开" {
			t.Errorf("the March publication: body %q, block\n%s\nwant it to begin\n%s", p.Body, p.Computed, want)
		}
		if strings.Contains(p.Computed, "文具店") {
			t.Error("the notice names the payee")
		}
	})
}
