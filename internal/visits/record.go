package visits

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// Outcomes of a visit. Only a visit where someone was met satisfies the
// household's due visits; the others are recorded as attempts.
const (
	OutcomeMet     = "met"
	OutcomeAbsent  = "absent"  // 无人在家
	OutcomeRefused = "refused" // 拒绝入户
)

// OutcomeNames names the outcomes.
var OutcomeNames = map[string]string{OutcomeMet: "见到住户", OutcomeAbsent: "无人在家", OutcomeRefused: "拒绝入户"}

// Record is a visit as the worker writes it, with the facts found
// different from the register. Versions are those the worker read: a
// register changed meanwhile is a conflict, never overwritten.
type Record struct {
	HouseholdID int64
	ClientUUID  string // the phone's id of the record; "" makes one
	VisitedOn   string // the day; "" today
	DeviceTime  string // the phone's clock when it was written
	Outcome     string
	Met         string  // who was met
	Present     []int64 // members present
	Findings    string
	Notes       string // 民情日记
	StaffID     int64  // the visiting worker's org_staff row, if any
	Flagged     bool   // the worker overrode a conflict: for review
	Need        *Need  // a need found, reported as an event with the visit (报事件)

	HouseholdVersion int
	HouseholdPhone   *string // a new phone of the household
	PersonPhones     []PersonPhone
	Leavings         []register.Leaving // a member moved out or died
	Pregnancies      []Pregnancy

	// alsoInTx runs in the visit's transaction after it is saved: the
	// sync's conflicts are saved with their visit or not at all.
	alsoInTx func(ctx context.Context, tx *sql.Tx, v Visit) error
}

// PersonPhone is a member's new phone.
type PersonPhone struct {
	PersonID int64
	Version  int
	Phone    string
}

// Pregnancy is a pregnancy found, registered as the 孕情 tag.
type Pregnancy struct {
	PersonID  int64
	StartedOn string
}

// Visitor is who records a visit: their account and write scope.
type Visitor struct {
	UserID int64
	Name   string
	Scope  access.Scope // where they may write the register
	// Viewer reports the need a visit found as an event; only a record
	// with a Need asks for it.
	Viewer *access.Viewer
}

// Visit is a recorded visit.
type Visit struct {
	ID           int64          `json:"id"`
	CommunityID  int64          `json:"community_id"`
	HouseholdID  int64          `json:"household_id"`
	GridID       int64          `json:"grid_id,omitempty"`
	ClientUUID   string         `json:"client_uuid"`
	VisitedOn    string         `json:"visited_on"`
	Outcome      string         `json:"outcome"`
	Met          string         `json:"met,omitempty"`
	Present      []int64        `json:"present,omitempty"`
	Findings     string         `json:"findings,omitempty"`
	Notes        string         `json:"notes,omitempty"`
	Corrections  []Correction   `json:"corrections,omitempty"`
	BaseVersions map[string]int `json:"base_versions,omitempty"`
	Flagged      bool           `json:"flagged,omitempty"`
	EventID      int64          `json:"event_id,omitempty"` // the event a need it found became
	DeviceTime   string         `json:"device_time,omitempty"`
	Author       string         `json:"author"`
	StaffID      int64          `json:"staff_id,omitempty"`
	RecordedAt   string         `json:"recorded_at"`
	Satisfied    int            `json:"satisfied"` // due visits it satisfied
}

// Correction is one fact a visit changed in the register; its values are
// in the register's history (source visit:<id>), masked there as usual.
type Correction struct {
	Entity string `json:"entity"`
	ID     int64  `json:"id"`
	Field  string `json:"field"`
	Label  string `json:"label"`
}

// Source is the change events' source of a visit's corrections.
func Source(visitID int64) string { return "visit:" + strconv.FormatInt(visitID, 10) }

// ErrNoVisit answers a visit that does not exist or lies outside the scope.
var ErrNoVisit = fault.New(fault.NotFound, "没有这次走访记录")

// NewClientUUID makes a record id for a form or a phone's queue (a UUIDv4).
func NewClientUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Service) checkRecord(rec *Record) error {
	fe := fault.Fields{}
	rec.ClientUUID = strings.TrimSpace(rec.ClientUUID)
	if rec.ClientUUID == "" {
		rec.ClientUUID = NewClientUUID()
	} else if len(rec.ClientUUID) > 64 {
		fe.Add("client_uuid", "记录编号过长")
	}
	today := s.today()
	if strings.TrimSpace(rec.VisitedOn) == "" {
		rec.VisitedOn = today.String()
	}
	d := parseDay(rec.VisitedOn)
	switch {
	case d == noDay:
		fe.Add("visited_on", "请填写走访日期")
	case d > today:
		fe.Add("visited_on", "走访日期不能晚于今天")
	case d < today-366:
		fe.Add("visited_on", "走访日期不能早于一年前")
	default:
		rec.VisitedOn = d.String()
	}
	if _, ok := OutcomeNames[rec.Outcome]; !ok {
		fe.Add("outcome", "请选择走访结果")
	}
	text := func(field string, v *string, max int) {
		*v = strings.TrimSpace(*v)
		if len([]rune(*v)) > max {
			fe.Add(field, "不超过 "+strconv.Itoa(max)+" 字")
		}
	}
	text("met", &rec.Met, 60)
	text("findings", &rec.Findings, 1000)
	text("notes", &rec.Notes, 2000)
	if len(rec.DeviceTime) > 40 {
		fe.Add("device_time", "设备时间格式不对")
	}
	if rec.Outcome == OutcomeMet && rec.Met == "" && len(rec.Present) == 0 {
		fe.Add("met", "请填写见到了谁,或勾选在场的成员")
	}
	for _, p := range rec.Pregnancies {
		if parseDay(p.StartedOn) == noDay || parseDay(p.StartedOn) > today {
			fe.Add("pregnant_on", "请填写孕情登记日期(不晚于今天)")
		}
	}
	return fe.Err()
}

// RecordVisit saves a visit with its corrections in one transaction: the
// corrections go through the register's own writes with the visit as their
// source, the due visits it satisfies are marked done and the household's
// schedule recomputed. A record whose ClientUUID was already saved is not
// saved again: the stored visit is returned with created false, so that a
// phone sending its queue twice creates nothing twice.
func (s *Service) RecordVisit(ctx context.Context, by Visitor, rec Record) (v Visit, created bool, err error) {
	if err := s.checkRecord(&rec); err != nil {
		return Visit{}, false, err
	}
	h, err := s.reg.Household(ctx, by.Scope, rec.HouseholdID)
	if err != nil {
		return Visit{}, false, err
	}
	if old, err := s.visitByClient(ctx, s.db, h.CommunityID, rec.ClientUUID); err == nil {
		return old, false, nil
	} else if !errors.Is(err, ErrNoVisit) {
		return Visit{}, false, err
	}
	members, err := s.reg.Members(ctx, by.Scope, h)
	if err != nil {
		return Visit{}, false, err
	}
	member := map[int64]register.Person{}
	for _, p := range members {
		member[p.ID] = p
	}
	fe := fault.Fields{}
	for _, id := range rec.Present {
		if _, ok := member[id]; !ok {
			fe.Add("present", "在场成员须是本户成员")
		}
	}
	for _, pp := range rec.PersonPhones {
		if _, ok := member[pp.PersonID]; !ok {
			fe.Add("phone_"+strconv.FormatInt(pp.PersonID, 10), "须是本户成员")
		}
	}
	for _, lv := range rec.Leavings {
		if _, ok := member[lv.PersonID]; !ok {
			fe.Add("leaving", "须是本户成员")
		}
	}
	for _, pr := range rec.Pregnancies {
		if p, ok := member[pr.PersonID]; !ok || p.Gender != "F" {
			fe.Add("pregnant", "须是本户的女性成员")
		}
	}
	if rec.Need != nil {
		// Refused before anything is saved: the visit and its event go
		// together or the form comes back.
		if err := s.checkNeed(ctx, by.Viewer, h, rec.Need); err != nil {
			for k, m := range fault.FieldsOf(err) {
				fe.Add(k, m)
			}
			if fault.FieldsOf(err) == nil {
				return Visit{}, false, err
			}
		}
	}
	if err := fe.Err(); err != nil {
		return Visit{}, false, err
	}

	v = Visit{ID: database.NewID(), CommunityID: h.CommunityID, HouseholdID: h.ID, GridID: h.GridID,
		ClientUUID: rec.ClientUUID, VisitedOn: rec.VisitedOn, Outcome: rec.Outcome, Met: rec.Met, Present: rec.Present,
		Findings: rec.Findings, Notes: rec.Notes, Flagged: rec.Flagged, DeviceTime: rec.DeviceTime, Author: by.Name,
		StaffID: rec.StaffID, RecordedAt: database.FormatTime(s.now()), BaseVersions: map[string]int{}}
	actor := register.Actor{UserID: by.UserID, Name: by.Name, Source: Source(v.ID)}
	base := func(entity string, id int64, version int) {
		v.BaseVersions[entity+":"+strconv.FormatInt(id, 10)] = version
	}
	base("household", h.ID, h.Version)
	if rec.HouseholdVersion != 0 {
		base("household", h.ID, rec.HouseholdVersion)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Another send of the same record may have won the race since the
		// look above; the unique key refuses the second insert anyway.
		if rec.HouseholdPhone != nil && strings.TrimSpace(*rec.HouseholdPhone) != h.Phone {
			hh := h
			hh.Phone = strings.TrimSpace(*rec.HouseholdPhone)
			if rec.HouseholdVersion != 0 {
				hh.Version = rec.HouseholdVersion
			}
			if err := s.reg.UpdateHouseholdTx(ctx, tx, actor, by.Scope, &hh); err != nil {
				return prefixed("household_phone", err)
			}
			v.Corrections = append(v.Corrections, Correction{Entity: "household", ID: h.ID, Field: "phone",
				Label: register.FieldLabel("household", "phone")})
		}
		for _, pp := range rec.PersonPhones {
			p := member[pp.PersonID]
			base("person", p.ID, pp.Version)
			if strings.TrimSpace(pp.Phone) == p.Phone {
				continue
			}
			p.Phone, p.Version = strings.TrimSpace(pp.Phone), pp.Version
			if err := s.reg.UpdatePersonTx(ctx, tx, actor, by.Scope, &p); err != nil {
				return prefixed("phone_"+strconv.FormatInt(pp.PersonID, 10), err)
			}
			v.Corrections = append(v.Corrections, Correction{Entity: "person", ID: p.ID, Field: "phone",
				Label: register.FieldLabel("person", "phone")})
		}
		for _, pr := range rec.Pregnancies {
			t := register.Tag{PersonID: pr.PersonID, Tag: "pregnant", StartedOn: pr.StartedOn, Note: "入户走访发现"}
			if err := s.reg.AddTagTx(ctx, tx, actor, by.Scope, &t); err != nil {
				return prefixed("pregnant", err)
			}
			v.Corrections = append(v.Corrections, Correction{Entity: "tag", ID: t.ID, Field: "pregnant", Label: "孕情"})
		}
		for _, lv := range rec.Leavings {
			base("person", lv.PersonID, lv.Version)
			if err := s.reg.RecordLeavingTx(ctx, tx, actor, by.Scope, lv); err != nil {
				return prefixed("leaving", err)
			}
			v.Corrections = append(v.Corrections, Correction{Entity: "person", ID: lv.PersonID, Field: "status",
				Label: register.PersonStatusNames[lv.Status]})
		}
		present, _ := json.Marshal(v.Present)
		corrections, _ := json.Marshal(v.Corrections)
		versions, _ := json.Marshal(v.BaseVersions)
		if _, err := tx.ExecContext(ctx, `INSERT INTO visits (community_id, id, household_id, grid_id, client_uuid, visited_on,
			outcome, met, present, findings, notes, corrections, base_versions, flagged, device_time, author_id, author,
			staff_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			v.CommunityID, v.ID, v.HouseholdID, nullID(v.GridID), v.ClientUUID, v.VisitedOn, v.Outcome, v.Met,
			string(present), v.Findings, v.Notes, string(corrections), string(versions), boolInt(v.Flagged), v.DeviceTime,
			nullID(by.UserID), by.Name, nullID(v.StaffID), v.RecordedAt); err != nil {
			return err
		}
		if rec.alsoInTx != nil {
			if err := rec.alsoInTx(ctx, tx, v); err != nil {
				return err
			}
		}
		if v.Outcome != OutcomeMet {
			return nil
		}
		// Rule 0 of the progress is the household's last visit of any kind
		// where someone was met: coverage's "ever visited".
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_progress (community_id, household_id, rule_id, anchor, done_on, done_seq)
			VALUES ($1, $2, 0, '', $3, 0) ON CONFLICT (community_id, household_id, rule_id, anchor) DO UPDATE SET
			done_on = CASE WHEN excluded.done_on > visit_progress.done_on THEN excluded.done_on ELSE visit_progress.done_on END`,
			v.CommunityID, v.HouseholdID, v.VisitedOn); err != nil {
			return err
		}
		n, err := s.markDone(ctx, tx, v.CommunityID, v.HouseholdID, v.ID, v.VisitedOn, v.RecordedAt)
		if err != nil {
			return err
		}
		v.Satisfied = n
		_, err = s.recompute(ctx, tx, []int64{v.HouseholdID})
		return err
	})
	if err != nil {
		// The same record sent twice at once: the other send saved it.
		if old, e := s.visitByClient(ctx, s.db, h.CommunityID, rec.ClientUUID); e == nil {
			return old, false, nil
		}
		return Visit{}, false, err
	}
	if rec.Need != nil {
		// The events write in a transaction of their own; checked above,
		// a refusal here is the server's (the visit's page offers 报事件
		// again).
		e, err := s.reportNeed(ctx, by.Viewer, v, h, *rec.Need)
		if err != nil {
			return v, true, err
		}
		v.EventID = e.ID
	}
	return v, true, nil
}

// prefixed puts a register write's field errors at the visit form's field
// for that correction; conflicts and other errors pass unchanged.
func prefixed(field string, err error) error {
	fe := fault.FieldsOf(err)
	if fe == nil {
		return err
	}
	var msgs []string
	for _, m := range fe {
		msgs = append(msgs, m)
	}
	return fault.Fields{field: strings.Join(msgs, ";")}
}

const visitColumns = `community_id, id, household_id, COALESCE(grid_id, 0), client_uuid, visited_on, outcome, met, present,
	findings, notes, corrections, base_versions, flagged, device_time, author, COALESCE(staff_id, 0), recorded_at,
	COALESCE(event_id, 0)`

func scanVisit(row interface{ Scan(...any) error }) (Visit, error) {
	var v Visit
	var present, corrections, versions string
	var flagged int
	err := row.Scan(&v.CommunityID, &v.ID, &v.HouseholdID, &v.GridID, &v.ClientUUID, &v.VisitedOn, &v.Outcome, &v.Met,
		&present, &v.Findings, &v.Notes, &corrections, &versions, &flagged, &v.DeviceTime, &v.Author, &v.StaffID, &v.RecordedAt,
		&v.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNoVisit
	}
	v.Flagged = flagged != 0
	json.Unmarshal([]byte(present), &v.Present)
	json.Unmarshal([]byte(corrections), &v.Corrections)
	json.Unmarshal([]byte(versions), &v.BaseVersions)
	return v, err
}

func (s *Service) visitByClient(ctx context.Context, q database.Querier, community int64, uuid string) (Visit, error) {
	return scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+` FROM visits WHERE community_id = $1 AND client_uuid = $2`,
		community, uuid))
}

// Visit returns a visit the scope may see (its household in scope).
func (s *Service) Visit(ctx context.Context, scope access.Scope, id int64) (Visit, error) {
	v, err := scanVisit(s.db.QueryRowContext(ctx, `SELECT `+visitColumns+` FROM visits WHERE id = $1`, id))
	if err != nil {
		return v, err
	}
	if _, err := s.reg.Household(ctx, scope, v.HouseholdID); err != nil {
		return Visit{}, ErrNoVisit
	}
	return v, nil
}

// VisitsOf lists a household's visits, newest first (the scope's reading
// of the household is checked by the caller, who read it).
func (s *Service) VisitsOf(ctx context.Context, community, household int64, limit int) ([]Visit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+visitColumns+` FROM visits WHERE community_id = $1 AND household_id = $2
		ORDER BY visited_on DESC, recorded_at DESC LIMIT $3`, community, household, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// DueOf lists a household's open due visits with their rules' names.
func (s *Service) DueOf(ctx context.Context, community, household int64) ([]Line, error) {
	rules, err := s.Rules(ctx, nil)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	today := s.today().String()
	rows, err := s.db.QueryContext(ctx, `SELECT rule_id, due_on, overdue_on FROM visit_schedules
		WHERE community_id = $1 AND household_id = $2 AND status = 'open' ORDER BY due_on`, community, household)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		var overdue string
		if err := rows.Scan(&l.RuleID, &l.Due, &overdue); err != nil {
			return nil, err
		}
		l.Rule, l.Overdue = names[l.RuleID], overdue <= today
		out = append(out, l)
	}
	return out, rows.Err()
}
