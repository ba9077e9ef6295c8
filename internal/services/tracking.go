package services

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/fault"
)

// ErrNoMatch is the one answer of the public lookup to anything but a
// tracking number with the right phone digits: a wrong number, wrong digits,
// a number locked after failed attempts, a malformed input.
var ErrNoMatch = fault.New(fault.NotFound, "未查到该办件:请核对受理编号和手机号后四位")

// Progress is what the public lookup shows: the item, the state, the dates
// and the public steps; nothing about the applicant.
type Progress struct {
	TrackingNo string       `json:"tracking_no"`
	Item       string       `json:"item"`
	Status     string       `json:"status"`
	StatusName string       `json:"status_name"`
	Stages     []Stage      `json:"stages"`
	Stage      int          `json:"stage"`
	AcceptedOn string       `json:"accepted_on,omitempty"`
	DueOn      string       `json:"due_on,omitempty"`
	FinishedOn string       `json:"finished_on,omitempty"`
	Steps      []PublicStep `json:"steps"`
	Missing    []string     `json:"missing,omitempty"` // materials to bring (names from the catalogue)
	CanRate    bool         `json:"can_rate"`
	Rating     int          `json:"rating,omitempty"`
}

// Lookup answers the public progress query. last4 must be the last four
// digits of the phone given at intake. Every failure is ErrNoMatch, reached
// through the same single query, so nothing tells a wrong number from wrong
// digits. The caller applies a Limiter first.
func (s *Service) Lookup(ctx context.Context, trackingNo, last4 string) (Progress, error) {
	trackingNo = strings.TrimSpace(trackingNo)
	last4 = strings.TrimSpace(last4)
	if !ValidTrackingNo(trackingNo) {
		// Not a tracking number at all (the check digit catches a typo):
		// the caller learns only what it typed.
		return Progress{}, ErrNoMatch
	}
	var p Progress
	var stored, chain, mats, progress, status string
	var rating int
	// Thousands of lookups a second: the statement stays prepared on its
	// connection (database/stmtcache.go), parsed once.
	err := s.db.QueryRowContext(ctx, `SELECT phone_last4, item_name, status,
		chain, stage, accepted_on, due_on, finished_on, progress, materials, COALESCE(rating, 0)
		FROM service_applications WHERE tracking_no = $1`, trackingNo).Scan(&stored, &p.Item, &status, &chain, &p.Stage, &p.AcceptedOn, &p.DueOn, &p.FinishedOn,
		&progress, &mats, &rating)
	if errors.Is(err, sql.ErrNoRows) {
		stored = "\x00\x00\x00\x00" // compare anyway: the same work either way
	} else if err != nil {
		return Progress{}, err
	}
	if len(last4) != 4 || subtle.ConstantTimeCompare([]byte(stored), []byte(last4)) != 1 {
		return Progress{}, ErrNoMatch
	}
	p.TrackingNo, p.Status, p.StatusName = trackingNo, status, StatusNames[status]
	if err := json.Unmarshal([]byte(chain), &p.Stages); err != nil {
		return Progress{}, err
	}
	if err := json.Unmarshal([]byte(progress), &p.Steps); err != nil {
		return Progress{}, err
	}
	if status == StatusIncomplete || status == StatusReturned {
		var ms []CheckedMaterial
		if err := json.Unmarshal([]byte(mats), &ms); err != nil {
			return Progress{}, err
		}
		for _, m := range ms {
			if m.Status == MaterialMissing {
				p.Missing = append(p.Missing, m.Name)
			}
		}
	}
	p.Rating = rating
	p.CanRate = (status == StatusApproved || status == StatusRejected) && rating == 0
	return p, nil
}

// Rate records the resident's rating (1–5, with an optional remark) of a
// finished case, once; the same proof as Lookup is required.
func (s *Service) Rate(ctx context.Context, trackingNo, last4 string, score int, note string) error {
	if _, err := s.Lookup(ctx, trackingNo, last4); err != nil {
		return err
	}
	var id int64
	var version int
	if err := s.db.QueryRowContext(ctx, `SELECT id, version FROM service_applications WHERE tracking_no = $1`,
		strings.TrimSpace(trackingNo)).Scan(&id, &version); err != nil {
		return err
	}
	_, err := s.act(ctx, access.System, id, version, func(a *Application) (string, error) {
		if !a.Finished() {
			return "", &StateError{"办件办结后才能评价"}
		}
		if a.Rating > 0 {
			return "", &StateError{"该办件已评价过,谢谢您的反馈"}
		}
		return PermRead, nil
	}, func(a *Application, today string) (step, error) {
		if score < 1 || score > 5 {
			return step{}, fault.Fields{"score": "请选择1到5星"}
		}
		a.Rating = score
		a.RatingNote = strings.TrimSpace(note)
		if len([]rune(a.RatingNote)) > 200 {
			return step{}, fault.Fields{"note": "评价内容请不超过200字"}
		}
		return step{Action: ActRate, Note: a.RatingNote, silent: true, actor: "居民"}, nil
	})
	return err
}

// Limiter bounds public lookups against enumeration: per client address a
// token bucket (a burst, then a steady rate), and per tracking number a
// count of failed attempts after which the number answers ErrNoMatch for a
// while even to the right digits — whether or not it exists, so the lock
// tells nothing either.
type Limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	perMin   float64
	burst    float64
	clients  map[string]*bucket
	failures map[string]*failCount
	maxFails int
	lockFor  time.Duration
	swept    time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

type failCount struct {
	n     int
	first time.Time
}

// NewLimiter allows each client burst lookups and then perMinute a minute,
// and each tracking number maxFails wrong attempts per lockFor.
func NewLimiter(perMinute, burst, maxFails int, lockFor time.Duration) *Limiter {
	return &Limiter{now: time.Now, perMin: float64(perMinute), burst: float64(burst),
		clients: map[string]*bucket{}, failures: map[string]*failCount{}, maxFails: maxFails, lockFor: lockFor}
}

// DefaultLimiter is the public lookup's limit: per client address a burst
// of 30 and then 20 a minute (a household asks a few times; a community
// centre's shared address asks more), per tracking number 8 wrong attempts
// in 30 minutes.
func DefaultLimiter() *Limiter { return NewLimiter(20, 30, 8, 30*time.Minute) }

// Allow reports whether client may look up trackingNo now; it takes a token.
func (l *Limiter) Allow(client, trackingNo string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b := l.clients[client]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.clients[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Minutes()*l.perMin)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	if f := l.failures[trackingNo]; f != nil && f.n >= l.maxFails && now.Sub(f.first) < l.lockFor {
		return false
	}
	return true
}

// Failed counts a failed lookup of trackingNo.
func (l *Limiter) Failed(trackingNo string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	f := l.failures[trackingNo]
	if f == nil || now.Sub(f.first) >= l.lockFor {
		f = &failCount{first: now}
		l.failures[trackingNo] = f
	}
	f.n++
}

// maxLimited bounds each of the limiter's maps. Between sweeps a flood of
// lookups from many addresses, or of made-up numbers, would grow them
// without end (a server's memory grew by hundreds of MB); past the bound
// a sweep runs at once, and if it leaves the map mostly full the map starts
// afresh — forgetting limits under such a flood is the lesser harm.
const maxLimited = 100000

// sweep drops state that no longer limits anything, at most once a minute
// unless a map reached maxLimited, so the maps stay small under a scan of
// random numbers.
func (l *Limiter) sweep(now time.Time) {
	full := len(l.clients) >= maxLimited || len(l.failures) >= maxLimited
	if now.Sub(l.swept) < time.Minute && !full {
		return
	}
	defer func() {
		// Still mostly full: start afresh rather than sweep again at the
		// next request.
		if len(l.clients) > maxLimited*3/4 {
			l.clients = map[string]*bucket{}
		}
		if len(l.failures) > maxLimited*3/4 {
			l.failures = map[string]*failCount{}
		}
	}()
	l.swept = now
	for k, b := range l.clients {
		if b.tokens+now.Sub(b.at).Minutes()*l.perMin >= l.burst {
			delete(l.clients, k)
		}
	}
	for k, f := range l.failures {
		if now.Sub(f.first) >= l.lockFor {
			delete(l.failures, k)
		}
	}
}
