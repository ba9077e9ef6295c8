package services

import (
	"context"
	"sync"
	"time"

	"shequ/internal/database"
	"shequ/internal/register"
)

// Calendar counts working days (工作日): weekends and public holidays off,
// 调休 weekends on. Deadlines of stages and cases are counted on it.
type Calendar interface {
	// AddWorkdays returns the date n working days after date d
	// (YYYY-MM-DD): the deadline of something received on d.
	AddWorkdays(d string, n int) string
	// WorkdaysBetween counts the working days after from up to and
	// including to (0 when to is not after from).
	WorkdaysBetween(from, to string) int
}

// Notifier queues a text message to a resident's phone. Queue runs inside
// the caller's transaction (an outbox), so a message goes out only for a
// change that was saved.
type Notifier interface {
	Queue(ctx context.Context, q database.Querier, phone, text string) error
}

// Options configure a Service.
type Options struct {
	// Calendar counts deadlines; nil counts Monday to Friday only.
	Calendar Calendar
	// Notifier sends SMS at each stage; nil sends none.
	Notifier Notifier
	// PublicURL is the base of the links printed in QR codes
	// ("https://shequ.example.gov.cn"); the public pages hang below it.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is the service hall over one database.
type Service struct {
	db        *database.DB
	reg       *register.Store
	cal       Calendar
	notify    Notifier
	publicURL string
	now       func() time.Time

	keyMu sync.Mutex
	key   []byte // verification-code key (service_secrets)
}

// New returns a Service.
func New(db *database.DB, reg *register.Store, o Options) *Service {
	s := &Service{db: db, reg: reg, cal: o.Calendar, notify: o.Notifier, publicURL: o.PublicURL, now: o.Now}
	if s.cal == nil {
		s.cal = weekdays{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.publicURL == "" {
		s.publicURL = "http://127.0.0.1:8080"
	}
	return s
}

// DB returns the database the service works on.
func (s *Service) DB() *database.DB { return s.db }

// PublicURL is the base of the public links.
func (s *Service) PublicURL() string { return s.publicURL }

// today is the service's current date in China Standard Time: deadlines
// are days at the window, not UTC days.
func (s *Service) today() string { return s.now().In(cst).Format(database.DateLayout) }

var cst = time.FixedZone("CST", 8*3600)

// weekdays is the fallback Calendar: Monday to Friday, no holidays. The
// server passes the shared working-day calendar instead.
type weekdays struct{}

func (weekdays) AddWorkdays(d string, n int) string {
	t, err := time.Parse(database.DateLayout, d)
	if err != nil {
		return d
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t.Format(database.DateLayout)
}

func (weekdays) WorkdaysBetween(from, to string) int {
	a, err1 := time.Parse(database.DateLayout, from)
	b, err2 := time.Parse(database.DateLayout, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	n := 0
	for a.Before(b) {
		a = a.AddDate(0, 0, 1)
		if wd := a.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}
