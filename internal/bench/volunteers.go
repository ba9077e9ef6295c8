package bench

import (
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/volunteers"
	"shequ/internal/workdays"
)

// Volunteers measures the hours ledger at the scale of a city: 100,000
// volunteers with 1,000,000 rows of this year across its communities (a
// fixture written when the database has fewer; a tenth of a percent
// reversed), then a community's yearly totals — the figures of
// GET /api/v1/volunteers/hours — and the city's. `--only volunteers`.
// Requirement: a community p99 < 100 ms, the city p99 < 1 s.
var Volunteers = Group{Name: "volunteers", Hidden: true, run: volunteersBench}

const (
	benchVolunteers = 100_000
	benchHoursRows  = 1_000_000
)

func volunteersBench(v env) error {
	ctx := v.ctx
	communities, err := benchCommunities(v)
	if err != nil {
		return err
	}
	if len(communities) < 300 {
		// A database of one preset: the city's 500 communities are made
		// under a street of their own, so a community holds a city's share.
		if communities, err = benchCity(v); err != nil {
			return err
		}
	}
	year := time.Now().In(workdays.Shanghai).Year()
	var rows int
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_hours`).Scan(&rows); err != nil {
		return err
	}
	if rows < benchHoursRows {
		start := time.Now()
		if err := volunteersFixture(v, communities, year); err != nil {
			return err
		}
		v.e.emit(Result{Bench: "volunteers_fixture_s", Value: time.Since(start).Seconds(), Unit: "s", N: benchHoursRows,
			Note: fmt.Sprintf("%d volunteers, %d hours rows over %d communities", benchVolunteers, benchHoursRows, len(communities))})
	}
	s := volunteers.NewService(v.db, nil)
	rng := newRand(7)
	n := min(v.opt.Queries, 300)
	var last volunteers.Totals
	lat, err := timeIt(ctx, n, func(int) error {
		last, err = s.TotalsOf(ctx, []int64{communities[rng.IntN(len(communities))]}, year)
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("TotalsOf one community's year (%d communities; the last: %d volunteers, %d records, %.1f hours)",
		len(communities), last.Volunteers, last.Records, last.Hours)
	v.e.emit(Result{Bench: "volunteers_community_year_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "volunteers_community_year_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 100 ms"})
	lat, err = timeIt(ctx, min(n, 20), func(int) error {
		last, err = s.TotalsOf(ctx, nil, year)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "volunteers_city_year_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: fmt.Sprintf("TotalsOf the whole city's year: %d volunteers, %d records, %.1f hours", last.Volunteers, last.Records, last.Hours)})
	v.e.emit(Result{Bench: "volunteers_city_year_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 1 s"})
	return nil
}

func benchCity(v env) ([]int64, error) {
	org := orgtree.NewStore(v.db)
	street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "基准测试街道"}
	if err := org.Create(v.ctx, v.db, &street); err != nil {
		return nil, err
	}
	var out []int64
	for i := range 500 {
		c := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: fmt.Sprintf("基准测试社区%03d", i)}
		if err := org.Create(v.ctx, v.db, &c); err != nil {
			return nil, err
		}
		out = append(out, c.ID)
	}
	return out, nil
}

func benchCommunities(v env) ([]int64, error) {
	rows, err := v.db.QueryContext(v.ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// volunteersFixture writes the volunteers (person ids of their own: the
// totals read no person) and their rows, in batches of multi-row inserts.
func volunteersFixture(v env, communities []int64, year int) error {
	ctx := v.ctx
	rng := newRand(17)
	now := database.FormatTime(time.Now())
	type vol struct{ community, id int64 }
	vols := make([]vol, benchVolunteers)
	const batch = 500
	for i := 0; i < benchVolunteers; i += batch {
		a := v.db.Args()
		var vals []string
		for j := i; j < min(i+batch, benchVolunteers); j++ {
			c := communities[rng.IntN(len(communities))]
			vols[j] = vol{c, database.NewID()}
			vals = append(vals, a.Row(c, vols[j].id, -vols[j].id, fmt.Sprintf("B%d-%06d", c, j), "["+`"patrol"`+"]", "{}",
				"active", fmt.Sprintf("%d-01-01", year-1), "bench", now, now))
		}
		if _, err := v.db.ExecContext(ctx, `INSERT INTO volunteers (community_id, id, person_id, number, skills, availability,
			status, joined_on, source, created_at, updated_at) VALUES `+strings.Join(vals, ", "), a.Values()...); err != nil {
			return err
		}
	}
	fmt.Fprintf(v.logw, "volunteers: %d volunteers written\n", benchVolunteers)
	days := time.Now().In(workdays.Shanghai).YearDay()
	for i := 0; i < benchHoursRows; i += batch {
		a := v.db.Args()
		var vals []string
		for j := i; j < min(i+batch, benchHoursRows); j++ {
			vo := vols[j%benchVolunteers]
			d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(days)).Format(database.DateLayout)
			kind := "service"
			if rng.IntN(10) == 0 {
				kind = "training"
			}
			reversed := 0
			if rng.IntN(1000) == 0 {
				reversed = 1 // its reversing row is not written: the totals skip both alike
			}
			vals = append(vals, a.Row(vo.community, database.NewID(), vo.id, kind, d, 120, 60+rng.IntN(120), "巡逻",
				fmt.Sprintf("bench:%d", j), reversed, now))
		}
		if _, err := v.db.ExecContext(ctx, `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind, served_on,
			planned_minutes, minutes, content, source, reversed, created_at) VALUES `+strings.Join(vals, ", "), a.Values()...); err != nil {
			return err
		}
		if (i+batch)%200_000 == 0 {
			fmt.Fprintf(v.logw, "volunteers: %d hours rows written\n", i+batch)
		}
	}
	if err := volunteers.Resummarise(ctx, v.db); err != nil {
		return err
	}
	return v.db.Analyze(ctx, v.db, "volunteers", "volunteer_hours", "volunteer_year_sums", "volunteer_month_sums")
}
