package bench

import (
	"fmt"
	"time"

	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// Burden measures the 减负 dashboard's figures for the street of the city
// with the most communities: its month's burden and its year of 费随事转
// ledger, computed in process: `--only burden`.
var Burden = Group{Name: "burden", Hidden: true, run: burdenBench}

func burdenBench(v env) error {
	ctx := v.ctx
	var street int64
	var communities int
	if err := v.db.QueryRowContext(ctx, `SELECT s.id, (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = s.id
		AND c.level = 'community') FROM org_units s WHERE s.level = 'street' ORDER BY 2 DESC, s.id LIMIT 1`).
		Scan(&street, &communities); err != nil {
		return fmt.Errorf("a street of the city: %w", err)
	}
	s := workaccess.NewService(v.db, nil)
	area, err := s.AreaOf(ctx, street)
	if err != nil {
		return err
	}
	m := time.Now().In(workdays.Shanghai)
	period := m.Format("2006-01")
	from := m.AddDate(0, -11, 0).Format("2006-01")
	n := min(v.opt.Queries, 200)
	lat, err := timeIt(ctx, n, func(int) error {
		_, err := s.Burden(ctx, area, period)
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("a street of %d communities, its month's burden (items, staff-hours, funds)", communities)
	v.e.emit(Result{Bench: "burden_street_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	lat, err = timeIt(ctx, n, func(int) error {
		_, err := s.Ledger(ctx, area, from, period)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "burden_ledger_year_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: "the street's twelve months of 费随事转 ledger"})
	return nil
}
