package accounts

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Throttle slows password guessing: after too many failed logins for one
// account, or from one address, within a window, further attempts are
// refused until the window has passed — without checking the password, so a
// locked attempt costs the server nothing. It lives in memory: a restart
// forgets it, which the audit log's record of failed logins does not.
type Throttle struct {
	PerAccount int           // failures allowed per account name in Window
	PerAddress int           // failures allowed per client address in Window
	Window     time.Duration // how long a failure counts

	mu    sync.Mutex
	fails map[string][]time.Time
	now   func() time.Time
}

// NewThrottle allows 5 failures per account and 20 per address in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{PerAccount: 5, PerAddress: 20, Window: 15 * time.Minute,
		fails: map[string][]time.Time{}, now: time.Now}
}

// ErrThrottled is the answer to a login attempt while the throttle holds.
type ErrThrottled struct{ Wait time.Duration }

func (e ErrThrottled) Error() string {
	return fmt.Sprintf("登录失败次数过多,请 %d 分钟后再试", max(1, int(math.Ceil(e.Wait.Minutes()))))
}

func accountKey(name string) string { return "u:" + strings.ToLower(strings.TrimSpace(name)) }
func addressKey(addr string) string { return "a:" + addr }

// Check returns an ErrThrottled if a login for name from addr must wait.
func (t *Throttle) Check(name, addr string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range []struct {
		key   string
		limit int
	}{{accountKey(name), t.PerAccount}, {addressKey(addr), t.PerAddress}} {
		f := t.recent(k.key, now)
		if len(f) >= k.limit {
			return ErrThrottled{Wait: f[0].Add(t.Window).Sub(now)}
		}
	}
	return nil
}

// Failed records a failed login.
func (t *Throttle) Failed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.fails) > 100000 {
		t.prune(now)
	}
	for _, k := range []string{accountKey(name), addressKey(addr)} {
		t.fails[k] = append(t.recent(k, now), now)
	}
}

// Succeeded forgets an account's failures once its owner logs in.
func (t *Throttle) Succeeded(name string) {
	t.mu.Lock()
	delete(t.fails, accountKey(name))
	t.mu.Unlock()
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

// prune drops keys whose failures have all expired, bounding memory under a
// flood of attempts with made-up names.
func (t *Throttle) prune(now time.Time) {
	for k := range t.fails {
		t.recent(k, now)
	}
}
