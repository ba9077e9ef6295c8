package workaccess

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/money"
	"shequ/internal/workdays"
)

// demoShare is the part of each quarter's due the demo's departments pay,
// in percent: most pay in full, some in part, 公安 nothing for the last
// quarter, so that the ledger shows arrears.
var demoShare = map[string]int64{"health": 70, "zongzhi": 50, "emergency": 80}

// LoadLedgerDemo records the twelve months before today's of work done in
// every community, by the items' frequencies, and the departments' payments
// quarter by quarter, one of them typed wrong first and reversed. A second
// call adds nothing.
func LoadLedgerDemo(ctx context.Context, db *database.DB, seed uint64, today time.Time) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_done WHERE recorded_by = $1`, demoBy).Scan(&n); err != nil || n > 0 {
		return err
	}
	s := NewService(db, func() time.Time { return today })
	items, err := s.ledgerItems(ctx)
	if err != nil {
		return err
	}
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		return err
	}
	// The items counted from other capabilities' records (visits,
	// volunteer activities, 双报到) are left to those records, as staff
	// would: a count typed by hand would stand in their place and hide
	// them from the dashboard.
	counted, err := countedItemIDs(ctx, db)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' AND retired_on IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	var communities []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		communities = append(communities, id)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(seed^0x15B, seed))
	t := today.In(workdays.Shanghai)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, workdays.Shanghai).AddDate(-1, 0, 0)
	last := first.AddDate(0, 11, 0)
	now := database.FormatTime(today)
	for ci, c := range communities {
		area, err := s.AreaOf(ctx, c)
		if err != nil {
			return err
		}
		for _, m := range months(first, last) {
			days := 0
			for d := m; d.Month() == m.Month(); d = d.AddDate(0, 0, 1) {
				if cal.IsWorkday(d) {
					days++
				}
			}
			for _, it := range items {
				if counted[it.id] || it.daysInForce(m, m.AddDate(0, 1, -1)) == 0 {
					continue
				}
				occ := 0
				switch it.freq {
				case "每日":
					occ = days
				case "每月":
					occ = 1
				case "每季度":
					occ = b2i(m.Month()%3 == 0)
				case "每半年":
					occ = b2i(m.Month()%6 == 0)
				case "每年":
					occ = b2i(m.Month() == 11)
				case "按需":
					occ = rng.IntN(4)
				}
				if occ == 0 {
					continue
				}
				if _, err := db.ExecContext(ctx, `INSERT INTO work_done (community_id, item_id, period, occurrences,
					recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`, c, it.id, m.Format("2006-01"), occ, now, demoBy); err != nil {
					return err
				}
			}
		}
		for q := first; !q.After(last); q = q.AddDate(0, 3, 0) {
			qEnd := q.AddDate(0, 2, 0)
			if qEnd.After(last) {
				qEnd = last
			}
			lg, err := s.Ledger(ctx, area, q.Format("2006-01"), qEnd.Format("2006-01"))
			if err != nil {
				return err
			}
			paidOn := qEnd.AddDate(0, 1, -1)
			for _, l := range lg.Lines {
				share, ok := demoShare[l.Department]
				if !ok {
					share = 100
				}
				if l.Department == "police" && !qEnd.Before(last) {
					share = 0
				}
				fen := l.DueFen * share / 100
				if fen <= 0 {
					continue
				}
				voucher := fmt.Sprintf("%s拨〔%d〕%d号", l.DepartmentName, paidOn.Year(), 10+rng.IntN(90))
				if ci == 0 && l.Department == "civil" && !qEnd.Before(last) {
					if err := demoCorrection(ctx, s, c, l.Department, fen, paidOn.Format("2006-01-02"), voucher); err != nil {
						return err
					}
				}
				_, err := db.ExecContext(ctx, `INSERT INTO work_funds (id, department, community_id, amount_fen, received_on,
					voucher, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
					database.NewID(), l.Department, c, fen, paidOn.Format("2006-01-02"), voucher, now, demoBy)
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoCorrection is the mistake every ledger has: a payment typed with one
// zero too many and reversed (冲销) with the reason, before the right one
// is recorded; what the community received is unchanged by it.
func demoCorrection(ctx context.Context, s *Service, community int64, dept string, fen int64, on, voucher string) error {
	wrong, err := s.Receive(ctx, demoBy, Payment{Department: dept, Community: community, AmountYuan: money.Yuan(fen * 10),
		ReceivedOn: on, Voucher: voucher})
	if err != nil {
		return err
	}
	_, err = s.Receive(ctx, demoBy, Payment{Reverses: wrong, Note: "金额多录一个零,应为 " + money.Yuan(fen) + " 元"})
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countedItemIDs is the items whose work another capability's records
// count (work_items.counted_from).
func countedItemIDs(ctx context.Context, db *database.DB) (map[int64]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM work_items WHERE counted_from <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
