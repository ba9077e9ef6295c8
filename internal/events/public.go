package events

import (
	"context"
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

// Public returns the public view of the event with a tracking number.
func (s *Store) Public(ctx context.Context, trackingNo string) (*PublicEvent, error) {
	e, err := s.GetByTracking(ctx, trackingNo)
	if err != nil {
		return nil, err
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.placeOf(ctx, e.CommunityID)
	if err != nil {
		return nil, err
	}
	names, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	steps, err := s.Steps(ctx, e)
	if err != nil {
		return nil, err
	}
	pe := &PublicEvent{TrackingNo: e.TrackingNo, Category: cat.Name(e.Category), Community: p.Community.Name,
		Status: PublicStatus(e.Status), Done: Final(e.Status), ReportedAt: e.CreatedAt, Rating: e.Rating,
		CanRate: e.Status == StatusClosed && e.Rating == 0, event: e}
	if !e.HandleDueAt.IsZero() && !Final(e.Status) {
		pe.Expected = e.HandleDueAt
	}
	for _, st := range steps {
		for _, a := range st.Attachments {
			if a.Public {
				pe.Photos = append(pe.Photos, a)
			}
		}
		if !publicActions[st.Action] {
			continue
		}
		ps := PublicStep{At: st.CreatedAt, What: ActionNames[st.Action], Answer: st.PublicNote}
		switch st.Action {
		case ActReport:
			ps.Who = ""
		case ActAccept:
			if st.ToStatus == StatusEscalated {
				ps.What = "受理并上报街道"
			}
			ps.Who = p.UnitName(LevelCommunity)
		case ActDispatch, ActTake, ActFeedback:
			ps.Who = names[st.Department]
			if st.Department == "" {
				ps.Who = st.ActorUnit
			}
		case ActRate:
			ps.Answer = ""
		default:
			ps.Who = st.ActorUnit
		}
		pe.Steps = append(pe.Steps, ps)
	}
	return pe, nil
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
