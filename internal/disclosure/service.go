package disclosure

import (
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workdays"
)

// Permissions of 居务公开.
const (
	PermManage = "disclosure.manage" // keep the community's rows, publish, answer questions
	PermRead   = "disclosure.read"   // watch the schedule and its overdue rows
)

// Service keeps the catalogue, the publications and the questions.
type Service struct {
	db       *database.DB
	now      func() time.Time
	figures  Figures  // nil: the rows computed from report figures publish no block
	finances Finances // nil: the 财务收支 rows publish the staff's text only
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Staff is who acts, in the scope of their grants.
type Staff struct {
	Name  string
	Scope access.Scope
	// Shared: may keep the sample rows that hold everywhere.
	Shared bool
}

// today is the day in Shanghai, where the communities are.
func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(dayLayout) }

func (s *Service) stamp() string { return s.now().UTC().Format(time.RFC3339) }

// Today is the day in Shanghai, for the forms' defaults.
func (s *Service) Today() string { return s.today() }
