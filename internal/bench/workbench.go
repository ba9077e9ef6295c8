package bench

import (
	"fmt"
	"strings"

	"shequ/internal/database"
)

// Workbench measures the home page of a street's platform — its workbench
// over events, applications, conflicts and its communities side by side —
// over HTTP, as the operator's browser loads it: `--only workbench`.
var Workbench = Group{Name: "workbench", Hidden: true, run: workbenchBench}

func workbenchBench(v env) error {
	ctx := v.ctx
	persons, _, err := v.persons()
	if err != nil {
		return err
	}
	// The street with the most events (the demo gives events to a few
	// communities only), its communities compared side by side.
	var street int64
	var communities int
	if err := v.db.QueryRowContext(ctx, `SELECT s.id, (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = s.id
		AND c.level = 'community') FROM org_units s WHERE s.level = 'street'
		ORDER BY (SELECT COUNT(*) FROM events e JOIN org_units c ON c.id = e.community_id WHERE c.parent_id = s.id) DESC,
		2 DESC, s.id LIMIT 1`).Scan(&street, &communities); err != nil {
		return fmt.Errorf("a street of the city: %w", err)
	}
	name := fmt.Sprintf("bench-street-%d", database.NewID()%1e9)
	if _, err := benchUser(ctx, v.db, name, "基准测试街道平台", "street_operator", []int64{street}); err != nil {
		return err
	}
	c, stop, err := signedIn(ctx, v, name)
	if err != nil {
		return err
	}
	defer stop()
	// The first loads fill the server's caches (roles, the viewer).
	for range 5 {
		if _, err := c.page("/"); err != nil {
			return err
		}
	}
	n := min(v.opt.Queries, 500)
	var page string
	lat, err := timeIt(ctx, n, func(int) error {
		var err error
		page, err = c.page("/")
		return err
	})
	if err != nil {
		return err
	}
	if !strings.Contains(page, `id="wb-summary"`) {
		return fmt.Errorf("GET / is not the workbench")
	}
	where := "the assembled handler in process"
	if v.opt.Binary != "" {
		where = "shequ serve"
	}
	note := fmt.Sprintf("%d persons; the 街道平台 of a street of %d communities loads its workbench (%d items, comparison %v), over loopback to %s",
		persons, communities, strings.Count(page, `class="wb-item`), strings.Contains(page, `id="wb-compare"`), where)
	v.e.emit(Result{Bench: "workbench_street_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "workbench_street_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 100 ms"})
	return nil
}
