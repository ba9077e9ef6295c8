package bench

import (
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/reports"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// Burden measures the 减负 dashboard of a city of 500 communities side by
// side (burdenFixture builds it when the database has none): the board in
// process, and the page over loopback HTTP as the city's operator loads it:
// `--only burden`. Requirement: p99 < 200 ms.
var Burden = Group{Name: "burden", Hidden: true, run: burdenBench}

func burdenBench(v env) error {
	ctx := v.ctx
	m := time.Now().In(workdays.Shanghai)
	month := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, workdays.Shanghai)
	period := month.Format("2006-01")
	city, err := burdenFixture(ctx, v, month)
	if err != nil {
		return fmt.Errorf("the bench city: %w", err)
	}
	s := workaccess.NewService(v.db, nil)
	rep := reports.New(v.db, nil, v.opt.Sources...)
	if _, err := rep.InstallSample(ctx); err != nil { // the 358-item monthly report, when the database has none
		return err
	}
	s.CountReports(rep)
	b, err := s.Board(ctx, city, period)
	if err != nil {
		return err
	}
	n := min(v.opt.Queries, 100)
	lat, err := timeIt(ctx, n, func(int) error {
		_, err := s.Board(ctx, city, period)
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Service.Board of a city of %d communities side by side (%d households, %d staff, %d demands this month), with its twelve months' trend",
		len(b.Communities), b.Total.Households, b.Total.Staff, b.Total.Demands)
	v.e.emit(Result{Bench: "burden_board_city_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "burden_board_city_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 200 ms"})
	// Cold: the ledger written to before every board, so its year of sums
	// is read again each time — the first look after a community records
	// its month.
	lat, err = timeIt(ctx, min(n, 30), func(int) error {
		if _, err := v.db.ExecContext(ctx, `UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1`); err != nil {
			return err
		}
		_, err := s.Board(ctx, city, period)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "burden_board_city_cold_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: "the same board right after a write to the ledger: its twelve months read again"})
	v.e.emit(Result{Bench: "burden_board_city_cold_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})

	name := fmt.Sprintf("bench-burden-%d", database.NewID()%1e9)
	if _, err := benchUser(ctx, v.db, name, "基准测试市级平台", "street_operator", []int64{city}); err != nil {
		return err
	}
	c, stop, err := signedIn(ctx, v, name)
	if err != nil {
		return err
	}
	defer stop()
	path := fmt.Sprintf("/work-burden?org=%d&period=%s", city, period)
	var page string
	for range 3 {
		if page, err = c.page(path); err != nil {
			return err
		}
	}
	if rows := strings.Count(page, `<th scope="row"><a href="/work-burden?org=`); rows != len(b.Communities) {
		return fmt.Errorf("GET %s shows %d communities side by side, want %d", path, rows, len(b.Communities))
	}
	lat, err = timeIt(ctx, n, func(int) error {
		var err error
		page, err = c.page(path)
		return err
	})
	if err != nil {
		return err
	}
	where := "the assembled handler in process"
	if v.opt.Binary != "" {
		where = "shequ serve"
	}
	note = fmt.Sprintf("GET /work-burden of the city, %d communities side by side (%d KB), over loopback to %s", len(b.Communities), len(page)/1024, where)
	v.e.emit(Result{Bench: "burden_page_city_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "burden_page_city_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 200 ms"})
	return nil
}
