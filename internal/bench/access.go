package bench

import (
	"context"
	"fmt"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
)

// Access is the group of accessBench.
var Access = Group{Name: "access", run: accessBench}

// accessBench measures what the scope check and the field set add to person
// search: the same queries run with the system's unrestricted scope and as
// an administrator (the whole tree, with masking), and the queries a grid
// worker types about their grid run unrestricted and as that grid worker
// (SQL filter on the grid, masking).
func accessBench(v env) error {
	ctx := v.ctx
	persons, sample, err := v.persons()
	if err != nil {
		return err
	}
	reg := register.NewStore(v.db)
	svc := access.NewService(v.db)
	admin, err := benchViewer(ctx, v.db, svc, "admin", nil)
	if err != nil {
		return err
	}
	// The grid of a sampled person, and queries about its residents.
	grid := sample[0]
	var gridID int64
	if err := v.db.QueryRowContext(ctx, `SELECT grid_id FROM persons WHERE id = $1`, grid.id).Scan(&gridID); err != nil {
		return err
	}
	local, err := samplePersonsWhere(ctx, v.db, 200, `grid_id = $1`, gridID)
	if err != nil {
		return err
	}
	worker, err := benchViewer(ctx, v.db, svc, "grid_worker", []int64{gridID})
	if err != nil {
		return err
	}
	var inGrid int
	v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE grid_id = $1`, gridID).Scan(&inGrid)

	n := v.opt.Queries
	cityQueries, localQueries := searchQueries(sample, n, 7), searchQueries(local, n, 11)
	search := func(scope access.Scope, q string) error {
		_, _, err := reg.SearchPersons(ctx, scope, register.PersonQuery{Text: q, Limit: 20})
		return err
	}
	// The two ways run in turns of 100 queries each, the same queries in
	// the same order, each first in every other turn, so that whatever else
	// the machine is doing falls on both alike; every query runs once both
	// ways first, to warm the caches.
	compare := func(scope access.Scope, queries []string) (base, scoped latencies, err error) {
		for _, q := range queries {
			search(access.Everything, q)
			search(scope, q)
		}
		for start := 0; start < len(queries); start += 100 {
			chunk := queries[start:min(start+100, len(queries))]
			runs := []struct {
				scope access.Scope
				dst   *latencies
			}{{access.Everything, &base}, {scope, &scoped}}
			if start/100%2 == 1 { // each goes first in every other turn
				runs[0], runs[1] = runs[1], runs[0]
			}
			for _, run := range runs {
				lat, err := timeIt(ctx, len(chunk), func(i int) error { return search(run.scope, chunk[i]) })
				if err != nil {
					return nil, nil, err
				}
				*run.dst = append(*run.dst, lat...)
			}
		}
		return base, scoped, nil
	}
	for _, c := range []struct {
		name    string
		queries []string
		viewer  access.Scope
		note    string
	}{
		{"admin", cityQueries, admin.Scope(access.RegisterRead), fmt.Sprintf("%d persons; names, 2-char prefixes, 6 ID digits, phone last 4 from the whole city", persons)},
		{"grid_worker", localQueries, worker.Scope(access.RegisterRead), fmt.Sprintf("%d persons; the same kinds of query about the %d residents of one grid", persons, inGrid)},
	} {
		baseLat, scopedLat, err := compare(c.viewer, c.queries)
		if err != nil {
			return err
		}
		base, scoped := baseLat.pct(0.99), scopedLat.pct(0.99)
		v.e.emit(Result{Bench: "person_search_unscoped_p99_" + c.name + "_queries", Value: base, Unit: "ms", N: n, Note: c.note})
		v.e.emit(Result{Bench: "person_search_scoped_p99_" + c.name, Value: scoped, Unit: "ms", N: n, Note: c.note})
		v.e.emit(Result{Bench: "scope_check_overhead_" + c.name, Value: 100 * (scoped - base) / base, Unit: "%", N: n,
			Note: "p99 as " + c.name + " against the same queries without scope or masking; requirement < 10%"})
	}
	return nil
}

// benchViewer makes a throwaway user with a role at units and returns its
// viewer.
func benchViewer(ctx context.Context, db *database.DB, svc *access.Service, role string, units []int64) (*access.Viewer, error) {
	u, err := benchUser(ctx, db, fmt.Sprintf("bench-%s-%d", role, database.NewID()%1e9), "", role, units)
	if err != nil {
		return nil, err
	}
	return svc.Viewer(ctx, u.ID, u.Name)
}
