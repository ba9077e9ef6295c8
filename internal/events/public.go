package events

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"shequ/internal/access"
)

// What a resident sees of their report, by its tracking number: the
// category, the community, where it stands and who (which office or
// department, never which person) did what, with the answers meant for
// them. No names, phone numbers, descriptions or addresses: a tracking
// number passed on shows nothing personal.

// PublicEvent is the public view of an event.
type PublicEvent struct {
	TrackingNo string       `json:"tracking_no"`
	Category   string       `json:"category"`
	Community  string       `json:"community"`
	Status     string       `json:"status"` // a resident's word for it: 已收到、办理中、已办结 …
	Done       bool         `json:"done"`
	ReportedAt time.Time    `json:"reported_at"`
	Expected   time.Time    `json:"expected,omitempty"` // the handling deadline, once dispatched
	Steps      []PublicStep `json:"steps"`
	Photos     []Attachment `json:"photos,omitempty"` // the reporter's own
	CanRate    bool         `json:"can_rate"`
	Rating     int          `json:"rating,omitempty"`
	event      *Event
}

// PublicStep is one step as the reporter sees it.
type PublicStep struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	Who    string    `json:"who,omitempty"` // an office or a department
	Answer string    `json:"answer,omitempty"`
}

// PublicStatus is a resident's word for a status.
func PublicStatus(status string) string {
	switch status {
	case StatusReported:
		return "已收到,待受理"
	case StatusVerifying, StatusVerified:
		return "已处置,待核查"
	case StatusClosed:
		return "已办结"
	case StatusRejected:
		return "不予受理"
	case StatusMerged:
		return "已与相同问题合并办理"
	case StatusTransferred:
		return "已转交其他社区办理"
	}
	return "办理中"
}

// steps a reporter is shown; internal ones (comments, 督办, mediation
// notes, returns between offices) are not
var publicActions = map[string]bool{ActReport: true, ActAccept: true, ActReject: true, ActMerge: true,
	ActEscalate: true, ActFile: true, ActEscalateDistrict: true, ActDispatch: true, ActTake: true,
	ActFeedback: true, ActRework: true, ActVerifyPass: true, ActClose: true, ActRate: true, ActTransfer: true}

// publicFor bounds how stale the public view may be; this process's own
// changes show at once (they drop the cached view), another server's
// within this time.
const publicFor = 3 * time.Second

// maxPublic bounds the cached views: 3 s of lookups at 10,000 a second.
const maxPublic = 30000

type publicEntry struct {
	pe *PublicEvent
	at time.Time
}

// Public returns the public view of the event with a tracking number. Views
// are cached briefly: residents checking progress are the busiest readers.
func (s *Store) Public(ctx context.Context, trackingNo string) (*PublicEvent, error) {
	no := NormalizeTracking(trackingNo)
	s.pmu.Lock()
	c, ok := s.public[no]
	s.pmu.Unlock()
	if ok && time.Since(c.at) < publicFor {
		return c.pe, nil
	}
	pe, err := s.publicView(ctx, no)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s.pmu.Lock()
	if len(s.public) >= maxPublic {
		// Views older than publicFor are of no more use; holding them
		// would only give the garbage collector more to mark.
		for k, c := range s.public {
			if now.Sub(c.at) >= publicFor {
				delete(s.public, k)
			}
		}
	}
	if s.public == nil || len(s.public) >= maxPublic {
		s.public = map[string]publicEntry{}
	}
	s.public[no] = publicEntry{pe, now}
	s.pmu.Unlock()
	return pe, nil
}

// PublicFresh is Public without the cache: always read from the
// database (benchmarks; callers that must not see a view seconds old).
func (s *Store) PublicFresh(ctx context.Context, trackingNo string) (*PublicEvent, error) {
	return s.publicView(ctx, NormalizeTracking(trackingNo))
}

// forgetPublic drops the cached public view of an event that changed.
func (s *Store) forgetPublic(no string) {
	s.pmu.Lock()
	delete(s.public, no)
	s.pmu.Unlock()
}

func (s *Store) publicView(ctx context.Context, trackingNo string) (*PublicEvent, error) {
	// Two lean queries: the event's public columns, then its steps with the
	// reporter's photos joined on.
	if trackingNo == "" {
		return nil, ErrNotFound
	}
	var community, id int64
	var category, status, created, handleDue string
	var rating int
	err := s.db.QueryRowContext(ctx, `SELECT community_id, id, category, status, created_at, handle_due_at, COALESCE(rating, 0)
		FROM events WHERE tracking_no = $1`, trackingNo).Scan(&community, &id, &category, &status, &created, &handleDue, &rating)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.placeOf(ctx, community)
	if err != nil {
		return nil, err
	}
	names, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	pe := &PublicEvent{TrackingNo: trackingNo, Category: cat.Name(category), Community: p.Community.Name,
		Status: PublicStatus(status), Done: Final(status), ReportedAt: parseT(created), Rating: rating,
		CanRate: status == StatusClosed && rating == 0}
	if due := parseT(handleDue); !due.IsZero() && !Final(status) {
		pe.Expected = due
	}
	rows, err := s.db.QueryContext(ctx, `SELECT st.id, st.action, st.to_status, st.department, st.actor_unit, st.public_note,
		st.created_at, COALESCE(a.id, 0), COALESCE(a.width, 0), COALESCE(a.height, 0)
		FROM event_steps st LEFT JOIN event_attachments a ON a.community_id = st.community_id AND a.event_id = st.event_id
			AND a.step_id = st.id AND a.public = 1
		WHERE st.community_id = $1 AND st.event_id = $2 ORDER BY st.created_at, st.id, a.id`, community, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var stepID, photo int64
		var action, to, dept, unit, note, at string
		var w, h int
		if err := rows.Scan(&stepID, &action, &to, &dept, &unit, &note, &at, &photo, &w, &h); err != nil {
			return nil, err
		}
		if photo != 0 {
			pe.Photos = append(pe.Photos, Attachment{ID: photo, StepID: stepID, Width: w, Height: h, Public: true,
				ContentType: "image/jpeg"})
		}
		if stepID == last || !publicActions[action] {
			continue
		}
		last = stepID
		ps := PublicStep{At: parseT(at), What: ActionNames[action], Answer: note}
		switch action {
		case ActReport:
		case ActAccept:
			if to == StatusEscalated {
				ps.What = "受理并上报街道"
			}
			ps.Who = p.UnitName(LevelCommunity)
		case ActDispatch, ActTake, ActFeedback:
			ps.Who = names[dept]
			if dept == "" {
				ps.Who = unit
			}
		case ActRate:
			ps.Answer = ""
		default:
			ps.Who = unit
		}
		pe.Steps = append(pe.Steps, ps)
	}
	return pe, rows.Err()
}

// PublicPhoto returns a photo the reporter attached, by tracking number.
func (s *Store) PublicPhoto(ctx context.Context, trackingNo string, id int64) (Attachment, []byte, error) {
	e, err := s.GetByTracking(ctx, trackingNo)
	if err != nil {
		return Attachment{}, nil, err
	}
	a, data, err := s.AttachmentData(ctx, e, id)
	if err != nil {
		return a, nil, err
	}
	if !a.Public {
		return a, nil, ErrNotFound
	}
	return a, data, nil
}

// RatePublic records the reporter's rating (1–5 stars and a few words) of
// a closed event, once.
func (s *Store) RatePublic(ctx context.Context, trackingNo string, rating int, comment string) (*Event, error) {
	e, err := s.GetByTracking(ctx, trackingNo)
	if err != nil {
		return nil, err
	}
	return s.Act(ctx, access.System, e.ID, Action{Name: ActRate, Rating: rating, Comment: comment, actorName: "群众"})
}

// MissLimiter slows down guessing: each key (a client address) may miss —
// look up a tracking number that does not exist — Burst times, earning one
// more miss every Every. Lookups that find something cost nothing, so a
// resident checking their report is never held up.
type MissLimiter struct {
	Burst int
	Every time.Duration

	mu      sync.Mutex
	buckets map[string]*missBucket
	now     func() time.Time
}

type missBucket struct {
	tokens float64
	at     time.Time
}

// NewMissLimiter allows burst misses, refilled one per every.
func NewMissLimiter(burst int, every time.Duration) *MissLimiter {
	return &MissLimiter{Burst: burst, Every: every, buckets: map[string]*missBucket{}, now: time.Now}
}

func (l *MissLimiter) bucket(key string) *missBucket {
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100000 {
			// Forget clients whose buckets have refilled.
			for k, x := range l.buckets {
				if now.Sub(x.at) > time.Duration(l.Burst)*l.Every {
					delete(l.buckets, k)
				}
			}
		}
		b = &missBucket{tokens: float64(l.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(l.Burst), b.tokens+float64(now.Sub(b.at))/float64(l.Every))
	b.at = now
	return b
}

// Blocked reports whether key has used up its misses.
func (l *MissLimiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key).tokens < 1
}

// Miss records a miss by key.
func (l *MissLimiter) Miss(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	b.tokens = max(0, b.tokens-1)
}
