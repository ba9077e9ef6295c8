package accounts

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Throttle slows password guessing without locking owners out. Guesses are
// counted per account and client address together: after a few free
// failures each further attempt of that pair waits twice as long as the last
// (1 s, 2 s, 4 s … up to MaxDelay), so a guesser at one address gets a few
// dozen tries a day while the owner, from their own address, logs in as
// usual. Two ceilings catch what pairs cannot: many addresses guessing one
// account (PerAccount, high enough that a single guesser never reaches it)
// and one address trying many accounts (PerAddress). An administrator lifts
// an account's limits at once (Unlock).
//
// A refused attempt is refused without checking the password, so it costs
// the server nothing. The throttle lives in memory: a restart forgets it,
// which the audit log's record of failed logins does not.
type Throttle struct {
	Free       int           // failures of one account from one address before the delays begin
	FirstDelay time.Duration // the wait after the first failure beyond the free ones; each further one doubles it
	MaxDelay   time.Duration // the longest wait between two attempts of one account from one address
	Memory     time.Duration // how long a pair's failures are remembered after its last one
	PerAccount int           // failures of one account from all addresses in Window before it waits for everyone
	PerAddress int           // failures from one address over all accounts in Window before it waits
	Window     time.Duration // how long a failure counts towards the ceilings

	mu    sync.Mutex
	pairs map[pairKey]*pairState
	fails map[string][]time.Time // the ceilings' failures, by accountKey or addressKey
	now   func() time.Time
}

type pairKey struct{ account, addr string }

type pairState struct {
	failures int
	last     time.Time
}

// NewThrottle gives each account and address pair 3 free failures, then
// waits from 1 second doubling up to 15 minutes, remembered for a day; an
// account waits for everyone after 50 failures in 15 minutes (a dozen
// addresses guessing at full speed), an address after 100.
func NewThrottle() *Throttle {
	return &Throttle{Free: 3, FirstDelay: time.Second, MaxDelay: 15 * time.Minute, Memory: 24 * time.Hour,
		PerAccount: 50, PerAddress: 100, Window: 15 * time.Minute,
		pairs: map[pairKey]*pairState{}, fails: map[string][]time.Time{}, now: time.Now}
}

// ErrThrottled is the answer to a login attempt while the throttle holds.
type ErrThrottled struct{ Wait time.Duration }

func (e ErrThrottled) Error() string {
	if e.Wait < time.Minute {
		return fmt.Sprintf("登录失败次数过多,请 %d 秒后再试", max(1, int(math.Ceil(e.Wait.Seconds()))))
	}
	return fmt.Sprintf("登录失败次数过多,请 %d 分钟后再试", int(math.Ceil(e.Wait.Minutes())))
}

func accountName(name string) string   { return strings.ToLower(strings.TrimSpace(name)) }
func accountKey(name string) string    { return "u:" + accountName(name) }
func addressKey(addr string) string    { return "a:" + addr }
func pairOf(name, addr string) pairKey { return pairKey{accountName(name), addr} }

// delay is how long a pair with n failures waits after its last one.
func (t *Throttle) delay(n int) time.Duration {
	if n <= t.Free {
		return 0
	}
	if n-t.Free-1 >= 30 || t.FirstDelay<<(n-t.Free-1) <= 0 {
		return t.MaxDelay
	}
	return min(t.MaxDelay, t.FirstDelay<<(n-t.Free-1))
}

// Check returns an ErrThrottled if a login for name from addr must wait.
func (t *Throttle) Check(name, addr string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if p := t.pair(pairOf(name, addr), now); p != nil {
		if until := p.last.Add(t.delay(p.failures)); now.Before(until) {
			return ErrThrottled{Wait: until.Sub(now)}
		}
	}
	for _, k := range []struct {
		key   string
		limit int
	}{{accountKey(name), t.PerAccount}, {addressKey(addr), t.PerAddress}} {
		f := t.recent(k.key, now)
		if len(f) >= k.limit {
			return ErrThrottled{Wait: f[len(f)-k.limit].Add(t.Window).Sub(now)}
		}
	}
	return nil
}

// Failed records a failed login.
func (t *Throttle) Failed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.fails)+len(t.pairs) > 100000 {
		t.prune(now)
	}
	k := pairOf(name, addr)
	p := t.pair(k, now)
	if p == nil {
		p = &pairState{}
		t.pairs[k] = p
	}
	p.failures++
	p.last = now
	for _, k := range []string{accountKey(name), addressKey(addr)} {
		t.fails[k] = append(t.recent(k, now), now)
	}
}

// Succeeded forgets the failures of name from addr once its owner logs in
// from there. Failures from other addresses stay: they were someone else's.
func (t *Throttle) Succeeded(name, addr string) {
	t.mu.Lock()
	delete(t.pairs, pairOf(name, addr))
	t.mu.Unlock()
}

// Failures is how many failed logins of name the throttle remembers, from
// every address: what an administrator sees before unlocking.
func (t *Throttle) Failures(name string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	now, n, account := t.now(), 0, accountName(name)
	for k := range t.pairs {
		if k.account == account {
			if p := t.pair(k, now); p != nil {
				n += p.failures
			}
		}
	}
	return max(n, len(t.recent(accountKey(name), now)))
}

// Unlock forgets every failure of name, from every address, so that its
// owner may log in at once: an administrator's answer to an owner locked
// out by guessers from many addresses.
func (t *Throttle) Unlock(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	account := accountName(name)
	for k := range t.pairs {
		if k.account == account {
			delete(t.pairs, k)
		}
	}
	delete(t.fails, accountKey(name))
}

// pair returns the state of k while it is remembered, else nil.
func (t *Throttle) pair(k pairKey, now time.Time) *pairState {
	p := t.pairs[k]
	if p != nil && now.Sub(p.last) >= t.Memory {
		delete(t.pairs, k)
		return nil
	}
	return p
}

// recent returns the failures of key still inside the window.
func (t *Throttle) recent(key string, now time.Time) []time.Time {
	f := t.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= t.Window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = f
	}
	return f
}

// prune drops what has expired, bounding memory under a flood of attempts
// with made-up names.
func (t *Throttle) prune(now time.Time) {
	for k := range t.fails {
		t.recent(k, now)
	}
	for k := range t.pairs {
		t.pair(k, now)
	}
}
