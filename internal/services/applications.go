package services

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

// Application states.
const (
	StatusIncomplete = "incomplete" // 待补齐材料(未受理)
	StatusProcessing = "processing" // 办理中
	StatusReturned   = "returned"   // 退回补正
	StatusApproved   = "approved"   // 办结
	StatusRejected   = "rejected"   // 不予批准
)

// StatusNames gives the Chinese name of each state.
var StatusNames = map[string]string{
	StatusIncomplete: "待补齐材料",
	StatusProcessing: "办理中",
	StatusReturned:   "退回补正",
	StatusApproved:   "已办结",
	StatusRejected:   "不予批准",
}

// Queues besides the chain's levels: cases waiting at the window for the
// resident, and finished ones.
const (
	QueueWindow = "window"
	QueueDone   = "done"
)

// Material states in an application's checklist.
const (
	MaterialReceived = "received" // handed in
	MaterialRegister = "register" // taken from the register, no photocopy
	MaterialMissing  = "missing"
	MaterialOptional = "optional" // optional and not handed in
)

// CheckedMaterial is one line of an application's checklist.
type CheckedMaterial struct {
	Material
	Status string `json:"status"`
}

// PublicStep is one line of the public progress: what happened at which
// stage on which day, and nothing about anyone.
type PublicStep struct {
	Date   string `json:"date"`
	Stage  string `json:"stage"`
	Action string `json:"action"`
}

// At is when the step was taken; Date is kept in China's time, to the
// minute, as the case's history was written.
func (p PublicStep) At() time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", p.Date, cst)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Application is one case (办件).
type Application struct {
	CommunityID int64             `json:"community_id"`
	ID          int64             `json:"id"`
	GridID      int64             `json:"grid_id,omitempty"`
	OrgID       int64             `json:"org_id"`
	TrackingNo  string            `json:"tracking_no"`
	ItemCode    string            `json:"item_code"`
	ItemName    string            `json:"item_name"`
	Chain       []Stage           `json:"chain"`
	TimeLimit   int               `json:"time_limit"`
	StationID   int64             `json:"station_id,omitempty"`
	PersonID    int64             `json:"person_id"`
	HouseholdID int64             `json:"household_id,omitempty"`
	Applicant   string            `json:"applicant"`
	Phone       string            `json:"-"` // personal: for SMS only, never in JSON
	PhoneLast4  string            `json:"-"`
	Proxy       bool              `json:"proxy"`
	AgentID     int64             `json:"agent_id,omitempty"`
	Agent       string            `json:"agent,omitempty"`
	Materials   []CheckedMaterial `json:"materials"`
	Status      string            `json:"status"`
	Stage       int               `json:"stage"`
	StageLevel  string            `json:"stage_level"`
	StageDue    string            `json:"stage_due,omitempty"`
	DueOn       string            `json:"due_on,omitempty"`
	PausedDays  int               `json:"paused_days,omitempty"`
	AcceptedOn  string            `json:"accepted_on,omitempty"`
	FinishedOn  string            `json:"finished_on,omitempty"`
	OnTime      *bool             `json:"on_time,omitempty"`
	// StageLate records that a stage was passed after its deadline: the
	// case can no longer end on time (按期).
	StageLate   bool         `json:"stage_late,omitempty"`
	Progress    []PublicStep `json:"progress"`
	Rating      int          `json:"rating,omitempty"`
	RatingNote  string       `json:"rating_note,omitempty"`
	Certificate int64        `json:"certificate_id,omitempty"`
	// GrantsTag is the register tag approval gives the applicant (copied
	// from the item at intake); TagID the tag it gave, TagEndedOn the day
	// that tag was ended (grants.go).
	GrantsTag  string `json:"grants_tag,omitempty"`
	TagID      int64  `json:"tag_id,omitempty"`
	TagEndedOn string `json:"tag_ended_on,omitempty"`
	Version    int    `json:"version"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	UpdatedBy  string `json:"updated_by,omitempty"`
}

// Place is where the application lies, for access checks.
func (a Application) Place() access.Place {
	return access.Place{Community: a.CommunityID, Grid: a.GridID, Org: a.OrgID}
}

// StatusName is the state in Chinese.
func (a Application) StatusName() string { return StatusNames[a.Status] }

// CurrentStage is the stage the case is at.
func (a Application) CurrentStage() Stage {
	if a.Stage >= 0 && a.Stage < len(a.Chain) {
		return a.Chain[a.Stage]
	}
	return Stage{}
}

// Missing lists the materials still missing: the one-time complete list
// (一次性告知).
func (a Application) Missing() []CheckedMaterial {
	var out []CheckedMaterial
	for _, m := range a.Materials {
		if m.Status == MaterialMissing {
			out = append(out, m)
		}
	}
	return out
}

// Finished reports whether the case is closed.
func (a Application) Finished() bool {
	return a.Status == StatusApproved || a.Status == StatusRejected
}

// Overdue reports whether the case is in progress past its stage
// deadline now: after the instant work stops on StageDue
// (workdays.Late, the one definition of overdue).
func (s *Service) Overdue(a Application) bool { return s.OverdueAt(a, s.now()) }

// OverdueAt is Overdue at the instant at.
func (s *Service) OverdueAt(a Application, at time.Time) bool {
	return a.Status == StatusProcessing && workdays.Late(s.cal.c.DueBy(a.StageDue), time.Time{}, at)
}

// FinishedOnTime reports whether the case was finished on time (按期);
// FinishedLate whether it was finished late (逾期). A case refused before
// it was accepted is neither. (Templates test these, not OnTime: a
// pointer to false is true to {{if}}.)
func (a Application) FinishedOnTime() bool { return a.OnTime != nil && *a.OnTime }

// FinishedLate: see FinishedOnTime.
func (a Application) FinishedLate() bool { return a.OnTime != nil && !*a.OnTime }

// DueSoon reports whether the stage deadline is today or tomorrow.
func (a Application) DueSoon(today, tomorrow string) bool {
	return a.Status == StatusProcessing && (a.StageDue == today || a.StageDue == tomorrow)
}

const appColumns = `a.community_id, a.id, COALESCE(a.grid_id, 0), a.org_id, a.tracking_no, a.item_code, a.item_name,
	a.chain, a.time_limit, COALESCE(a.station_id, 0), a.person_id, COALESCE(a.household_id, 0), a.applicant, a.phone, a.phone_last4,
	a.proxy, COALESCE(a.agent_id, 0), a.agent, a.materials, a.status, a.stage, a.stage_level, a.stage_due, a.due_on,
	a.paused_days, a.accepted_on, a.finished_on, a.on_time, a.progress, COALESCE(a.rating, 0), a.rating_note,
	COALESCE(a.certificate_id, 0), a.grants_tag, COALESCE(a.tag_id, 0), a.tag_ended_on,
	a.version, a.created_at, a.updated_at, a.updated_by, a.stage_late`

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var chain, mats, progress string
	var proxy int
	var onTime sql.NullInt64
	var stageLate int
	err := row.Scan(&a.CommunityID, &a.ID, &a.GridID, &a.OrgID, &a.TrackingNo, &a.ItemCode, &a.ItemName,
		&chain, &a.TimeLimit, &a.StationID, &a.PersonID, &a.HouseholdID, &a.Applicant, &a.Phone, &a.PhoneLast4,
		&proxy, &a.AgentID, &a.Agent, &mats, &a.Status, &a.Stage, &a.StageLevel, &a.StageDue, &a.DueOn,
		&a.PausedDays, &a.AcceptedOn, &a.FinishedOn, &onTime, &progress, &a.Rating, &a.RatingNote,
		&a.Certificate, &a.GrantsTag, &a.TagID, &a.TagEndedOn, &a.Version, &a.CreatedAt, &a.UpdatedAt, &a.UpdatedBy, &stageLate)
	if err != nil {
		return a, err
	}
	a.Proxy = proxy != 0
	a.StageLate = stageLate != 0
	if onTime.Valid {
		b := onTime.Int64 != 0
		a.OnTime = &b
	}
	if err := json.Unmarshal([]byte(chain), &a.Chain); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(mats), &a.Materials); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(progress), &a.Progress); err != nil {
		return a, err
	}
	return a, nil
}

func (s *Service) queryApplications(ctx context.Context, q database.Querier, query string, args ...any) ([]Application, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Application returns one application if it lies in scope.
func (s *Service) Application(ctx context.Context, scope access.Scope, id int64) (Application, error) {
	return s.applicationTx(ctx, s.db, scope, id)
}

func (s *Service) applicationTx(ctx context.Context, q database.Querier, scope access.Scope, id int64) (Application, error) {
	where, args := scope.And("a", 2)
	as, err := s.queryApplications(ctx, q, `SELECT `+appColumns+` FROM service_applications a WHERE a.id = $1`+where,
		append([]any{id}, args...)...)
	if err != nil {
		return Application{}, err
	}
	if len(as) == 0 {
		return Application{}, ErrNotFound
	}
	return as[0], nil
}

// PlaceOf finds where an application lies: the resolver of the
// "application" object kind for access rules.
func (s *Service) PlaceOf(ctx context.Context, id int64) (access.Place, error) {
	var p access.Place
	err := s.db.QueryRowContext(ctx, `SELECT community_id, COALESCE(grid_id, 0), org_id FROM service_applications WHERE id = $1`,
		id).Scan(&p.Community, &p.Grid, &p.Org)
	if errors.Is(err, sql.ErrNoRows) {
		return p, access.ErrNoObject
	}
	return p, err
}

// IntakeRequest is what the window records when taking in an application.
type IntakeRequest struct {
	PersonID  int64
	Item      string
	Received  []string // codes of the materials handed in
	Proxy     bool     // 代办: the clerk carries the case through every level
	Phone     string   // for SMS and the lookup; the register's when empty
	StationID int64
	Note      string
}

// Intake takes in an application at the window. With every required
// material present it is accepted (受理) and enters the first stage's queue;
// otherwise it waits as incomplete and Missing gives the one-time complete
// list for the resident.
func (s *Service) Intake(ctx context.Context, v *access.Viewer, req IntakeRequest) (*Application, error) {
	fe := fault.Fields{}
	it, err := s.Item(ctx, req.Item)
	if errors.Is(err, ErrNotFound) || (err == nil && !it.Active) {
		fe["item"] = "请选择服务事项"
	} else if err != nil {
		return nil, err
	}
	if req.PersonID == 0 {
		fe["person"] = "请先查找或登记申请人"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	p, err := s.reg.Person(ctx, access.Everything, req.PersonID)
	if errors.Is(err, register.ErrNotFound) {
		return nil, fault.Fields{"person": "申请人不在基础信息库中,请先登记"}
	}
	if err != nil {
		return nil, err
	}
	place := access.Place{Community: p.CommunityID, Grid: p.GridID, Org: p.OrgID}
	if !v.Scope(PermIntake).Contains(place) {
		return nil, fault.Fields{"person": "申请人不在您所服务的社区,不能在此受理"}
	}
	if p.Status != "active" {
		return nil, fault.Fields{"person": "申请人在基础信息库中的状态为" + register.PersonStatusNames[p.Status] + ",不能受理"}
	}
	phone := strings.TrimSpace(req.Phone)
	if phone == "" {
		phone = p.Phone
	}
	if phone == "" {
		return nil, fault.Fields{"phone": "请填写申请人手机号码,用于短信通知和进度查询"}
	}
	if phone, err = ident.ParseMobile(phone); err != nil {
		return nil, fault.Fields{"phone": err.Error()}
	}
	mats, err := s.checklist(ctx, it, p, req.Received)
	if err != nil {
		return nil, err
	}
	no, err := newTrackingNo(s.now().In(cst).Format("060102"))
	if err != nil {
		return nil, err
	}
	a := &Application{
		CommunityID: p.CommunityID, ID: database.NewID(), GridID: p.GridID, OrgID: p.OrgID,
		TrackingNo: no, ItemCode: it.Code, ItemName: it.Name, Chain: it.Chain, TimeLimit: it.TimeLimit, StationID: req.StationID,
		PersonID: p.ID, HouseholdID: p.HouseholdID, Applicant: p.Name, Phone: phone, PhoneLast4: phone[len(phone)-4:],
		Proxy: req.Proxy, Materials: mats, GrantsTag: it.GrantsTag, Version: 1,
	}
	if req.Proxy {
		a.AgentID, a.Agent = v.UserID, v.Name
	}
	today := s.today()
	missing := a.Missing()
	step := step{Action: ActIntake, Note: req.Note}
	if len(missing) > 0 {
		a.Status, a.StageLevel = StatusIncomplete, QueueWindow
		step.Materials = materialNames(missing)
	} else {
		s.accept(a, today)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := database.FormatTime(s.now())
		a.CreatedAt, a.UpdatedAt, a.UpdatedBy = now, now, v.Name
		chain, _ := json.Marshal(a.Chain)
		m, _ := json.Marshal(a.Materials)
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_applications (community_id, id, grid_id, org_id, tracking_no,
			item_code, item_name, chain, station_id, person_id, household_id, applicant, phone, phone_last4, proxy,
			agent_id, agent, materials, status, stage, stage_level, stage_due, due_on, accepted_on, progress,
			version, created_at, updated_at, updated_by, time_limit, grants_tag)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
			$22, $23, $24, '[]', 1, $25, $25, $26, $27, $28)`,
			a.CommunityID, a.ID, nullID(a.GridID), a.OrgID, a.TrackingNo, a.ItemCode, a.ItemName, string(chain),
			nullID(a.StationID), a.PersonID, nullID(a.HouseholdID), a.Applicant, a.Phone, a.PhoneLast4, boolInt(a.Proxy),
			nullID(a.AgentID), a.Agent, string(m), a.Status, a.Stage, a.StageLevel, a.StageDue, a.DueOn, a.AcceptedOn,
			now, v.Name, a.TimeLimit, a.GrantsTag); err != nil {
			return err
		}
		return s.record(ctx, tx, v, a, step)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// checklist marks each material of the item as handed in, taken from the
// register, missing or optional.
func (s *Service) checklist(ctx context.Context, it Item, p register.Person, received []string) ([]CheckedMaterial, error) {
	got := map[string]bool{}
	for _, c := range received {
		got[c] = true
	}
	var tags map[string]bool
	out := make([]CheckedMaterial, 0, len(it.Materials))
	for _, m := range it.Materials {
		cm := CheckedMaterial{Material: m}
		switch {
		case got[m.Code]:
			cm.Status = MaterialReceived
		case m.Register != "":
			if tags == nil && strings.HasPrefix(m.Register, "tag:") {
				ts, err := s.reg.TagsOf(ctx, access.Everything, p, s.today())
				if err != nil {
					return nil, err
				}
				tags = map[string]bool{}
				for _, t := range ts {
					tags[t.Tag] = true
				}
			}
			if inRegister(m.Register, p, tags) {
				cm.Status = MaterialRegister
			} else if m.Optional {
				cm.Status = MaterialOptional
			} else {
				cm.Status = MaterialMissing
			}
		case m.Optional:
			cm.Status = MaterialOptional
		default:
			cm.Status = MaterialMissing
		}
		out = append(out, cm)
	}
	return out, nil
}

// inRegister reports whether the register holds what replaces a material.
func inRegister(src string, p register.Person, tags map[string]bool) bool {
	switch {
	case src == "person":
		return p.IDNumber != ""
	case src == "household":
		return p.HouseholdID != 0
	case strings.HasPrefix(src, "tag:"):
		return tags[strings.TrimPrefix(src, "tag:")]
	case strings.HasPrefix(src, "certificate:"):
		return true // the community issues it on the spot
	}
	return false
}

func materialNames(ms []CheckedMaterial) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return strings.Join(names, "、")
}

// accept starts the legal clock: stage 0 with its deadline.
func (s *Service) accept(a *Application, today string) {
	a.Status, a.Stage = StatusProcessing, 0
	a.StageLevel = a.Chain[0].Level
	a.AcceptedOn = today
	a.DueOn = s.cal.AddWorkdays(today, a.TimeLimit)
	a.StageDue = s.cal.AddWorkdays(today, a.Chain[0].Days)
}

// newTrackingNo makes a 受理编号: the date (yymmdd), seven random digits
// and a Luhn check digit — 14 digits, easy to type on a phone, not to be
// guessed, and a mistyped digit is caught before the database is asked.
func newTrackingNo(date string) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(10_000_000))
	if err != nil {
		return "", err
	}
	body := fmt.Sprintf("%s%07d", date, n.Int64())
	return body + string(luhn(body)), nil
}

// ValidTrackingNo reports whether s has the form and check digit of a
// tracking number.
func ValidTrackingNo(s string) bool {
	if len(s) != 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return luhn(s[:13]) == s[13]
}

func luhn(body string) byte {
	sum := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

func unmarshalChain(s string, a *Application) error { return json.Unmarshal([]byte(s), &a.Chain) }
