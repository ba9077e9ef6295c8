package bench

import (
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/socialorgs"
	"shequ/internal/workdays"
)

// SocialOrgs measures 社区社会组织 at a large community's scale: 200
// organisations in one community with 50 members each and two years of
// weekly activities (10,000 memberships, 20,800 activities; written when
// the community has none), then the staff's list with its counts (members
// now, activities this year), an organisation's page reads, and the API's
// answer for the whole database. `--only socialorgs`.
// Target: the list and the page p99 < 50 ms.
var SocialOrgs = Group{Name: "socialorgs", Hidden: true, run: socialOrgsBench}

const (
	benchSocialOrgs    = 200
	benchOrgMembers    = 50
	benchOrgActivities = 104
)

func socialOrgsBench(v env) error {
	ctx := v.ctx
	communities, err := benchCommunities(v)
	if err != nil {
		return err
	}
	if len(communities) == 0 {
		return fmt.Errorf("socialorgs: no community in the database")
	}
	c := communities[0]
	var n int
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_orgs WHERE community_id = $1`, c).Scan(&n); err != nil {
		return err
	}
	if n < benchSocialOrgs {
		start := time.Now()
		if err := socialOrgsFixture(v, c); err != nil {
			return err
		}
		v.e.emit(Result{Bench: "socialorgs_fixture_s", Value: time.Since(start).Seconds(), Unit: "s", N: benchSocialOrgs,
			Note: fmt.Sprintf("%d organisations, %d memberships, %d activities in one community", benchSocialOrgs,
				benchSocialOrgs*benchOrgMembers, benchSocialOrgs*benchOrgActivities)})
	}
	s := socialorgs.NewService(v.db, nil)
	st := socialorgs.Staff{Name: "bench", May: func(int64) bool { return true }}
	rounds := min(v.opt.Queries, 300)
	var orgs []socialorgs.Org
	lat, err := timeIt(ctx, rounds, func(i int) error {
		f := socialorgs.Filter{}
		if i%2 == 1 {
			f = socialorgs.Filter{Kind: "culture", Status: "filed"}
		}
		orgs, err = s.List(ctx, st, c, f)
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("List of a community's organisations with members and this year's activities counted (%d shown, all and by kind)", len(orgs))
	v.e.emit(Result{Bench: "socialorgs_list_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "socialorgs_list_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "target < 50 ms"})
	if len(orgs) == 0 {
		return nil
	}
	rng := newRand(23)
	lat, err = timeIt(ctx, rounds, func(int) error {
		id := orgs[rng.IntN(len(orgs))].ID
		if _, err := s.Org(ctx, st, id); err != nil {
			return err
		}
		if _, err := s.Members(ctx, st, id, true); err != nil {
			return err
		}
		_, err := s.Activities(ctx, st, id, time.Now().In(workdays.Shanghai).Year())
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "socialorgs_page_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: "an organisation's page: the record, its members and this year's activities"})
	v.e.emit(Result{Bench: "socialorgs_page_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "target < 50 ms"})
	lat, err = timeIt(ctx, min(rounds, 20), func(int) error {
		_, err := s.ListIn(ctx, communities)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "socialorgs_api_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: fmt.Sprintf("ListIn of all %d communities: the API's answer for the whole database", len(communities))})
	v.e.emit(Result{Bench: "socialorgs_api_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	return nil
}

// socialOrgsFixture writes the organisations, members (person ids of their
// own: the counts read no person) and activities in multi-row inserts.
func socialOrgsFixture(v env, c int64) error {
	ctx := v.ctx
	now := database.FormatTime(time.Now())
	today := time.Now().In(workdays.Shanghai)
	kinds := []string{"culture", "charity", "service", "mediation", "other"}
	for i := 0; i < benchSocialOrgs; i++ {
		id := database.NewID()
		filed := today.AddDate(-2, 0, -i).Format(database.DateLayout)
		if _, err := v.db.ExecContext(ctx, `INSERT INTO social_orgs (community_id, id, name, kind, status, filing_number,
			filed_on, hub, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 'filed', $5, $6, $7, 1, $8, $8)`,
			c, id, fmt.Sprintf("测试组织%03d", i), kinds[i%len(kinds)], fmt.Sprintf("B-%03d", i), filed, boolBit(i%50 == 0), now); err != nil {
			return err
		}
		a := v.db.Args()
		var vals []string
		for j := 0; j < benchOrgMembers; j++ {
			left := ""
			if j%10 == 9 {
				left = today.AddDate(0, -1, 0).Format(database.DateLayout)
			}
			vals = append(vals, a.Row(c, database.NewID(), id, -int64(i*1000+j+1), filed, left, now))
		}
		if _, err := v.db.ExecContext(ctx, `INSERT INTO social_org_members (community_id, id, org_id, person_id, joined_on,
			left_on, created_at) VALUES `+strings.Join(vals, ", "), a.Values()...); err != nil {
			return err
		}
		a = v.db.Args()
		vals = vals[:0]
		for j := 0; j < benchOrgActivities; j++ {
			on := today.AddDate(0, 0, -7*j-i%7).Format(database.DateLayout)
			vals = append(vals, a.Row(c, database.NewID(), id, on, "活动", "活动室", 10+j%30, now))
		}
		if _, err := v.db.ExecContext(ctx, `INSERT INTO social_org_activities (community_id, id, org_id, held_on, title, place,
			participants, created_at) VALUES `+strings.Join(vals, ", "), a.Values()...); err != nil {
			return err
		}
	}
	fmt.Fprintf(v.logw, "socialorgs: %d organisations written\n", benchSocialOrgs)
	return nil
}

func boolBit(b bool) int {
	if b {
		return 1
	}
	return 0
}
