package bench

import (
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"shequ/internal/residents"
	"shequ/internal/services"
)

// Residents measures 居民身份核验 in process: `--only residents`. It asks
// codes for register persons with an ID number and a phone (it writes
// codes, SMS and sessions: run it on a copy), types each code from the
// outbox, then resolves the sessions as 议事协商 and surveys will on every
// vote and answer — one at a time and from 8 goroutines at once.
var Residents = Group{Name: "residents", Hidden: true, run: residentsBench}

var benchCodeRe = regexp.MustCompile(`验证码为(\d{6})`)

func residentsBench(v env) error {
	ctx := v.ctx
	n := min(v.opt.Queries, 500)
	rows, err := v.db.QueryContext(ctx, `SELECT community_id, name, id_number, phone FROM persons
		WHERE status = 'active' AND phone <> '' AND LENGTH(id_number) = 18 ORDER BY id LIMIT $1`, n)
	if err != nil {
		return err
	}
	var reqs []residents.Request
	for rows.Next() {
		var r residents.Request
		var number string
		if err := rows.Scan(&r.CommunityID, &r.Name, &number, &r.Phone); err != nil {
			rows.Close()
			return err
		}
		r.IDTail, r.Client = number[len(number)-residents.IDTailLen:], "bench"
		reqs = append(reqs, r)
	}
	rows.Close()
	if len(reqs) == 0 {
		return fmt.Errorf("residents: the register has no person with an ID number and a phone")
	}
	loose := func() *services.Limiter { return services.NewLimiter(1_000_000, 1_000_000, 1, time.Minute) }
	s := residents.NewService(v.db, nil).WithLimits(loose(), loose(), loose())
	attempts := make([]residents.Attempt, len(reqs))
	matched := 0
	lat, err := timeIt(ctx, len(reqs), func(i int) error {
		attempts[i], err = s.Start(ctx, reqs[i])
		if attempts[i].Matched {
			matched++
		}
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Start: match name, ID tail and phone, store the code, queue the SMS (%d of %d matched)", matched, len(reqs))
	v.e.emit(Result{Bench: "residents_request_code_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "residents_request_code_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	var tokens []string
	lat, err = timeIt(ctx, len(attempts), func(i int) error {
		a := attempts[i]
		if !a.Matched {
			return nil
		}
		var body string
		if err := v.db.QueryRowContext(ctx, `SELECT o.body FROM notify_outbox o JOIN resident_codes c
			ON o.ref = 'resident_code:' || CAST(c.id AS TEXT) WHERE c.person_id = $1 ORDER BY c.created_at DESC LIMIT 1`,
			a.PersonID).Scan(&body); err != nil {
			return err
		}
		m := benchCodeRe.FindStringSubmatch(body)
		if m == nil {
			return fmt.Errorf("residents: no code in the SMS")
		}
		token, _, err := s.Confirm(ctx, "bench", a.Ticket, m[1])
		tokens = append(tokens, token)
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "residents_confirm_code_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat),
		Note: "Confirm with the code read from the outbox (the read included)"})
	if len(tokens) == 0 {
		return fmt.Errorf("residents: no session opened")
	}
	lat, err = timeIt(ctx, v.opt.Queries, func(i int) error {
		_, err := s.ByToken(ctx, tokens[i%len(tokens)])
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "residents_session_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat),
		Note: "ByToken: the resident's person, household, house, building, adult and owner"})
	v.e.emit(Result{Bench: "residents_session_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat)})
	// Sessions resolved from 8 goroutines for a few seconds: the rate a
	// vote's eligibility check can run at.
	var done atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; time.Since(start) < 3*time.Second && ctx.Err() == nil; i++ {
				if _, err := s.ByToken(ctx, tokens[i%len(tokens)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	v.e.emit(Result{Bench: "residents_session_per_s", Value: float64(done.Load()) / time.Since(start).Seconds(), Unit: "/s",
		N: int(done.Load()), Note: "ByToken from 8 goroutines"})
	return nil
}
