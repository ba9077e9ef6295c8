package workaccess

import (
	"bytes"
	"context"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

func paymentTo(community int64, yuan, voucher string) Payment {
	return Payment{Department: "civil", Community: community, AmountYuan: yuan, ReceivedOn: "2026-10-20", Voucher: voucher}
}

func fundCount(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM work_funds`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPaymentRefused: a payment is refused at the field, in Chinese, and
// nothing is saved — an amount with three decimals, a negative one, no
// voucher, a community outside the recorder's part of the tree, a date
// ahead, a file that is no PDF, JPG or PNG or over 5 MB.
func TestPaymentRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newInboxWorld(t, db)
		for _, c := range []struct {
			who   *access.Viewer
			p     Payment
			field string
		}{
			{w.cbHand, paymentTo(w.cb, "1.005", "民拨12号"), "amount"},
			{w.cbHand, paymentTo(w.cb, "-5", "民拨12号"), "amount"},
			{w.cbHand, paymentTo(w.cb, "0", "民拨12号"), "amount"},
			{w.cbHand, paymentTo(w.cb, "12.5元", "民拨12号"), "amount"},
			{w.cbHand, paymentTo(w.cb, "100", " "), "voucher"},
			{w.cbHand, paymentTo(w.nan, "100", "民拨12号"), "community"},   // the next community
			{w.street, paymentTo(w.other, "100", "民拨12号"), "community"}, // another street's
			{w.civil, paymentTo(w.cb, "100", "民拨12号"), "community"},     // a department does not record what it paid
			{w.street, Payment{Department: "civil", Community: w.cb, AmountYuan: "100", ReceivedOn: "2026-11-03", Voucher: "x"}, "received_on"},
			{w.street, Payment{Department: "nobody", Community: w.cb, AmountYuan: "100", ReceivedOn: "2026-10-03", Voucher: "x"}, "department"},
			{w.cbHand, Payment{Department: "civil", Community: w.cb, AmountYuan: "100", ReceivedOn: "2026-10-03", Voucher: "x",
				File: &VoucherFile{Name: "a.gif", Data: []byte("GIF89a....")}}, "file"},
			{w.cbHand, Payment{Department: "civil", Community: w.cb, AmountYuan: "100", ReceivedOn: "2026-10-03", Voucher: "x",
				File: &VoucherFile{Name: "big.pdf", Data: append([]byte("%PDF-1.7\n"), make([]byte, MaxVoucherFile)...)}}, "file"},
		} {
			_, err := w.s.RecordPayment(ctx, c.who, c.p)
			if fault.FieldsOf(err)[c.field] == "" {
				t.Errorf("%s %+v: want an error at %s, got %v", c.who.Name, c.p, c.field, err)
			}
		}
		// Every field at fault is named at once, the scope among them.
		_, err := w.s.RecordPayment(ctx, w.cbHand, Payment{Department: "civil", Community: w.other, AmountYuan: "1.005"})
		if fe := fault.FieldsOf(err); fe["community"] == "" || fe["amount"] == "" || fe["voucher"] == "" || fe["received_on"] == "" {
			t.Errorf("all fields: %v", err)
		}
		if n := fundCount(t, db); n != 0 {
			t.Errorf("%d entries saved by refused payments", n)
		}
		// The community's staff for their own, the street for any of its.
		if _, err := w.s.RecordPayment(ctx, w.cbHand, paymentTo(w.cb, "100", "民拨12号")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.RecordPayment(ctx, w.street, paymentTo(w.nan, "100", "民拨13号")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestReversal: a wrong entry is reversed by one that names it and
// carries its amount negated, dated as it was, so that the month's sum and
// the ledger are exact to the 分; an entry is reversed once, a reversal
// not at all, never without a reason, never by another community.
func TestReversal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newInboxWorld(t, db)
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
		p := paymentTo(w.cb, "1000.01", "民拨〔2026〕7号")
		p.File = &VoucherFile{Name: `C:\扫描\凭证.PDF`, Data: pdf}
		wrong, err := w.s.RecordPayment(ctx, w.cbHand, p)
		if err != nil {
			t.Fatal(err)
		}
		right, err := w.s.RecordPayment(ctx, w.cbHand, paymentTo(w.cb, "100.01", "民拨〔2026〕7号"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.RecordPayment(ctx, w.cbHand, Payment{Reverses: wrong.ID}); fault.FieldsOf(err)["note"] == "" {
			t.Errorf("reversed without a reason: %v", err)
		}
		if _, err := w.s.RecordPayment(ctx, w.otherHand, Payment{Reverses: wrong.ID, Note: "错"}); fault.FieldsOf(err)["reverses"] == "" {
			t.Errorf("another street's community reverses: %v", err)
		}
		later := NewService(db, func() time.Time { return at(2026, 11, 20, 9, 0) })
		rev, err := later.RecordPayment(ctx, w.cbHand, Payment{Reverses: wrong.ID, Note: "金额多录一位"})
		if err != nil {
			t.Fatal(err)
		}
		if rev.AmountFen != -100001 || rev.Reverses == nil || *rev.Reverses != wrong.ID || rev.ReceivedOn != "2026-10-20" ||
			rev.Community != w.cb || rev.Department != "civil" || rev.Note != "金额多录一位" || rev.RecordedBy != "城北 张" {
			t.Errorf("reversal %+v", rev)
		}
		if _, err := w.s.RecordPayment(ctx, w.street, Payment{Reverses: wrong.ID, Note: "再冲"}); !fault.Is(err, fault.Conflict) {
			t.Errorf("reversed twice: %v", err)
		}
		if _, err := w.s.RecordPayment(ctx, w.street, Payment{Reverses: rev.ID, Note: "冲回"}); fault.FieldsOf(err)["reverses"] == "" {
			t.Errorf("a reversal reversed: %v", err)
		}
		area, err := w.s.AreaOf(ctx, w.cb)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := w.s.Funds(ctx, area, FundFilter{From: "2026-10", To: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs.Entries) != 3 || fs.TotalFen != 10001 || len(fs.Departments) != 1 || fs.Departments[0].AmountFen != 10001 {
			t.Errorf("funds %+v %+v", fs, fs.Departments)
		}
		for _, e := range fs.Entries {
			if e.ID == wrong.ID && (e.ReversedBy == nil || *e.ReversedBy != rev.ID || !e.HasFile) {
				t.Errorf("the wrong entry %+v", e)
			}
			if e.ID == right.ID && (e.ReversedBy != nil || e.HasFile) {
				t.Errorf("the right entry %+v", e)
			}
		}
		lg, err := w.s.Ledger(ctx, area, "2026-10", "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		if lg.ReceivedFen != 10001 {
			t.Errorf("ledger received %d", lg.ReceivedFen)
		}
		if fs, _ := w.s.Funds(ctx, area, FundFilter{From: "2026-11", To: "2026-11"}); len(fs.Entries) != 0 {
			t.Errorf("the reversal is not dated as the entry it reverses: %+v", fs.Entries)
		}
		f, err := w.s.VoucherOf(ctx, w.cbHand.Scope(access.RegisterRead), wrong.ID)
		if err != nil || f.Name != "凭证.pdf" || f.ContentType != "application/pdf" || !bytes.Equal(f.Data, pdf) {
			t.Errorf("voucher file %v %+v", err, f)
		}
		if _, err := w.s.VoucherOf(ctx, w.otherHand.Scope(access.RegisterRead), wrong.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("another community reads the voucher: %v", err)
		}
	})
}

// TestDemoCorrection: the demo's year of payments holds one entry typed
// wrong and its reversal; the entries sum to what the ledger received.
func TestDemoCorrection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		if err := LoadLedgerDemo(ctx, db, 1, at(2026, 12, 7, 9, 0)); err != nil {
			t.Fatal(err)
		}
		area := w.area(t, w.street)
		fs, err := w.s.Funds(ctx, area, FundFilter{From: "2025-12", To: "2026-11"})
		if err != nil {
			t.Fatal(err)
		}
		reversals := 0
		for _, e := range fs.Entries {
			if e.Reverses != nil {
				reversals++
			}
		}
		lg, err := w.s.Ledger(ctx, area, "2025-12", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if reversals != 1 || fs.TotalFen != lg.ReceivedFen || fs.TotalFen == 0 {
			t.Errorf("%d reversals, entries sum to %d, the ledger received %d", reversals, fs.TotalFen, lg.ReceivedFen)
		}
	})
}
