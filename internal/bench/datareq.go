package bench

import (
	"fmt"
	"strings"

	"shequ/internal/datareq"
	"shequ/internal/reports"
)

// DataRequest measures what a department waits for when it pastes a
// 358-item data request (一表通): the analysis against the indicator
// catalogue and the register's fields alone, and the whole cost preview
// with its reads of the catalogue and of the communities under the city:
// `--only datareq`. Requirement: analysis < 100 ms.
var DataRequest = Group{Name: "datareq", Hidden: true, run: dataRequestBench}

func dataRequestBench(v env) error {
	ctx := v.ctx
	rep := reports.New(v.db, nil, v.opt.Sources...)
	if _, err := rep.InstallSample(ctx); err != nil { // the 358-item monthly report, when the database has none
		return err
	}
	s := datareq.NewService(v.db, rep, nil, nil)
	list, err := rep.Indicators(ctx)
	if err != nil {
		return err
	}
	// The sample's items by code and by name in turn, as departments write
	// them.
	var lines []string
	for i, ind := range list {
		if len(lines) == 358 {
			break
		}
		lines = append(lines, []string{ind.Code, ind.Name}[i%2])
	}
	if len(lines) < 358 {
		return fmt.Errorf("the catalogue has %d indicators, want 358", len(lines))
	}
	var city int64
	var communities int
	if err := v.db.QueryRowContext(ctx, `SELECT u.id, (SELECT COUNT(*) FROM org_closure c JOIN org_units k ON k.id = c.unit_id
		WHERE c.ancestor_id = u.id AND k.level = 'community') FROM org_units u WHERE u.parent_id IS NULL ORDER BY 2 DESC, u.id LIMIT 1`).
		Scan(&city, &communities); err != nil {
		return fmt.Errorf("the city: %w", err)
	}
	n := min(v.opt.Queries, 200)
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	lat, err := timeIt(ctx, n, func(int) error {
		if c := datareq.Analyse(cat, lines, communities, 10, 0); c.Computed+c.Typed != 358 {
			return fmt.Errorf("analysed %d items", c.Computed+c.Typed)
		}
		return nil
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "datareq_analyse_358_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: "358 items by code and by name against the indicator catalogue and the register's fields"})
	v.e.emit(Result{Bench: "datareq_analyse_358_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 100 ms"})
	d := datareq.Draft{UnitID: city, Period: "2026-08", Lines: strings.Join(lines, "\n")}
	lat, err = timeIt(ctx, n, func(int) error {
		c, err := s.Preview(ctx, d)
		if err == nil && c.Computed+c.Typed != 358 {
			err = fmt.Errorf("previewed %d items", c.Computed+c.Typed)
		}
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "datareq_preview_358_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: fmt.Sprintf("the cost preview with its reads, for the city (%d communities)", communities)})
	v.e.emit(Result{Bench: "datareq_preview_358_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	return nil
}
