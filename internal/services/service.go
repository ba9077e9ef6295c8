package services

import (
	"time"

	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/verifycode"
	"shequ/internal/workdays"
)

// Options configure a Service.
type Options struct {
	// Calendar counts deadlines (workdays.Load); nil counts weekends
	// only, with no holidays.
	Calendar *workdays.Calendar
	// Quiet sends no SMS (demo data of past months).
	Quiet bool
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
	cal       dates
	quiet     bool
	publicURL string
	now       func() time.Time

	codeKey *verifycode.Key // the certificates' verification codes (service_secrets)
}

// New returns a Service.
func New(db *database.DB, reg *register.Store, o Options) *Service {
	if o.Now != nil {
		// What a case changes in the register (the tag an approval
		// gives) is dated by the hall's clock: the demo replays past days.
		reg = reg.WithClock(o.Now)
	}
	s := &Service{db: db, reg: reg, quiet: o.Quiet, publicURL: o.PublicURL, now: o.Now,
		codeKey: verifycode.NewKey(db, "service_secrets")}
	cal := o.Calendar
	if cal == nil {
		cal, _ = workdays.New(nil, nil, nil) // weekends only; cannot fail without days
	}
	s.cal = dates{cal}
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

// dates counts working days between dates (YYYY-MM-DD in China), the unit
// of the catalogue's time limits, on the shared calendar.
type dates struct{ c *workdays.Calendar }

// AddWorkdays returns the date of the deadline n working days after d.
func (w dates) AddWorkdays(d string, n int) string {
	t, err := workdays.ParseDate(d)
	if err != nil {
		return d
	}
	return w.c.AddWorkdays(t, n).In(cst).Format(database.DateLayout)
}

// WorkdaysBetween counts the working days after from up to and including to.
func (w dates) WorkdaysBetween(from, to string) int {
	a, err1 := workdays.ParseDate(from)
	b, err2 := workdays.ParseDate(to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return w.c.WorkdaysBetween(a, b)
}
