package server

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/procurement"
	"shequ/internal/socialorgs"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestPaymentsBookedOnFunds: a milestone payment named on a fund of the
// project's community is a 服务购买 expense of that fund, to the 分; an
// overdraft, another community's fund and last year's are refused at the
// payment form's fund field with no payment saved; a payment the street
// made (no fund) leaves the accounts as they were.
func TestPaymentsBookedOnFunds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 9, 10, 9, 0, 0, 0, workdays.Shanghai)
		cfg := Config{Now: func() time.Time { return now }}
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		var cs []orgtree.Unit
		for _, n := range []string{"城北社区", "城南社区"} {
			u := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: n}
			if err := org.Create(ctx, db, &u); err != nil {
				t.Fatal(err)
			}
			cs = append(cs, u)
		}
		cb := cs[0].ID
		all := func(int64) bool { return true }
		so, err := socialorgs.NewService(db, cfg.Now).Create(ctx, socialorgs.Staff{Name: "张书记", May: all}, cb,
			socialorgs.Draft{Name: "阳光社工服务社", Kind: "service", Status: "filed", FilingNumber: "ZWD-2025-001", FiledOn: "2025-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		// A project under contract with one accepted milestone of 4,000 元.
		project, bid, milestone := database.NewID(), database.NewID(), database.NewID()
		stamp := database.FormatTime(now)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO procurement_projects (community_id, id, title, category, goals, budget_fen, status, award_bid_id,
				contract_fen, contract_signed_on, contract_starts_on, contract_ends_on, created_at, updated_at)
				VALUES ($1, $2, '老年助餐点运营服务', 'meals', '午餐', 1000000, 'contract', $3, 1000000, '2026-06-01', '2026-06-01', '2027-05-31', $4, $4)`,
				[]any{cb, project, bid, stamp}},
			{`INSERT INTO procurement_bids (project_id, id, org_community_id, org_id, price_fen, submitted_at) VALUES ($1, $2, $3, $4, 1000000, $5)`,
				[]any{project, bid, cb, so.ID, stamp}},
			{`INSERT INTO procurement_milestones (project_id, id, title, due_on, amount_fen, accepted_on) VALUES ($1, $2, '开办', '2026-08-31', 400000, '2026-09-01')`,
				[]any{project, milestone}},
		} {
			if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
		fs := fundsApp(db, cfg)
		fst := funds.Staff{Name: "张书记", May: all}
		mk := func(community int64, name string, year int, in string) funds.Fund {
			f, err := fs.Create(ctx, fst, community, funds.Draft{Kind: "working", Name: name, Year: year})
			if err != nil {
				t.Fatal(err)
			}
			if in != "" {
				if _, err := fs.Receive(ctx, fst, f.ID, funds.Receipt{AmountYuan: in, OnDate: "2026-02-01", Payer: "区财政"}); err != nil {
					t.Fatal(err)
				}
			}
			return f
		}
		small := mk(cb, "社区工作经费", 2026, "1500")
		big := mk(cb, "社区保障激励资金", 2026, "2500.01")
		south := mk(cs[1].ID, "城南工作经费", 2026, "9000")
		old := mk(cb, "上年工作经费", 2026, "9000")
		if _, err := db.ExecContext(ctx, `UPDATE funds SET year = 2025 WHERE id = $1`, old.ID); err != nil {
			t.Fatal(err)
		}
		ps := procurementApp(db, cfg, fs)
		st := procurement.Staff{Name: "张书记", May: func(c int64) bool { return c == cb }}
		offered, err := ps.PayableFunds(ctx, cb, 2026)
		if err != nil || len(offered) != 2 || offered[0].ID != big.ID || offered[0].BalanceFen != 250001 {
			t.Fatalf("offered %+v, %v", offered, err)
		}
		payments := func() int {
			ys, err := ps.Payments(ctx, project)
			if err != nil {
				t.Fatal(err)
			}
			return len(ys)
		}
		balance := func(f funds.Fund) (spent, left int64) {
			got, err := fs.Fund(ctx, fst, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.SpentFen, got.BalanceFen
		}
		pay := func(fund int64, fen int64) error {
			return ps.Pay(ctx, st, project, procurement.PaymentDraft{MilestoneID: milestone, AmountFen: fen, PaidOn: "2026-09-10", FundID: fund})
		}
		for _, c := range []struct {
			what string
			fund int64
		}{{"an overdraft", small.ID}, {"another community's fund", south.ID}, {"last year's fund", old.ID}} {
			err := pay(c.fund, 150001)
			if fault.FieldsOf(err)["fund"] == "" {
				t.Fatalf("%s: %v, want a refusal at fund", c.what, err)
			}
			if n := payments(); n != 0 {
				t.Fatalf("%s left %d payments", c.what, n)
			}
		}
		if spent, left := balance(small); spent != 0 || left != 150000 {
			t.Fatalf("the refused fund: spent %d, left %d", spent, left)
		}
		if err := pay(big.ID, 150001); err != nil {
			t.Fatal(err)
		}
		if spent, left := balance(big); spent != 150001 || left != 100000 {
			t.Fatalf("paid fund: spent %d, left %d", spent, left)
		}
		es, err := fs.Entries(ctx, fst, big.ID)
		if err != nil || len(es) != 2 || es[0].Category != funds.PurchaseCategory || es[0].Party != "阳光社工服务社" ||
			es[0].OnDate != "2026-09-10" || es[0].Description != "老年助餐点运营服务:开办" {
			t.Fatalf("entries %+v, %v", es, err)
		}
		var entries int
		count := func() int {
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_entries`).Scan(&entries); err != nil {
				t.Fatal(err)
			}
			return entries
		}
		before := count()
		if err := pay(0, 100000); err != nil {
			t.Fatal(err)
		}
		if count() != before || payments() != 2 {
			t.Fatalf("a payment by the street: %d entries (was %d), %d payments", entries, before, payments())
		}
		if _, err := fs.Reverse(ctx, fst, es[0].ID, "付错经费"); err != nil {
			t.Fatalf("reverse the payment's entry: %v", err)
		}
		if spent, left := balance(big); spent != 0 || left != 250001 {
			t.Fatalf("after the reversal: spent %d, left %d", spent, left)
		}
		// The decision it carries out shows it, at its stage.
		matter := database.NewID()
		if _, err := db.ExecContext(ctx, `UPDATE procurement_projects SET matter_id = $1 WHERE id = $2`, matter, project); err != nil {
			t.Fatal(err)
		}
		by, err := decisionProjects{ps}.DecisionProjects(ctx, cb)
		if err != nil || len(by[matter]) != 1 || by[matter][0].Stage != "履约中" || !by[matter][0].Public || by[matter][0].ID != project {
			t.Fatalf("decision projects %+v, %v", by, err)
		}
	})
}
