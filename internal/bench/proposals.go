package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"shequ/internal/database"
	"shequ/internal/proposals"
	"shequ/internal/residents"
)

// Proposals measures 议事协商: `--only proposals`. It adds 30,000 matters
// to the largest community (it writes: run it on a copy), pages through
// them with status filters as the API does, then puts one matter to the
// vote of every adult resident and casts votes from 8 goroutines: the
// rate and the latency of a vote with its eligibility check, the two rows
// and the uniqueness key. Then the same over HTTP against a real `shequ
// serve` (proposals_http.go): the API's pages, and a second matter voted
// on by every adult through the residents' vote form, with the server
// killed mid-run.
var Proposals = Group{Name: "proposals", Hidden: true, run: proposalsBench}

const benchMatters = 30000

func proposalsBench(v env) error {
	ctx := v.ctx
	var community int64
	if err := v.db.QueryRowContext(ctx, `SELECT community_id FROM persons GROUP BY community_id
		ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&community); err != nil {
		return fmt.Errorf("proposals: no register: %w", err)
	}
	s := proposals.NewService(v.db, nil)
	statuses := []string{proposals.Done, proposals.Decided, proposals.Decided, proposals.Done, proposals.Rejected,
		proposals.Open, proposals.Voting, proposals.Moderation}
	rng := rand.New(rand.NewPCG(18, 3))
	start := time.Now().AddDate(-5, 0, 0)
	for at := 0; at < benchMatters; at += 500 {
		q := v.db.InOrder()
		var b strings.Builder
		for i := at; i < min(at+500, benchMatters); i++ {
			if i > at {
				b.WriteString(", ")
			}
			st := statuses[rng.IntN(len(statuses))]
			eligible, decision := -1, ""
			if st == proposals.Decided || st == proposals.Done {
				eligible, decision = 1000+rng.IntN(16000), "经表决通过"
			}
			created := database.FormatTime(start.Add(time.Duration(i) * 90 * time.Minute))
			b.WriteString(q.Row(community, database.NewID(), fmt.Sprintf("议题%05d", i), "议题内容", "committee", "居委会",
				st, "adults", "person", "bench", eligible, decision, created, created))
		}
		if _, err := v.db.ExecContext(ctx, `INSERT INTO proposals (community_id, id, title, body, proposer_kind, proposer_name,
			status, scope, unit, ballot_salt, eligible, decision, created_at, updated_at) VALUES `+b.String(), q.Values()...); err != nil {
			return err
		}
	}
	filters := []string{"", proposals.Decided, proposals.Voting, proposals.Open, proposals.Done}
	lat, err := timeIt(ctx, v.opt.Queries, func(i int) error {
		f := proposals.Filter{Communities: []int64{community}, Status: filters[i%len(filters)], Page: 1 + rng.IntN(20), Size: 50}
		_, _, err := s.List(ctx, f)
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("List: a page of 50 of %d matters, by status, with counts and eligible sets", benchMatters)
	v.e.emit(Result{Bench: "proposals_list_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "proposals_list_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})

	// One matter for every adult, voted on by all of them.
	m, err := s.ProposeAsCommittee(ctx, "bench", proposals.Draft{CommunityID: community, Title: "表决测试", Body: "全体成年居民表决。"})
	if err != nil {
		return err
	}
	if err := s.OpenVoting(ctx, "bench", community, m.ID, m.Version, time.Now().Add(-time.Minute), time.Now().Add(time.Hour)); err != nil {
		return err
	}
	cutoff := time.Now().AddDate(-18, 0, 0).Format("2006-01-02")
	rows, err := v.db.QueryContext(ctx, `SELECT id, COALESCE(household_id, 0) FROM persons WHERE community_id = $1
		AND status = 'active' AND LENGTH(birth_date) >= 10 AND SUBSTR(birth_date, 1, 10) <= $2 LIMIT 20000`, community, cutoff)
	if err != nil {
		return err
	}
	var voters []residents.Resident
	for rows.Next() {
		r := residents.Resident{CommunityID: community, Adult: true}
		if err := rows.Scan(&r.PersonID, &r.HouseholdID); err != nil {
			rows.Close()
			return err
		}
		voters = append(voters, r)
	}
	rows.Close()
	if len(voters) == 0 {
		return fmt.Errorf("proposals: no adult resident")
	}
	var mu sync.Mutex
	var all latencies
	var firstErr error
	var wg sync.WaitGroup
	began := time.Now()
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine latencies
			for i := g; i < len(voters) && ctx.Err() == nil; i += 8 {
				t := time.Now()
				_, err := s.Vote(ctx, &voters[i], community, m.ID, []string{proposals.For, proposals.Against}[i%2])
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	took := time.Since(began)
	m, err = s.Get(ctx, community, m.ID)
	if err != nil {
		return err
	}
	if m.VotesFor+m.VotesAgainst != len(all) {
		return fmt.Errorf("proposals: %d votes acknowledged, %d counted", len(all), m.VotesFor+m.VotesAgainst)
	}
	v.e.emit(Result{Bench: "proposals_votes_per_second", Value: float64(len(all)) / took.Seconds(), Unit: "votes/s", N: len(all),
		Note: "Vote from 8 goroutines: eligibility, ballot key, tally row in one transaction; all counted"})
	v.e.emit(Result{Bench: "proposals_vote_p99", Value: all.pct(0.99), Unit: "ms", N: len(all)})
	return proposalsOverHTTP(v, s, community, voters)
}
