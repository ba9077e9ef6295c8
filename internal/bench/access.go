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

// scopeTarget is issue 20's bound on what the scope check may add to
// search p99: the scoped search at most 1.10× the same search unscoped.
const scopeTarget = 1.10

// accessBench measures what the scope check and the field set add to person
// search, as the ratio of the scoped search's p99 to the same queries'
// unscoped p99, alternating query by query: an administrator (the whole tree, with
// masking) about anyone in the city, a 网格员 about the residents of their
// grid (SQL filter on the grid, masking), and a 街道平台 operator about the
// residents of their street (a filter on its communities).
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
	// The grid and the street of a sampled person, and queries about
	// their residents.
	var gridID, streetID int64
	if err := v.db.QueryRowContext(ctx, `SELECT p.grid_id, c.ancestor_id FROM persons p
		JOIN org_closure c ON c.unit_id = p.community_id JOIN org_units s ON s.id = c.ancestor_id AND s.level = 'street'
		WHERE p.id = $1`, sample[0].id).Scan(&gridID, &streetID); err != nil {
		return err
	}
	local, err := samplePersonsWhere(ctx, v.db, 200, `grid_id = $1`, gridID)
	if err != nil {
		return err
	}
	streetSample, err := samplePersonsWhere(ctx, v.db, 200, `community_id IN (SELECT c.unit_id FROM org_closure c
		JOIN org_units u ON u.id = c.unit_id WHERE c.ancestor_id = $1 AND u.level = 'community')`, streetID)
	if err != nil {
		return err
	}
	worker, err := benchViewer(ctx, v.db, svc, "grid_worker", []int64{gridID})
	if err != nil {
		return err
	}
	operator, err := benchViewer(ctx, v.db, svc, "street_operator", []int64{streetID})
	if err != nil {
		return err
	}
	var inGrid, inStreet int
	v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE grid_id = $1`, gridID).Scan(&inGrid)
	v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id IN (SELECT unit_id FROM org_closure
		WHERE ancestor_id = $1)`, streetID).Scan(&inStreet)

	n := v.opt.Queries
	search := func(scope access.Scope, q string) error {
		_, _, err := reg.SearchPersons(ctx, scope, register.PersonQuery{Text: q, Limit: 20})
		return err
	}
	for _, c := range []struct {
		name    string
		queries []string
		viewer  access.Scope
		note    string
	}{
		{"admin", searchQueries(sample, n, 7), admin.Scope(access.RegisterRead),
			fmt.Sprintf("%d persons; names, 2-char prefixes, 6 ID digits, phone last 4 from the whole city", persons)},
		{"grid_worker", searchQueries(local, n, 11), worker.Scope(access.RegisterRead),
			fmt.Sprintf("%d persons; the same kinds of query about the %d residents of one grid", persons, inGrid)},
		{"street_operator", searchQueries(streetSample, n, 13), operator.Scope(access.RegisterRead),
			fmt.Sprintf("%d persons; the same kinds of query about the %d residents of one street", persons, inStreet)},
	} {
		// Every query runs once both ways first, to warm the caches.
		for _, q := range c.queries {
			search(access.Everything, q)
			search(c.viewer, q)
		}
		scopes := [2]access.Scope{c.viewer, access.Everything}
		figure, ref := interleaved(func(ctx context.Context) (float64, float64, error) {
			return pairedP99(ctx, len(c.queries), func(side, i int) error { return search(scopes[side], c.queries[i]) })
		})
		r, err := v.e.compare(ctx, Comparison{
			Bench:     "search_scoped_vs_unscoped_" + c.name,
			Reference: "the same queries without scope or masking",
			Unit:      "ms", Target: scopeTarget, AtMost: true, Rounds: 5,
			Figure: figure, Ref: ref,
			Note: "p99 as " + c.name + "; " + c.note,
		})
		if err != nil {
			return err
		}
		v.e.emit(Result{Bench: "person_search_unscoped_p99_" + c.name + "_queries", Value: r.Reference, Unit: "ms", N: n, Note: c.note})
		v.e.emit(Result{Bench: "person_search_scoped_p99_" + c.name, Value: r.Figure, Unit: "ms", N: n, Note: c.note})
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
