package bench

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/register"
	"shequ/internal/visits"
)

// Visits measures 百家熟 on the city, in process: `--only visits`. The
// schedules of every household recomputed from the register (first from
// none, then again over the stored rows), every grid worker's list for
// the day, and the coverage of the street with the most communities after
// two years of its visits are loaded.
var Visits = Group{Name: "visits", Hidden: true, run: visitsBench}

func visitsBench(v env) error {
	ctx := v.ctx
	reg := register.NewStore(v.db)
	s := visits.NewService(v.db, reg, nil, nil)
	var households int
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM households WHERE status = 'active'`).Scan(&households); err != nil {
		return err
	}
	start := time.Now()
	c, err := s.Recompute(ctx)
	if err != nil {
		return err
	}
	first := time.Since(start)
	v.e.emit(Result{Bench: "visits_recompute_first_s", Value: first.Seconds(), Unit: "s", N: 1,
		Note: fmt.Sprintf("%d households, %d rows written", households, c.Inserted+c.Updated+c.Voided)})

	var street int64
	var communities int
	if err := v.db.QueryRowContext(ctx, `SELECT s.id, (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = s.id
		AND c.level = 'community') FROM org_units s WHERE s.level = 'street' ORDER BY 2 DESC, s.id LIMIT 1`).
		Scan(&street, &communities); err != nil {
		return fmt.Errorf("a street of the city: %w", err)
	}
	rows, err := v.db.QueryContext(ctx, `SELECT id FROM org_units WHERE parent_id = $1 AND level = 'community' ORDER BY id`, street)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	fmt.Fprintf(v.logw, "visits: two years of visits in the street's %d communities\n", len(ids))
	if _, err := visits.LoadDemo(ctx, v.db, reg, ids, 1, time.Now()); err != nil {
		return err
	}

	start = time.Now()
	c, lists, err := s.RecomputeAll(ctx)
	if err != nil {
		return err
	}
	all := time.Since(start)
	v.e.emit(Result{Bench: "visits_schedules_and_worklists_s", Value: all.Seconds(), Unit: "s", N: 1,
		Note: fmt.Sprintf("%d households' schedules brought up to date (%d recomputed as changed since the last run, %d rows changed) and the day's list of each of %d grid workers (target < 5 s)",
			households, c.Households, c.Inserted+c.Updated+c.Voided, len(lists))})
	start = time.Now()
	if lists, err = s.Worklists(ctx, nil); err != nil {
		return err
	}
	v.e.emit(Result{Bench: "visits_worklists_on_demand_s", Value: time.Since(start).Seconds(), Unit: "s", N: 1,
		Note: fmt.Sprintf("each of %d workers' list read as their page reads it", len(lists))})

	acs := access.NewService(v.db)
	scope, err := acs.Narrow(ctx, access.Everything, street)
	if err != nil {
		return err
	}
	n := min(v.opt.Queries, 300)
	var hh int
	lat, err := timeIt(ctx, n, func(int) error {
		rep, err := s.CoverageOf(ctx, scope)
		hh = rep.Households
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("a street of %d communities, %d households: by grid and by worker (target p99 < 200 ms)", communities, hh)
	v.e.emit(Result{Bench: "visits_coverage_street_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "visits_coverage_street_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	return visitsCoverageHTTP(v, street, communities, hh)
}

// visitsCoverageHTTP times the street's coverage over loopback HTTP: the
// page its supervisor opens (a session) and GET /api/v1/visits/coverage
// (a bearer token), against the assembled server.
func visitsCoverageHTTP(v env, street int64, communities, households int) error {
	ctx := v.ctx
	var before int64
	v.db.QueryRowContext(ctx, `SELECT after_id FROM visit_runs WHERE name = 'nightly'`).Scan(&before)
	base, stop, err := formsServer(ctx, v)
	if err != nil {
		return err
	}
	defer stop()
	// The server's follower starts with a run over the city; the timing
	// waits for it to end (its run recorded), so as not to time the two
	// together.
	for i := 0; i < 600; i++ {
		var after int64
		v.db.QueryRowContext(ctx, `SELECT after_id FROM visit_runs WHERE name = 'nightly'`).Scan(&after)
		if after != before {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	name := fmt.Sprintf("benchv%d", time.Now().UnixNano()%1e9)
	if _, err := benchUser(ctx, v.db, name, "街道平台", "street_operator", []int64{street}); err != nil {
		return err
	}
	c, err := newFormClient(ctx, base, name, benchPassword)
	if err != nil {
		return err
	}
	page := "/visits/coverage?org=" + strconv.FormatInt(street, 10)
	n := min(v.opt.Queries, 200)
	for range 5 {
		if _, err := c.page(page); err != nil {
			return err
		}
	}
	lat, err := timeIt(ctx, n, func(int) error { _, err := c.page(page); return err })
	if err != nil {
		return err
	}
	note := fmt.Sprintf("a street of %d communities, %d households, over loopback HTTP (target p99 < 200 ms)", communities, households)
	v.e.emit(Result{Bench: "visits_coverage_page_http_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "visits_coverage_page_http_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	secret, err := benchToken(ctx, v.db, "street_operator", []int64{street})
	if err != nil {
		return err
	}
	client := &http.Client{}
	get := func(int) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/visits/coverage?org="+strconv.FormatInt(street, 10), nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /api/v1/visits/coverage: %s", resp.Status)
		}
		return nil
	}
	for range 5 {
		if err := get(0); err != nil {
			return err
		}
	}
	if lat, err = timeIt(ctx, n, get); err != nil {
		return err
	}
	v.e.emit(Result{Bench: "visits_coverage_api_http_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "visits_coverage_api_http_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	return nil
}
