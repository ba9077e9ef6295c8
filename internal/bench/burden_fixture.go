package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// burdenCityName names the burden bench's own city, built beside whatever
// the database holds: a city of 500 communities from the demo generator
// would be ~4.8 million persons, hours to load, and the dashboard reads no
// person.
const burdenCityName = "减负看板基准测试市"

// burdenFixture finds the bench city or builds it: 500 communities in
// streets of 6–10, ~3,000 active households each (minimal rows), 8–14 paid
// staff and 3 volunteers each, and the twelve months up to period of work
// recorded by the catalogue's frequencies, quarterly payments per
// department, demands in the inbox (a third on no admitted item) and a few
// 准入 requests pending or refused.
func burdenFixture(ctx context.Context, v env, period time.Time) (city int64, err error) {
	err = v.db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE name = $1 AND level = 'city' AND parent_id IS NULL`,
		burdenCityName).Scan(&city)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return city, err
	}
	started := time.Now()
	fmt.Fprintf(v.logw, "bench: building %s (500 communities, ~1.5 million households)\n", burdenCityName)
	rng := newRand(0xB0A2D)
	org := orgtree.NewStore(v.db)
	now := database.FormatTime(time.Now())
	var communities []int64
	err = v.db.InTx(ctx, func(tx *sql.Tx) error {
		c := orgtree.Unit{Level: orgtree.LevelCity, Name: burdenCityName}
		if err := org.Create(ctx, tx, &c); err != nil {
			return err
		}
		city = c.ID
		for s := 1; len(communities) < 500; s++ {
			street := orgtree.Unit{ParentID: city, Level: orgtree.LevelStreet, Name: fmt.Sprintf("基准第%d街道", s)}
			if err := org.Create(ctx, tx, &street); err != nil {
				return err
			}
			for range min(6+rng.IntN(5), 500-len(communities)) {
				cu := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: fmt.Sprintf("基准第%d社区", len(communities)+1)}
				if err := org.Create(ctx, tx, &cu); err != nil {
					return err
				}
				communities = append(communities, cu.ID)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Rows go in as multi-row statements, a few hundred at a time, in one
	// transaction per table.
	insert := func(head string, width int, rows func(add func(values ...any)) error) error {
		return v.db.InTx(ctx, func(tx *sql.Tx) error {
			if err := v.db.Bulk(ctx, tx, database.BulkFill); err != nil {
				return err
			}
			a := v.db.Args()
			var values []string
			flush := func() error {
				if len(values) == 0 {
					return nil
				}
				q := head + " VALUES " + values[0]
				for _, r := range values[1:] {
					q += ", " + r
				}
				_, err := tx.ExecContext(ctx, q, a.Values()...)
				a, values = v.db.Args(), values[:0]
				return err
			}
			var ferr error
			if err := rows(func(vs ...any) {
				if ferr != nil {
					return
				}
				values = append(values, a.Row(vs...))
				if len(values)*width >= 3000 {
					ferr = flush()
				}
			}); err != nil {
				return err
			}
			if ferr != nil {
				return ferr
			}
			if err := flush(); err != nil {
				return err
			}
			return v.db.Bulk(ctx, tx, database.BulkOff)
		})
	}
	if err := insert(`INSERT INTO households (community_id, id, number, kind, org_id, created_at, updated_at)`, 7,
		func(add func(...any)) error {
			for _, c := range communities {
				for i := range 2600 + rng.IntN(800) {
					add(c, database.NewID(), fmt.Sprintf("B%05d", i), "registered", c, now, now)
				}
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("households: %w", err)
	}
	roles := []string{"secretary", "community_staff", "grid_worker"}
	if err := insert(`INSERT INTO org_staff (id, unit_id, community_id, role, name, started_on)`, 6,
		func(add func(...any)) error {
			for _, c := range communities {
				for i := range 8 + rng.IntN(7) {
					add(database.NewID(), c, c, roles[min(i, 1+rng.IntN(2))], fmt.Sprintf("工作人员%d", i+1), "2024-01-01")
				}
				for i := range 3 {
					add(database.NewID(), c, c, "building_head", fmt.Sprintf("楼栋长%d", i+1), "2024-01-01")
				}
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("staff: %w", err)
	}
	type item struct {
		id         int64
		dept, freq string
		from       string
	}
	var items []item
	rows, err := v.db.QueryContext(ctx, `SELECT id, department, frequency, valid_from FROM work_items
		WHERE kind <> 'negative' AND status = 'admitted' ORDER BY id`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.dept, &it.freq, &it.from); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	cal, err := workdays.Load(ctx, v.db)
	if err != nil {
		return 0, err
	}
	first := period.AddDate(0, -11, 0)
	if err := insert(`INSERT INTO work_done (community_id, item_id, period, occurrences, recorded_at, recorded_by)`, 6,
		func(add func(...any)) error {
			for _, c := range communities {
				for m := first; !m.After(period); m = m.AddDate(0, 1, 0) {
					days := 0
					for d := m; d.Month() == m.Month(); d = d.AddDate(0, 0, 1) {
						if cal.IsWorkday(d) {
							days++
						}
					}
					for _, it := range items {
						if it.from > m.AddDate(0, 1, -1).Format("2006-01-02") {
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
						if occ > 0 {
							add(c, it.id, m.Format("2006-01"), occ, now, "基准测试")
						}
					}
				}
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("work done: %w", err)
	}
	depts := map[string]bool{}
	for _, it := range items {
		depts[it.dept] = true
	}
	if err := insert(`INSERT INTO work_funds (id, department, community_id, amount_fen, received_on, voucher, recorded_at, recorded_by)`, 8,
		func(add func(...any)) error {
			for _, c := range communities {
				for q := first.AddDate(0, 2, 0); !q.After(period); q = q.AddDate(0, 3, 0) {
					for d := range depts {
						add(database.NewID(), d, c, int64(50000+rng.IntN(500000)), q.AddDate(0, 1, -1).Format("2006-01-02"),
							"基准拨款", now, "基准测试")
					}
				}
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("payments: %w", err)
	}
	kinds := []string{"item", "campaign", "inspection", "meeting", "plaque", "form"}
	statuses := []string{"open", "accepted", "refused", "done"}
	if err := insert(`INSERT INTO demands (id, kind, title, department, from_name, community_id, due_on, work_item_id, status, sent_at, sent_by)`, 11,
		func(add func(...any)) error {
			for _, c := range communities {
				for m := first; !m.After(period); m = m.AddDate(0, 1, 0) {
					for range 2 + rng.IntN(4) {
						it := items[rng.IntN(len(items))]
						var item any = it.id
						if rng.IntN(3) == 0 {
							item = nil
						}
						due := m.AddDate(0, 0, rng.IntN(28))
						add(database.NewID(), kinds[rng.IntN(len(kinds))], "基准派发工作", it.dept, "基准部门", c,
							due.Format("2006-01-02"), item, statuses[rng.IntN(len(statuses))], now, "基准测试")
					}
				}
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("demands: %w", err)
	}
	if err := insert(`INSERT INTO work_requests (id, kind, department, title, legal_basis, staff_minutes, funding_rule,
		valid_from, starts_on, received_on, review_due, status, submitted_by)`, 13,
		func(add func(...any)) error {
			for i := range 24 {
				it := items[rng.IntN(len(items))]
				received := first.AddDate(0, 0, 15*i).Format("2006-01-02")
				add(database.NewID(), "assistance", it.dept, fmt.Sprintf("基准准入申请%d", i+1), "基准依据", 60, "none",
					received, received, received, received, []string{"pending", "refused"}[i%2], "基准测试")
			}
			return nil
		}); err != nil {
		return 0, fmt.Errorf("requests: %w", err)
	}
	if err := v.db.Analyze(ctx, v.db, "households", "org_staff", "work_done", "work_funds", "demands"); err != nil {
		return 0, err
	}
	fmt.Fprintf(v.logw, "bench: built %s in %s\n", burdenCityName, time.Since(started).Round(time.Second))
	return city, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
