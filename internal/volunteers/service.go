// Package volunteers keeps 志愿服务: the registry of volunteers (each a
// person of the register, registered once, under a number), their teams,
// skills and availability, commendations and evaluations; activities with
// shifts and slots that volunteers sign up for on their phones; check-in
// and check-out by the shift's QR, which writes the hours ledger (planned
// and actual minutes, a verifier); hours recorded and reversed by staff;
// the totals of a unit's year; and the needs found in visits and events
// matched to volunteers by skill, availability and grid.
//
// Certificates of service hours (certificates/) read the registry and the
// ledger by SQL only.
package volunteers

import (
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// Permissions of the volunteers.
const (
	PermRead   = "volunteers.read"   // see volunteers and the totals of hours in scope
	PermManage = "volunteers.manage" // register volunteers, run activities, record and reverse hours
)

// Service keeps the registry, the activities and the hours ledger.
type Service struct {
	db  *database.DB
	now func() time.Time
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Now is the service's clock, for the pages that show what is due.
func (s *Service) Now() time.Time { return s.now() }

// today is the day in Shanghai, where the service is done.
func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(database.DateLayout) }

// Staff is who acts on the staff pages: their account, shown name and the
// scope of volunteers.manage (or read).
type Staff struct {
	UserID int64
	Name   string
	// May says whether the staff may act in a community.
	May func(community int64) bool
}

// Minutes shows minutes as hours with one decimal (服务时长 in hours).
func Hours(minutes int) float64 {
	return float64((minutes*10+30*sign(minutes))/60) / 10
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}
