// Package certificates issues 志愿服务记录证明, the certificates of a
// volunteer's service hours that 民发〔2015〕149号 describes, and exports
// the volunteers' service records for the national volunteer system
// (全国志愿服务信息系统).
//
// A certificate is requested for a period (by staff for a volunteer, or by
// the volunteer), published for public notice (公示) — during which anyone
// may object (异议) — and issued only after the notice and with no
// objection open. It names the volunteer (name, masked ID number, volunteer
// number), the hours and content of service, the issuing community, the
// handler (经办人), a number and the date, and carries a verification code
// with a QR of the public verify page.
//
// The package reads the volunteers' tables of migration 077 by SQL only
// (volunteers, volunteer_teams, volunteer_hours); it does not depend on the
// registry's Go code.
//
// # The notice period, exactly
//
// A notice published on day D is shown from that moment and runs seven
// calendar days, D to D+6 inclusive (Asia/Shanghai), as Chinese notices
// print it (公示期:1月5日至1月11日). The certificate may be issued from
// day D+7: issuing on D+6 ("day 6") is refused with the date it may be
// issued, issuing on D+7 ("day 7") is allowed. Objections are taken until
// the end of D+6.
//
// # What is counted
//
// Service time is the sum of the standing service rows of the ledger
// (kind 'service', neither reversed nor a reversal) served within the
// period. The rows are copied onto the certificate when it is published,
// so what the public saw is what is issued, and a later correction of the
// ledger changes no certificate. If the ledger changed during the notice,
// issue is refused until the certificate is published again (a new notice
// of seven days). No two live certificates (requested, in notice or
// issued) of one volunteer cover overlapping periods: nothing is
// certified twice.
package certificates

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/verifycode"
	"shequ/internal/workdays"
)

// Permissions of the certificates.
const (
	PermIssue  = "volunteer_certificates.issue" // request, publish, handle objections, issue, refuse, revoke
	PermExport = "volunteer_records.export"     // export service records with ID numbers (national system)
)

// NoticeDays is the length of the public notice in calendar days,
// counting the day of publication.
const NoticeDays = 7

// Options configure a Service.
type Options struct {
	// PublicURL is the base of the verify link printed in the QR code.
	PublicURL string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// ActivityNames names the activities of ledger rows (their activity_id)
// for the export's 活动名称 column; the volunteers' registry provides it.
type ActivityNames func(ctx context.Context, ids []int64) (map[int64]string, error)

// Service keeps the certificates over one database.
type Service struct {
	db        *database.DB
	org       *orgtree.Store
	now       func() time.Time
	publicURL string

	codeKey *verifycode.Key // volunteer_certificate_secrets

	activities ActivityNames
}

// NewService returns the service on db.
func NewService(db *database.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, org: orgtree.NewStore(db), now: o.Now, publicURL: o.PublicURL,
		codeKey: verifycode.NewKey(db, "volunteer_certificate_secrets")}
}

// UseActivityNames lets the export name each row's activity; without it
// the column 活动名称 stays empty.
func (s *Service) UseActivityNames(fn ActivityNames) { s.activities = fn }

// today is the date in Shanghai.
func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(time.DateOnly) }

// addDays moves a YYYY-MM-DD date by n days.
func addDays(d string, n int) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// chineseDate writes 2026-01-05 as 2026年1月5日.
func chineseDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2006年1月2日")
}

// Hours shows minutes as hours with one decimal, rounded half up: 90 is
// "1.5", 100 is "1.7".
func Hours(minutes int) string {
	sign := ""
	if minutes < 0 {
		sign, minutes = "-", -minutes
	}
	tenths := (minutes + 3) / 6
	return fmt.Sprintf("%s%d.%d", sign, tenths/10, tenths%10)
}
