package bench

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shequ/internal/database"
	"shequ/internal/proposals"
	"shequ/internal/residents"
)

// 议事协商 over HTTP, against `shequ serve` as a child process on the bench
// database (either engine): the API's pages of the 30,000 matters, then
// every adult resident voting on one matter through the residents' vote
// form (POST /r/proposals/{c}/{matter}/vote, a session cookie and the
// double-submit token) from Workers connections. When three quarters have
// voted the server is killed with SIGKILL while the clients are sending;
// it is restarted, the residents whose vote was not acknowledged vote
// again (200: it had not been counted; 409: it had been, its answer cut
// off), and then every voter must be counted exactly once and every
// receipt the server gave must be in the tally. The rate is also given as
// a ratio to a trivial handler taking the same POST, measured before and
// after the votes (proposals_reference.go).
//
// With SHEQU_CPUPROFILE set (the child inherits it) the server is stopped
// with SIGTERM instead, so that it writes its profile of the votes; the
// durability figures of such a run say so.

// voteState is what became of a voter's vote.
type voteState uint8

const (
	voteUnsent voteState = iota
	voteAcked            // 200 with a receipt
	voteCut              // no answer, or not a 200: unknown until asked again
	voteSeen             // after the restart: 409, counted before the kill
)

func proposalsOverHTTP(v env, s *proposals.Service, community int64, voters []residents.Resident) error {
	ctx := v.ctx
	if v.opt.Binary == "" {
		return fmt.Errorf("proposals: no shequ binary to serve")
	}
	workers := v.opt.Workers
	if workers <= 0 {
		workers = 16
	}
	secret, err := benchToken(ctx, v.db, "admin", nil)
	if err != nil {
		return err
	}
	sessions, err := residentSessions(ctx, v.db, voters)
	if err != nil {
		return err
	}
	m, err := s.ProposeAsCommittee(ctx, "bench", proposals.Draft{CommunityID: community, Title: "表决测试(HTTP)", Body: "全体成年居民在手机上表决。"})
	if err != nil {
		return err
	}
	if err := s.OpenVoting(ctx, "bench", community, m.ID, m.Version, time.Now().Add(-time.Minute), time.Now().Add(time.Hour)); err != nil {
		return err
	}
	srv, err := startServer(ctx, v.opt.Binary, v.opt.DSN)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()
	if err := proposalsListHTTP(v, srv.addr, secret, community); err != nil {
		return err
	}

	// The reference first, on its own, before the child takes votes.
	refN := max(len(voters)*3/4, 1)
	refLoad := loadAverage()
	refRate, refLat, err := referenceVotes(ctx, workers, refN, sessions)
	if err != nil {
		return err
	}

	path := fmt.Sprintf("/r/proposals/%d/%d/vote", community, m.ID)
	state := make([]voteState, len(voters))
	receipts := make([]string, len(voters))
	vote := func(c *loadClient, i int, csrf string) (int, error) {
		status, resp, err := c.do("POST", path, voteHeaders(sessions[i], csrf), voteBody(csrf, i))
		if err == nil && status == http.StatusOK {
			if receipts[i] = receiptIn(resp); receipts[i] == "" {
				return status, fmt.Errorf("a 200 without a receipt")
			}
		}
		return status, err
	}
	type timed struct {
		at time.Time
		d  time.Duration
	}
	var (
		mu      sync.Mutex
		times   []timed
		next    atomic.Int64
		acked   atomic.Int64
		killing atomic.Bool
		wg      sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newLoadClient(srv.addr)
			defer c.close()
			// The double-submit token is the browser's: any random value
			// in the cookie that the form repeats.
			csrf := randomToken()
			var mt []timed
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(voters) {
					break
				}
				t0 := time.Now()
				status, err := vote(c, i, csrf)
				if err != nil || status != http.StatusOK {
					state[i] = voteCut
					if killing.Load() {
						break
					}
					continue
				}
				state[i] = voteAcked
				acked.Add(1)
				mt = append(mt, timed{t0, time.Since(t0)})
			}
			mu.Lock()
			times = append(times, mt...)
			mu.Unlock()
		}()
	}
	// Kill the server with a quarter of the voters still to come, so that
	// clients are cut off mid-request.
	wait := v.opt.Duration
	if wait <= 0 {
		wait = 60 * time.Second
	}
	limit := time.Now().Add(max(wait, 10*time.Second))
	for acked.Load() < int64(len(voters)*3/4) && time.Now().Before(limit) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	killing.Store(true)
	killedAt := time.Now()
	voteLoad := loadAverage()
	how := srv.cut()
	elapsed := killedAt.Sub(start)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var lat latencies
	for _, x := range times {
		if x.at.Before(killedAt) {
			lat = append(lat, x.d)
		}
	}
	cut := 0
	for _, st := range state {
		if st == voteCut {
			cut++
		}
	}
	note := fmt.Sprintf("POST %s (the residents' vote form: session cookie, double-submit token, a receipt page in answer) over loopback, %d keep-alive connections, %d matters in the community; load average %.2f", "/r/proposals/{c}/{matter}/vote", workers, benchMatters, voteLoad)
	rate := float64(len(lat)) / elapsed.Seconds()
	v.e.emit(Result{Bench: "proposals_vote_http_rate", Value: rate, Unit: "votes/s", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "proposals_vote_http_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat)})
	v.e.emit(Result{Bench: "proposals_vote_http_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})

	// After kill -9: the voters not acknowledged vote again on the
	// restarted server, four connections at a time.
	if srv, err = startServer(ctx, v.opt.Binary, v.opt.DSN); err != nil {
		return fmt.Errorf("restart after kill -9: %w", err)
	}
	var again []int
	for i, st := range state {
		if st != voteAcked {
			again = append(again, i)
		}
	}
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		firstErr = cmp.Or(firstErr, err)
		mu.Unlock()
	}
	var at atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newLoadClient(srv.addr)
			defer c.close()
			csrf := randomToken()
			for k := int(at.Add(1) - 1); k < len(again) && ctx.Err() == nil; k = int(at.Add(1) - 1) {
				i := again[k]
				switch status, err := vote(c, i, csrf); {
				case err != nil:
					fail(fmt.Errorf("vote after the restart: %w", err))
					return
				case status == http.StatusOK:
					state[i] = voteAcked
				case status == http.StatusConflict:
					state[i] = voteSeen
				default:
					fail(fmt.Errorf("vote after the restart: status %d", status))
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	// A second vote of someone acknowledged is refused.
	c := newLoadClient(srv.addr)
	defer c.close()
	csrf, twice := randomToken(), 0
	for i := 0; i < len(voters) && i < 200; i++ {
		if status, _, err := c.do("POST", path, voteHeaders(sessions[i], csrf), voteBody(csrf, i+1)); err != nil ||
			status != http.StatusConflict {
			twice++
		}
	}
	missing, counted, ballots, err := tallyOf(ctx, v.db, community, m.ID, receipts, state)
	if err != nil {
		return err
	}
	seen, ackedAll := 0, 0
	for _, st := range state {
		switch st {
		case voteSeen:
			seen++
		case voteAcked:
			ackedAll++
		}
	}
	v.e.emit(Result{Bench: "proposals_vote_acked_missing_after_kill9", Value: float64(missing), Unit: "votes", N: ackedAll,
		Note: fmt.Sprintf("server %s while %d clients were sending; %d votes cut off, of which %d had been counted (409 when sent again)", how, workers, cut, seen)})
	wrong := abs(counted-len(voters)) + abs(ballots-len(voters)) + twice
	v.e.emit(Result{Bench: "proposals_vote_miscounted_after_kill9", Value: float64(wrong), Unit: "votes", N: len(voters),
		Note: fmt.Sprintf("every adult voted once: %d tally rows, %d ballots, %d of 200 second votes not refused", counted, ballots, twice)})
	if missing+wrong > 0 {
		return fmt.Errorf("proposals: after kill -9, %d acknowledged votes missing, %d miscounted", missing, wrong)
	}

	// The reference again, now the child is quiet: the ratio is over the
	// mean of the two, the machine's load having moved between them.
	refLoad2 := loadAverage()
	refRate2, refLat2, err := referenceVotes(ctx, workers, refN, sessions)
	if err != nil {
		return err
	}
	ref := (refRate + refRate2) / 2
	refLat = append(refLat, refLat2...)
	v.e.emit(Result{Bench: "proposals_vote_http_reference_rate", Value: ref, Unit: "requests/s", N: len(refLat),
		Note: fmt.Sprintf("the same POST to a net/http handler in the bench process (form parsed, token compared, a small page with a receipt; no database), same client and connections; %.0f/s before the votes at load average %.2f, %.0f/s after at %.2f", refRate, refLoad, refRate2, refLoad2)})
	v.e.emit(Result{Bench: "proposals_vote_http_reference_p99", Value: refLat.pct(0.99), Unit: "ms", N: len(refLat)})
	v.e.emit(Result{Bench: "proposals_vote_http_ratio", Value: rate / ref, Unit: "x", N: len(lat),
		Note: "votes/s over HTTP divided by the reference's requests/s (the mean of its two runs)"})
	return nil
}

// voteHeaders are a resident's vote request's: the session and the
// double-submit token in cookies.
func voteHeaders(session, csrf string) []string {
	return []string{"Content-Type: application/x-www-form-urlencoded",
		"Cookie: shequ_resident=" + session + "; shequ_proposals_csrf=" + csrf}
}

// voteBody is the form: the token again and a choice that turns with i.
func voteBody(csrf string, i int) []byte {
	return []byte("csrf=" + csrf + "&choice=" + []string{proposals.For, proposals.Against, proposals.Abstain}[i%3])
}

// proposalsListHTTP times GET /api/v1/proposals, a page of 50 by status, as
// other tools read the community's matters.
func proposalsListHTTP(v env, addr, secret string, community int64) error {
	c := newLoadClient(addr)
	defer c.close()
	headers := []string{"Authorization: Bearer " + secret}
	filters := []string{"", proposals.Decided, proposals.Voting, proposals.Open, proposals.Done}
	r := newRand(18)
	get := func(i int) error {
		status, _, err := c.do("GET", fmt.Sprintf("/api/v1/proposals?org=%d&status=%s&page=%d&size=50", community,
			filters[i%len(filters)], 1+r.IntN(20)), headers, nil)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("GET /api/v1/proposals: status %d", status)
		}
		return err
	}
	for i := range 50 {
		if err := get(i); err != nil {
			return err
		}
	}
	lat, err := timeIt(v.ctx, v.opt.Queries, get)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("GET /api/v1/proposals?org=&status=&page=&size=50 over loopback, one keep-alive connection, bearer token, %d matters", benchMatters)
	v.e.emit(Result{Bench: "proposals_list_http_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "proposals_list_http_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	return nil
}

// residentSessions opens a session for each voter as a right code would
// (residents.Service.Confirm): a random token in the cookie, its SHA-256
// in resident_sessions. Typing codes is the residents group's to measure.
func residentSessions(ctx context.Context, db *database.DB, voters []residents.Resident) ([]string, error) {
	tokens := make([]string, len(voters))
	now := time.Now()
	created, expires := database.FormatTime(now), database.FormatTime(now.AddDate(0, 0, residents.SessionDays))
	for at := 0; at < len(voters); at += 500 {
		q := db.InOrder()
		var b strings.Builder
		for i := at; i < min(at+500, len(voters)); i++ {
			if i > at {
				b.WriteString(", ")
			}
			tokens[i] = randomToken()
			h := sha256.Sum256([]byte(tokens[i]))
			b.WriteString(q.Row(hex.EncodeToString(h[:]), voters[i].CommunityID, voters[i].PersonID, created, expires))
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO resident_sessions (token_hash, community_id, person_id, created_at,
			expires_at) VALUES `+b.String(), q.Values()...); err != nil {
			return nil, err
		}
	}
	return tokens, nil
}

// tallyOf reads the matter's tally and ballots directly: how many receipts
// acknowledged are not in the tally, and how many rows each table holds.
func tallyOf(ctx context.Context, db *database.DB, community, matter int64, receipts []string, state []voteState) (missing, tally, ballots int, err error) {
	rows, err := db.QueryContext(ctx, `SELECT receipt FROM proposal_tally WHERE community_id = $1 AND proposal_id = $2`, community, matter)
	if err != nil {
		return 0, 0, 0, err
	}
	in := map[string]bool{}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, 0, 0, err
		}
		in[r] = true
		tally++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, 0, err
	}
	for i, st := range state {
		if st == voteAcked && !in[receipts[i]] {
			missing++
		}
	}
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_ballots WHERE community_id = $1 AND proposal_id = $2`,
		community, matter).Scan(&ballots)
	return missing, tally, ballots, err
}

// receiptIn finds the receipt in the page a vote answers with.
func receiptIn(page []byte) string {
	_, after, ok := bytes.Cut(page, []byte("回执码"))
	if !ok {
		return ""
	}
	_, after, ok = bytes.Cut(after, []byte("<strong>"))
	if !ok {
		return ""
	}
	r, _, ok := bytes.Cut(after, []byte("</strong>"))
	if !ok {
		return ""
	}
	return string(r)
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
