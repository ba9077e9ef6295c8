package visits

import (
	"sync/atomic"
	"time"

	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

// Permissions of the visits.
const (
	PermRecord    = "visits.record"    // record visits of the households in scope
	PermSupervise = "visits.supervise" // see workers' lists, coverage and the planner
	PermRules     = "visits.rules"     // keep the rules and the visits a day
)

// Service keeps the rules, the schedules and the visits.
type Service struct {
	db  *database.DB
	reg *register.Store
	now func() time.Time
	cal *workdays.Calendar // nil: weekends only
	// events takes the needs visits find (报事件); nil refuses them.
	events *events.Store

	// rulesChanged tells the follower to recompute every household: a
	// rule saved changes the schedules of all the households it picks.
	rulesChanged atomic.Bool
}

// NewService returns the service on db writing corrections through reg;
// now nil is time.Now, cal nil counts weekdays as working days.
func NewService(db *database.DB, reg *register.Store, cal *workdays.Calendar, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, reg: reg, now: now, cal: cal}
}

// today is the day in Shanghai, where the visits happen.
func (s *Service) today() day { return dayOfTime(s.now()) }
