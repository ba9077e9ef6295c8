package bench

import (
	"fmt"
	"time"

	"shequ/internal/access"
	"shequ/internal/disclosure"
	"shequ/internal/orgtree"
)

// Disclosure measures 居务公开 in process: `--only disclosure`. It adds
// communities under the first street until the city has disclosureCommunities
// (none of them publishing: the worst case of the overdue lists), loads
// the demo's year of publications into the first 20 (it changes the
// database: run it on a copy), then times the daily pass over every
// community of the city (the first schedules the year of the others, the
// next has nothing to do), a community's list, the city's overdue list
// that the API and the street's workbench read, and a community's public
// page.
var Disclosure = Group{Name: "disclosure", Hidden: true, run: disclosureBench}

// disclosureCommunities is a large city's communities: 延安 has some 400,
// 西安 over 1,000.
const disclosureCommunities = 1000

func disclosureBench(v env) error {
	ctx := v.ctx
	var have int
	var street int64
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(parent_id), 0) FROM org_units WHERE level = 'community'`).
		Scan(&have, &street); err != nil {
		return err
	}
	org := orgtree.NewStore(v.db)
	for i := have; i < disclosureCommunities && street != 0; i++ {
		u := orgtree.Unit{ParentID: street, Level: orgtree.LevelCommunity, Name: fmt.Sprintf("测量社区%04d", i)}
		if err := org.Create(ctx, v.db, &u); err != nil {
			return fmt.Errorf("disclosure: a community: %w", err)
		}
	}
	rows, err := v.db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY id LIMIT 20`)
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
	if len(ids) == 0 {
		return fmt.Errorf("disclosure: the database has no community")
	}
	now := time.Now()
	start := time.Now()
	sum, err := disclosure.LoadDemo(ctx, v.db, ids, 1, now, nil, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(v.logw, "disclosure: %d publications in %d communities loaded in %v\n", sum.Publications, len(ids), time.Since(start))
	s := disclosure.NewService(v.db, nil)
	start = time.Now()
	scheduled, escalated, err := s.PassAll(ctx)
	if err != nil {
		return err
	}
	cs, _ := s.Communities(ctx)
	v.e.emit(Result{Bench: "disclosure_pass_first_s", Value: time.Since(start).Seconds(), Unit: "s", N: 1,
		Note: fmt.Sprintf("%d communities, %d scheduled, %d escalated", len(cs), scheduled, escalated)})
	lat, err := timeIt(ctx, 3, func(int) error {
		_, _, err := s.PassAll(ctx)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "disclosure_pass_again_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "nothing new: idempotent"})
	n := min(v.opt.Queries, 200)
	lat, err = timeIt(ctx, n, func(i int) error {
		_, err := s.Publications(ctx, access.Everything, disclosure.Filter{Community: ids[i%len(ids)]})
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "disclosure_community_list_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	var over []disclosure.Publication
	lat, err = timeIt(ctx, min(n, 20), func(int) error {
		over, err = s.Publications(ctx, access.Everything, disclosure.Filter{Overdue: true})
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "disclosure_city_overdue_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat),
		Note: fmt.Sprintf("%d overdue rows, every one (the API without filters)", len(over))})
	lat, err = timeIt(ctx, n, func(int) error {
		if _, err := s.CountOverdue(ctx, access.Everything); err != nil {
			return err
		}
		_, err := s.Publications(ctx, access.Everything, disclosure.Filter{Overdue: true, Limit: 20})
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "disclosure_city_workbench_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat),
		Note: "the count and the 20 most urgent, as the workbench reads them"})
	lat, err = timeIt(ctx, n, func(i int) error {
		_, err := s.PublicBoard(ctx, ids[i%len(ids)])
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "disclosure_public_page_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	return nil
}
