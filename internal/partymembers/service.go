package partymembers

import (
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/workdays"
)

// Permissions of the in-service party members.
const (
	PermManage = "party.manage" // register members, record their service, post wishes, grade
	PermRead   = "party.read"   // see their service and the employers' cards
)

// Service keeps the party members, posts, pairings, wishes and service.
type Service struct {
	db  *database.DB
	reg *register.Store
	// visits records a member's visit of a paired household as a visit of
	// 百家熟; nil refuses pairing visits.
	visits *visits.Service
	now    func() time.Time
}

// NewService returns the service on db; now nil is time.Now. vs records
// pairing visits (nil: none can be recorded).
func NewService(db *database.DB, reg *register.Store, vs *visits.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, reg: reg, visits: vs, now: now}
}

// Staff is who acts: a community worker, in the scope of their
// party.manage grants (or party.read for reading).
type Staff struct {
	UserID int64
	Name   string
	Scope  access.Scope
}

// today is the day in Shanghai, where the communities are.
func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(dayLayout) }

const dayLayout = "2006-01-02"

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(dayLayout, s)
	return t, err == nil
}

// addMonths is the same day n months later, or that month's last day when
// it has no such day (08-31 + 6 months is 02-28, not 03-03).
func addMonths(day string, n int) string {
	t, ok := parseDay(day)
	if !ok {
		return ""
	}
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	d := min(t.Day(), last)
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC).Format(dayLayout)
}

func addDays(day string, n int) string {
	t, ok := parseDay(day)
	if !ok {
		return ""
	}
	return t.AddDate(0, 0, n).Format(dayLayout)
}

// ReportEvery is how often a member reports again: every six months
// (每半年报到一次).
const ReportEvery = 6

// RemindBefore is how many days before the due day the reminder goes.
const RemindBefore = 14

// NextDue is the re-report due day after a report on day.
func NextDue(day string) string { return addMonths(day, ReportEvery) }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Hours shows minutes as hours with one decimal.
func Hours(minutes int) string {
	tenths := (minutes*10 + 30) / 60
	return itoa(int64(tenths/10)) + "." + itoa(int64(tenths%10))
}

// Today is the service's day (Shanghai), for forms' defaults.
func (s *Service) Today() string { return s.today() }

// NewKey makes a form's id: a form sent twice records once.
func NewKey() string { return visits.NewClientUUID() }
