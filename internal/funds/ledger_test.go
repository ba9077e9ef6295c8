package funds

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/money"
)

func TestRulesCompute(t *testing.T) {
	wuhai := Rule{Basis: "households", Tiers: []Tier{{0, 1000000}, {1000, 3000000}, {2001, 4000000}}}
	for _, c := range []struct{ n, fen int64 }{{0, 1000000}, {999, 1000000}, {1000, 3000000}, {2000, 3000000}, {2001, 4000000}} {
		if fen, _ := wuhai.Compute(Counts{Households: c.n}); fen != c.fen {
			t.Errorf("乌海 %d households: %d fen, want %d", c.n, fen, c.fen)
		}
	}
	chengdu := Rule{Basis: "residents", BaseFen: 10000000, PerCount: 100, PerFen: 150000}
	for _, c := range []struct{ n, fen int64 }{{0, 10000000}, {99, 10000000}, {100, 10150000}, {1234, 11800000}, {5000, 17500000}} {
		if fen, how := chengdu.Compute(Counts{Residents: c.n}); fen != c.fen {
			t.Errorf("成都 %d residents: %d fen (%s), want %d", c.n, fen, how, c.fen)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"1": 100, "1.5": 150, "0.01": 1, "12,345.67": 1234567, "220": 22000} {
		if got, ok := money.ParseYuan(in); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "1e3", "abc", "1.", ".5"} {
		if _, ok := money.ParseYuan(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
	if money.Yuan(-1234) != "-12.34" || money.Yuan(5) != "0.05" {
		t.Error(money.Yuan(-1234), money.Yuan(5))
	}
}

// TestAllocation: 成都's rule from the register's counts (3 residents: the
// base only), kept with the counts; once a year; a reversal makes room
// for a new one.
func TestAllocation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fd := f.fund(t, "working", "保障激励资金", "chengdu", "")
		if len(fd.NegativeList) == 0 || fd.NegativeList[0] != "宴请" {
			t.Fatalf("the rule's negative list is not the fund's: %v", fd.NegativeList)
		}
		e, err := f.s.Allocate(ctx, f.staff, fd.ID, "2026-01-15")
		if err != nil {
			t.Fatal(err)
		}
		if e.AmountFen != 10000000 || e.Basis == "" {
			t.Fatalf("allocation %d, basis %q", e.AmountFen, e.Basis)
		}
		var b Basis
		if c, _ := f.s.Counts(ctx, f.cb.ID); c.Residents != 3 || c.Households != 1 {
			t.Fatalf("counts %+v", c)
		}
		_ = b
		_, err = f.s.Allocate(ctx, f.staff, fd.ID, "2026-02-01")
		refusedAt(t, "a second allocation", err, "rule")
		if _, err := f.s.Reverse(ctx, f.staff, e.ID, "户数核错"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Allocate(ctx, f.staff, fd.ID, "2026-02-01"); err != nil {
			t.Fatalf("allocate after the reversal: %v", err)
		}
		got, _ := f.s.Fund(ctx, f.staff, fd.ID)
		if got.AllocatedFen != 10000000 || got.BalanceFen != 10000000 {
			t.Fatalf("fund %+v", got)
		}
		_, err = f.s.Fund(ctx, Staff{May: func(c int64) bool { return c == f.other.ID }}, fd.ID)
		if err != ErrNoFund {
			t.Fatalf("another community's staff read the fund: %v", err)
		}
		checkLedger(t, db)
	})
}

// TestRefusals: an expense that overdraws the fund or falls on its
// negative list, a bad voucher, a second reversal — refused at the field,
// nothing half-saved.
func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fd := f.fund(t, "special", "为民服务专项", "", "宴请\n旅游\ncare")
		r, err := f.s.Receive(ctx, f.staff, fd.ID, Receipt{AmountYuan: "1000", OnDate: "2026-03-01", Payer: "区民政局"})
		if err != nil {
			t.Fatal(err)
		}
		count := func() (n int) {
			db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM fund_entries) + (SELECT COUNT(*) FROM fund_vouchers)`).Scan(&n)
			return n
		}
		before := count()
		pdf := VoucherFile{Name: "发票.pdf", Data: []byte("%PDF-1.4 test")}
		ok := Expense{AmountYuan: "300", OnDate: "2026-03-05", Category: "activity", Payee: "城北文化站", Description: "重阳节活动物资"}
		for _, c := range []struct {
			what  string
			x     Expense
			field string
		}{
			{"overdraws", Expense{AmountYuan: "1000.01", OnDate: "2026-03-05", Category: "activity", Payee: "某公司", Description: "活动"}, "amount"},
			{"negative keyword", Expense{AmountYuan: "100", OnDate: "2026-03-05", Category: "activity", Payee: "某饭店", Description: "宴请来宾"}, "category"},
			{"negative category", Expense{AmountYuan: "100", OnDate: "2026-03-05", Category: "care", Payee: "困难户", Description: "春节"}, "category"},
			{"bad voucher", Expense{AmountYuan: "100", OnDate: "2026-03-05", Category: "office", Payee: "文具店", Description: "纸笔",
				Files: []VoucherFile{pdf, {Name: "x.exe", Data: []byte("MZ")}}}, "files"},
			{"future", Expense{AmountYuan: "100", OnDate: "2026-12-05", Category: "office", Payee: "文具店", Description: "纸笔"}, "on_date"},
			{"no category", Expense{AmountYuan: "100", OnDate: "2026-03-05", Payee: "文具店", Description: "纸笔"}, "category"},
			{"negative amount", Expense{AmountYuan: "-5", OnDate: "2026-03-05", Category: "office", Payee: "文具店", Description: "纸笔"}, "amount"},
		} {
			_, err := f.s.Spend(ctx, f.staff, fd.ID, c.x)
			refusedAt(t, c.what, err, c.field)
		}
		if n := count(); n != before {
			t.Fatalf("refused expenses left %d rows", n-before)
		}
		ok.Files = []VoucherFile{pdf}
		e, err := f.s.Spend(ctx, f.staff, fd.ID, ok)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Reverse(ctx, f.staff, r.ID, "重复登记")
		refusedAt(t, "reversing money already spent", err, "entry")
		rev, err := f.s.Reverse(ctx, f.staff, e.ID, "活动取消")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Reverse(ctx, f.staff, e.ID, "again")
		refusedAt(t, "a second reversal", err, "entry")
		_, err = f.s.Reverse(ctx, f.staff, rev.ID, "undo")
		refusedAt(t, "reversing a reversal", err, "entry")
		es, err := f.s.Entries(ctx, f.staff, fd.ID)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, x := range es {
			if x.ID == e.ID {
				found = x.ReversedBy == rev.ID && len(x.Vouchers) == 1 && x.Vouchers[0].ContentType == "application/pdf"
			}
		}
		if !found {
			t.Fatalf("the expense shows no reversal or voucher: %+v", es)
		}
		got, _ := f.s.Fund(ctx, f.staff, fd.ID)
		if got.BalanceFen != 100000 || got.SpentFen != 0 {
			t.Fatalf("after the reversal: %+v", got)
		}
		var events int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM change_events WHERE entity = 'fund_entry' AND community_id = $1`, f.cb.ID).Scan(&events)
		if events != 3 {
			t.Fatalf("%d change events for 3 entries", events)
		}
		checkLedger(t, db)
	})
}

// TestTransferFund: a 费随事转 fund's receipts are workaccess's payments
// of its community and year; it is spent against them and not beyond.
func TestTransferFund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fd := f.fund(t, "transfer", "费随事转经费", "", "")
		for i, p := range []struct {
			fen int64
			on  string
		}{{50000, "2026-04-10"}, {30000, "2026-07-10"}, {99900, "2025-12-30"}} {
			if _, err := db.ExecContext(ctx, `INSERT INTO work_funds (id, department, community_id, amount_fen, received_on, voucher,
				recorded_at) VALUES ($1, 'civil', $2, $3, $4, 'v', '2026-01-01T00:00:00Z')`, int64(900+i), f.cb.ID, p.fen, p.on); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.s.Fund(ctx, f.staff, fd.ID)
		if err != nil || got.ReceivedFen != 80000 || got.BalanceFen != 80000 {
			t.Fatalf("fund %+v %v", got, err)
		}
		_, err = f.s.Receive(ctx, f.staff, fd.ID, Receipt{AmountYuan: "1", OnDate: "2026-05-01", Payer: "x"})
		refusedAt(t, "a receipt typed into 费随事转", err, "amount")
		if _, err := f.s.Spend(ctx, f.staff, fd.ID, Expense{AmountYuan: "800", OnDate: "2026-08-01", Category: "purchase",
			Payee: "社工机构", Description: "入户走访服务"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Spend(ctx, f.staff, fd.ID, Expense{AmountYuan: "0.01", OnDate: "2026-08-01", Category: "office",
			Payee: "文具店", Description: "纸"})
		refusedAt(t, "overdrawing 费随事转", err, "amount")
		st, err := f.s.Statement(ctx, f.staff, f.cb.ID, "2026-07", "2026-09")
		if err != nil || len(st.Funds) != 1 {
			t.Fatalf("statement %+v %v", st, err)
		}
		if s := st.Funds[0]; s.OpeningFen != 50000 || s.ReceivedFen != 30000 || s.SpentFen != 80000 || s.ClosingFen != 0 {
			t.Fatalf("Q3 statement %+v", s)
		}
		checkLedger(t, db)
	})
}

// TestStatement: monthly figures per fund and in total, by category,
// with a transfer between funds.
func TestStatement(t *testing.T) {
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
		_, err := f.s.Move(ctx, f.staff, d.ID, Transfer{To: w.ID, AmountYuan: "400.01", OnDate: "2026-05-20", Description: "超额"})
		refusedAt(t, "a transfer beyond the balance", err, "amount")
		st, err := f.s.Statement(ctx, f.staff, f.cb.ID, "2026-05", "2026-05")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"工作经费": "2420 10000 12050 2399.5", "爱心捐赠": "0 50000 10000 400"}
		for _, fs := range st.Funds {
			got := fmt.Sprintf("%d %d %d %s", fs.OpeningFen/100, fs.ReceivedFen, fs.SpentFen, fmt.Sprint(float64(fs.ClosingFen)/100))
			if got != want[fs.Name] {
				t.Errorf("%s: %s, want %s", fs.Name, got, want[fs.Name])
			}
		}
		if st.Total.ClosingFen != 279950 || len(st.Total.ByCategory) != 2 || st.Total.ByCategory[1].Category != TransferCategory {
			t.Errorf("total %+v", st.Total)
		}
		checkLedger(t, db)
	})
}

// TestLedgerInvariants: random operations on a few funds, many of them
// refused, some at once on one fund; every fund's entries, sums row and
// month sums agree and no fund is below zero.
func TestLedgerInvariants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fs := []Fund{f.fund(t, "working", "工作经费", "wuhai", "宴请"), f.fund(t, "award", "以奖代补", "", ""),
			f.fund(t, "donation", "捐赠", "", "")}
		if _, err := f.s.Allocate(ctx, f.staff, fs[0].ID, "2026-01-10"); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, 19))
		var ids []int64
		refused := 0
		for i := 0; i < 150; i++ {
			fd := fs[rng.IntN(len(fs))]
			day := fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(10), 1+rng.IntN(28))
			amount := fmt.Sprintf("%d.%02d", rng.IntN(3000), rng.IntN(100))
			var e Entry
			var err error
			switch rng.IntN(6) {
			case 0:
				e, err = f.s.Receive(ctx, f.staff, fd.ID, Receipt{AmountYuan: amount, OnDate: day, Payer: "街道"})
			case 1, 2:
				desc := "活动物资"
				if rng.IntN(6) == 0 {
					desc = "宴请"
				}
				e, err = f.s.Spend(ctx, f.staff, fd.ID, Expense{AmountYuan: amount, OnDate: day, Category: Categories[rng.IntN(len(Categories))].Code,
					Payee: "某店", Description: desc})
			case 3:
				e, err = f.s.Move(ctx, f.staff, fd.ID, Transfer{To: fs[rng.IntN(len(fs))].ID, AmountYuan: amount, OnDate: day, Description: "调剂"})
			case 4:
				if len(ids) > 0 {
					e, err = f.s.Reverse(ctx, f.staff, ids[rng.IntN(len(ids))], "更正")
				}
			case 5:
				fen, _ := money.ParseYuan(amount)
				err = db.InTx(ctx, func(tx *sql.Tx) error {
					e, err = f.s.PayPurchase(ctx, tx, f.staff, f.cb.ID, Purchase{Fund: fd.ID, AmountFen: fen, OnDate: day,
						Payee: "社工服务社", Description: "购买服务节点付款"})
					return err
				})
			}
			if err != nil {
				refused++
			} else if e.ID != 0 {
				ids = append(ids, e.ID)
			}
		}
		if refused == 0 {
			t.Fatal("nothing was refused: the test does not test refusals")
		}
		// At once: twenty expenses of 100 on a fund holding 1000; ten pass.
		one := f.fund(t, "special", "专项", "", "")
		if _, err := f.s.Receive(ctx, f.staff, one.ID, Receipt{AmountYuan: "1000", OnDate: "2026-06-01", Payer: "区"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed := 0
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.s.Spend(ctx, f.staff, one.ID, Expense{AmountYuan: "100", OnDate: "2026-06-02", Category: "repair",
					Payee: "维修队", Description: "修路灯"})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					passed++
				} else if _, ok := err.(interface{ FaultKind() string }); ok {
					_ = ok
				}
			}()
		}
		wg.Wait()
		if passed != 10 {
			t.Fatalf("%d of 20 expenses of 100 passed on a fund of 1000", passed)
		}
		all, err := f.s.ListIn(ctx, []int64{f.cb.ID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range all {
			if x.BalanceFen < 0 {
				t.Errorf("%s below zero: %d", x.Name, x.BalanceFen)
			}
		}
		checkLedger(t, db)
	})
}
