package funds

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestPublicStatement: the 财务公开 text of a month and of a quarter says
// the ledger's figures to the fen, leaves a transfer between the
// community's own funds out of both income and spending, and names no
// payee.
func TestPublicStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		w := f.fund(t, "working", "工作经费", "", "")
		d := f.fund(t, "donation", "爱心捐赠", "", "")
		must := func(_ Entry, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.s.Receive(ctx, f.staff, w.ID, Receipt{AmountYuan: "2640", OnDate: "2026-01-05", Payer: "街道"}))
		must(f.s.Receive(ctx, f.staff, d.ID, Receipt{AmountYuan: "500", OnDate: "2026-05-02", Payer: "某企业"}))
		must(f.s.Spend(ctx, f.staff, w.ID, Expense{AmountYuan: "220", OnDate: "2026-04-30", Category: "office", Payee: "文具店", Description: "办公用品"}))
		must(f.s.Spend(ctx, f.staff, w.ID, Expense{AmountYuan: "120.50", OnDate: "2026-05-10", Category: "activity", Payee: "文化站", Description: "活动"}))
		must(f.s.Move(ctx, f.staff, d.ID, Transfer{To: w.ID, AmountYuan: "100", OnDate: "2026-05-20", Description: "补充活动经费"}))

		may, err := f.s.PublicStatement(ctx, f.cb.ID, "2026-05")
		if err != nil {
			t.Fatal(err)
		}
		want := "期初结余 2420.00 元;收入 500.00 元;支出 120.50 元(" + CategoryName("activity") + " 120.50 元);期末结余 2799.50 元。"
		if !strings.HasPrefix(may, want) || !strings.Contains(may, "工作经费 2399.50 元") || !strings.Contains(may, "爱心捐赠 400.00 元") {
			t.Errorf("May:\n%s\nwant it to begin %s and give each fund's balance", may, want)
		}
		q2, err := f.s.PublicStatement(ctx, f.cb.ID, "2026-Q2")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(q2, "期初结余 2640.00 元;收入 500.00 元;支出 340.50 元") {
			t.Errorf("the second quarter:\n%s", q2)
		}
		for _, payee := range []string{"文具店", "文化站", "某企业"} {
			if strings.Contains(may+q2, payee) {
				t.Errorf("the notice names %s", payee)
			}
		}
		if _, err := f.s.PublicStatement(ctx, f.cb.ID, "D12"); err == nil {
			t.Error("a decision's publication has no period, yet a statement came back")
		}
	})
}
