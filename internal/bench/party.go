package bench

import (
	"fmt"
	"time"

	"shequ/internal/partymembers"
	"shequ/internal/register"
)

// Party measures 在职党员双报到 in process: `--only party`. It loads the
// demo's members, posts, service, pairings and wishes into up to 20
// communities of the city (it changes the database: run it on a copy),
// then times a year's figures of one community and of the whole city,
// the reminder pass, the staff's acts by month (the burden dashboard's
// year), and an employer's yearly card as PDF.
var Party = Group{Name: "party", Hidden: true, run: partyBench}

func partyBench(v env) error {
	ctx := v.ctx
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
	now := time.Now()
	start := time.Now()
	members := 0
	for i, c := range ids {
		sum, err := partymembers.LoadDemo(ctx, v.db, register.NewStore(v.db), c, uint64(i+1), now)
		if err != nil {
			return err
		}
		members += sum.Members
	}
	// Counted after the load: a second run loads nothing.
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_members`).Scan(&members); err != nil {
		return err
	}
	fmt.Fprintf(v.logw, "party: %d members in %d communities loaded in %v\n", members, len(ids), time.Since(start))
	if len(ids) == 0 {
		return fmt.Errorf("party: the database has no community")
	}
	s := partymembers.NewService(v.db, register.NewStore(v.db), nil, nil)
	year := now.Format("2006")
	n := min(v.opt.Queries, 200)
	lat, err := timeIt(ctx, n, func(int) error {
		_, err := s.Figures(ctx, []int64{ids[0]}, year+"-01-01", year+"-12-31")
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d members in %d communities", members, len(ids))
	v.e.emit(Result{Bench: "party_community_year_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	lat, err = timeIt(ctx, min(n, 50), func(int) error {
		_, err := s.Figures(ctx, nil, year+"-01-01", year+"-12-31")
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "party_city_year_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	lat, err = timeIt(ctx, 10, func(int) error {
		_, err := s.Remind(ctx)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "party_remind_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "after the first pass: nothing new to send"})
	// The burden dashboard's year reads the staff's acts of every
	// community it shows, twelve months at once.
	first := now.AddDate(0, -11, 0).Format("2006-01")
	lat, err = timeIt(ctx, min(n, 50), func(int) error {
		_, err := s.DoneByMonth(ctx, ids, first, now.Format("2006-01"))
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "party_done_by_month_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note + ", twelve months"})
	emps, err := s.Employers(ctx, ids[0])
	if err != nil || len(emps) == 0 {
		return fmt.Errorf("party: no employer in the first community: %v", err)
	}
	lat, err = timeIt(ctx, 10, func(int) error {
		c, err := s.Card(ctx, ids[0], emps[0], year)
		if err != nil {
			return err
		}
		_, err = c.PDF()
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "party_card_pdf_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "an employer's yearly evaluation"})
	return nil
}
