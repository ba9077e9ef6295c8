package bench

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
)

// Funds measures 社区经费 in process: `--only funds`. It builds its own
// city beside whatever the database holds (it writes: run it on a copy) —
// 500 communities with five funds each for last year and 1,000,000 ledger
// entries over that year's twelve months (allocations and receipts,
// expenses in every category, 2 % of them reversed, 费随事转 payments in
// work_funds), the sums rows and month sums as the ledger's write path
// keeps them — then reads a community's balances (the fund list, what
// GET /api/v1/funds answers) and the city's December statement for every
// community. Targets: balances p99 < 50 ms, the city's statement < 2 s.
var Funds = Group{Name: "funds", Hidden: true, run: fundsBench}

const (
	fundsCityName      = "社区经费基准测试市"
	benchFundCommunity = 500
	benchFundEntries   = 1000000
)

func fundsBench(v env) error {
	ctx := v.ctx
	year := time.Now().Year() - 1
	communities, err := fundsCity(v, year)
	if err != nil {
		return err
	}
	s := funds.NewService(v.db, nil)
	st := funds.Staff{Name: "bench", May: func(int64) bool { return true }}
	rng := newRand(0xF0D5)
	lat, err := timeIt(ctx, min(v.opt.Queries, 2000), func(int) error {
		fs, err := s.List(ctx, st, communities[rng.IntN(len(communities))], year)
		if err == nil && len(fs) != 5 {
			err = fmt.Errorf("funds: %d funds, want 5", len(fs))
		}
		return err
	})
	if err != nil {
		return err
	}
	note := "a community's five funds with their sums (费随事转 with the year's work_funds)"
	v.e.emit(Result{Bench: "funds_balances_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "funds_balances_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "target < 50 ms"})

	month := fmt.Sprintf("%d-12", year)
	var runs []time.Duration
	for range 5 {
		start := time.Now()
		sts, err := s.Statements(ctx, communities, month, month)
		if err != nil {
			return err
		}
		runs = append(runs, time.Since(start))
		if len(sts) != len(communities) || len(sts[0].Funds) != 5 {
			return fmt.Errorf("funds: %d statements", len(sts))
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i] < runs[j] })
	v.e.emit(Result{Bench: "funds_city_statement_s", Value: runs[2].Seconds(), Unit: "s", N: len(runs),
		Note: fmt.Sprintf("median of 5 (%.3f–%.3f s): %s for all %d communities, every fund, by category; target < 2 s",
			runs[0].Seconds(), runs[4].Seconds(), month, len(communities))})
	start := time.Now()
	if _, err := s.Statements(ctx, communities, fmt.Sprintf("%d-10", year), month); err != nil {
		return err
	}
	v.e.emit(Result{Bench: "funds_city_quarter_s", Value: time.Since(start).Seconds(), Unit: "s", N: 1,
		Note: fmt.Sprintf("%dQ4 for all %d communities", year, len(communities))})
	return nil
}

// fundsCity finds the bench city's communities or builds it.
func fundsCity(v env, year int) ([]int64, error) {
	ctx := v.ctx
	var city int64
	err := v.db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE name = $1 AND level = 'city' AND parent_id IS NULL`,
		fundsCityName).Scan(&city)
	if err == nil {
		rows, err := v.db.QueryContext(ctx, `SELECT u.id FROM org_units u JOIN org_closure c ON c.unit_id = u.id
			WHERE c.ancestor_id = $1 AND u.level = 'community' ORDER BY u.id`, city)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	started := time.Now()
	fmt.Fprintf(v.logw, "bench: building %s (%d communities, %d ledger entries)\n", fundsCityName, benchFundCommunity, benchFundEntries)
	org := orgtree.NewStore(v.db)
	var communities []int64
	err = v.db.InTx(ctx, func(tx *sql.Tx) error {
		c := orgtree.Unit{Level: orgtree.LevelCity, Name: fundsCityName}
		if err := org.Create(ctx, tx, &c); err != nil {
			return err
		}
		for s := 1; len(communities) < benchFundCommunity; s++ {
			street := orgtree.Unit{ParentID: c.ID, Level: orgtree.LevelStreet, Name: fmt.Sprintf("经费第%d街道", s)}
			if err := org.Create(ctx, tx, &street); err != nil {
				return err
			}
			for range 10 {
				cu := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: fmt.Sprintf("经费第%d社区", len(communities)+1)}
				if err := org.Create(ctx, tx, &cu); err != nil {
					return err
				}
				communities = append(communities, cu.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := fundsLedger(v, communities, year); err != nil {
		return nil, err
	}
	v.e.emit(Result{Bench: "funds_fixture_s", Value: time.Since(started).Seconds(), Unit: "s", N: benchFundEntries,
		Note: fmt.Sprintf("%d communities, %d funds, %d entries", len(communities), 5*len(communities), benchFundEntries)})
	return communities, nil
}

// fundsLedger writes the funds, the entries, and the sums rows exactly as
// the entries add up (the ledger's invariant), in multi-row statements.
func fundsLedger(v env, communities []int64, year int) error {
	ctx := v.ctx
	rng := newRand(0xF0D4)
	now := database.FormatTime(time.Now())
	for at := 0; at < len(communities); at += 25 {
		// A transaction per 25 communities, so the id lease is renewed
		// between them.
		if err := fundsLedgerPart(v, communities[at:min(at+25, len(communities))], year, rng, now); err != nil {
			return err
		}
	}
	return v.db.Analyze(ctx, v.db, "funds", "fund_entries", "fund_sums", "fund_month_sums", "work_funds")
}

func fundsLedgerPart(v env, communities []int64, year int, rng *rand.Rand, now string) error {
	ctx := v.ctx
	kinds := []string{"working", "award", "transfer", "special", "donation"}
	names := []string{"社区保障激励资金", "以奖代补资金", "费随事转经费", "专项经费", "爱心捐赠"}
	cats := []string{"office", "activity", "purchase", "care", "repair", "publicity", "other"}
	perFund := benchFundEntries / (benchFundCommunity * len(kinds))
	type sums struct{ allocated, received, spent int64 }
	type monthKey struct {
		fund        int64
		month, line string
	}
	return v.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := v.db.Bulk(ctx, tx, database.BulkFill); err != nil {
			return err
		}
		var head string
		var rows []string
		a := v.db.Args()
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, head+" VALUES "+strings.Join(rows, ", "), a.Values()...)
			a, rows = v.db.Args(), rows[:0]
			return err
		}
		add := func(h string, vs ...any) error {
			if h != head {
				if err := flush(); err != nil {
					return err
				}
				head = h
			}
			rows = append(rows, a.Row(vs...))
			// Statements of about 1,500 parameters: SQLite wrote the fixture
			// in 177 s so, in 406 s with 6,000 (binding a long statement is slow).
			if a.Len() >= 1500 {
				return flush()
			}
			return nil
		}
		const entryHead = `INSERT INTO fund_entries (community_id, id, fund_id, kind, line, amount_fen, on_date, category,
			party, description, reverses, recorded_at, recorded_by)`
		for _, c := range communities {
			fundSums := map[int64]*sums{}
			months := map[monthKey]int64{}
			var fundIDs []int64
			for k, kind := range kinds {
				id := database.NewID()
				fundIDs = append(fundIDs, id)
				fundSums[id] = &sums{}
				if err := add(`INSERT INTO funds (community_id, id, kind, name, year, source, negative_list, idle_days, created_at, created_by)`,
					c, id, kind, names[k], year, "区财政", "宴请", 120, now, "bench"); err != nil {
					return err
				}
			}
			for q := range 4 {
				// 费随事转 payments, read by the transfer fund.
				if err := add(`INSERT INTO work_funds (id, department, community_id, amount_fen, received_on, voucher, recorded_at, recorded_by)`,
					database.NewID(), "civil", c, int64(2000000+rng.IntN(1000000)), fmt.Sprintf("%d-%02d-28", year, 3*q+3), "bench", now, "bench"); err != nil {
					return err
				}
			}
			for k, fund := range fundIDs {
				sm := fundSums[fund]
				line, kind := "allocated", "allocation"
				if kinds[k] != "working" && kinds[k] != "award" {
					line, kind = "received", "receipt"
				}
				var lastExpense int64
				var lastFen int64
				var lastCat string
				for i := range perFund {
					m := 1 + i*12/perFund
					day := fmt.Sprintf("%d-%02d-%02d", year, m, 1+rng.IntN(28))
					id := database.NewID()
					e := struct {
						kind, line, cat string
						fen             int64
						reverses        any
					}{kind: "expense", line: "spent", cat: cats[rng.IntN(len(cats))], fen: -int64(100 + rng.IntN(30000))}
					switch {
					case i%40 == 0 || (kinds[k] == "transfer" && i%40 == 1):
						e.kind, e.line, e.cat, e.fen = kind, line, "", int64(5000000+rng.IntN(2000000))
						if kinds[k] == "transfer" {
							e.kind, e.line = "receipt", "received" // money that came another way too
						}
					case lastExpense != 0 && rng.IntN(50) == 0:
						e.kind, e.fen, e.reverses, e.cat = "reversal", -lastFen, lastExpense, lastCat
						lastExpense = 0
					}
					if e.line == "spent" && sm.allocated+sm.received-sm.spent+e.fen < 0 {
						e.fen = -1 // never below zero, as the write path refuses
					}
					if e.kind == "expense" {
						lastExpense, lastFen, lastCat = id, e.fen, e.cat
					}
					if err := add(entryHead, c, id, fund, e.kind, e.line, e.fen, day, e.cat, "基准", "基准测试", e.reverses, now, "bench"); err != nil {
						return err
					}
					ml, mf := e.line, e.fen
					switch e.line {
					case "allocated":
						sm.allocated += e.fen
					case "received":
						sm.received += e.fen
					default:
						sm.spent -= e.fen
						ml, mf = "spent:"+e.cat, -e.fen
					}
					months[monthKey{fund, day[:7], ml}] += mf
				}
			}
			for _, fund := range fundIDs {
				sm := fundSums[fund]
				if err := add(`INSERT INTO fund_sums (community_id, fund_id, allocated_fen, received_fen, spent_fen, entries, first_in_on, last_out_on)`,
					c, fund, sm.allocated, sm.received, sm.spent, perFund, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-28", year)); err != nil {
					return err
				}
			}
			for k, fen := range months {
				if err := add(`INSERT INTO fund_month_sums (community_id, fund_id, month, line, amount_fen)`, c, k.fund, k.month, k.line, fen); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return v.db.Bulk(ctx, tx, database.BulkOff)
	})
}
