package visits

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// Observation is a visit as a phone queued it with no network: append-only,
// named by the phone's client_uuid, with the phone's clock and the
// versions of the household and members it read from its package. A
// correction whose version is older than the register's is a conflict: it
// waits for a decision, never overwriting what the office wrote meanwhile.
type Observation struct {
	ClientUUID       string              `json:"client_uuid"`
	HouseholdID      int64               `json:"household_id"`
	VisitedOn        string              `json:"visited_on"`
	DeviceTime       string              `json:"device_time"`
	Author           string              `json:"author,omitempty"` // the phone's; the server records the account
	StaffID          int64               `json:"staff_id,omitempty"`
	Outcome          string              `json:"outcome"`
	Met              string              `json:"met,omitempty"`
	Present          []int64             `json:"present,omitempty"`
	Findings         string              `json:"findings,omitempty"`
	Notes            string              `json:"notes,omitempty"`
	HouseholdVersion int                 `json:"household_version"`
	HouseholdPhone   *string             `json:"household_phone,omitempty"`
	PersonPhones     []ObservedPhone     `json:"person_phones,omitempty"`
	Leavings         []ObservedLeaving   `json:"leavings,omitempty"`
	Pregnancies      []ObservedPregnancy `json:"pregnancies,omitempty"`
}

// ObservedPhone is a member's phone as found at the door.
type ObservedPhone struct {
	PersonID int64  `json:"person_id"`
	Version  int    `json:"version"`
	Phone    string `json:"phone"`
}

// ObservedLeaving is a member found moved out (迁出) or dead.
type ObservedLeaving struct {
	PersonID int64  `json:"person_id"`
	Version  int    `json:"version"`
	Status   string `json:"status"` // moved_out or deceased
	On       string `json:"on"`
	To       string `json:"to,omitempty"`
}

// ObservedPregnancy is a pregnancy found.
type ObservedPregnancy struct {
	PersonID  int64  `json:"person_id"`
	StartedOn string `json:"started_on"`
}

// What became of one observation in a sync.
const (
	SyncRecorded = "recorded" // saved now (its conflicting parts wait for a decision)
	SyncAlready  = "already"  // saved by an earlier sync: nothing made twice
	SyncInvalid  = "invalid"  // refused for its fields; the phone keeps it to correct
	SyncRefused  = "refused"  // the household is not the worker's to visit
)

// Synced answers one observation.
type Synced struct {
	ClientUUID string            `json:"client_uuid"`
	Status     string            `json:"status"`
	Message    string            `json:"message"`
	VisitID    int64             `json:"visit_id,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
	Conflicts  []Conflict        `json:"conflicts,omitempty"`
}

// MaxBatch is the most observations one sync takes; a phone with more
// sends them in several.
const MaxBatch = 500

// Sync saves a phone's queued observations, each on its own: one refused
// does not hold back the others. An observation already saved (the same
// client_uuid) is answered "already" with its conflicts and saves nothing
// again. The answer is in the batch's order.
func (s *Service) Sync(ctx context.Context, by Visitor, batch []Observation) ([]Synced, error) {
	if len(batch) > MaxBatch {
		return nil, fault.Fields{"batch": "一次最多同步 " + strconv.Itoa(MaxBatch) + " 条,请分批同步"}
	}
	out := make([]Synced, 0, len(batch))
	for _, o := range batch {
		r, err := s.syncOne(ctx, by, o)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// errNotVisited answers a household outside the worker's scope; it names
// nothing about the household.
const notVisitable = "该户不在您的走访范围内,未保存"

func (s *Service) syncOne(ctx context.Context, by Visitor, o Observation) (Synced, error) {
	r := Synced{ClientUUID: strings.TrimSpace(o.ClientUUID)}
	if r.ClientUUID == "" {
		r.Status, r.Message, r.Fields = SyncInvalid, "记录缺少编号", map[string]string{"client_uuid": "记录缺少编号"}
		return r, nil
	}
	// A conflict found while saving means the register changed between the
	// look below and the save; looking again finds it as a conflict.
	for attempt := 0; ; attempt++ {
		h, err := s.reg.Household(ctx, by.Scope, o.HouseholdID)
		if errors.Is(err, register.ErrNotFound) {
			r.Status, r.Message = SyncRefused, notVisitable
			return r, nil
		} else if err != nil {
			return r, err
		}
		if old, err := s.visitByClient(ctx, s.db, h.CommunityID, r.ClientUUID); err == nil {
			r.Status, r.Message, r.VisitID = SyncAlready, "已登记过,未重复保存", old.ID
			r.Conflicts, err = s.conflictsOfVisit(ctx, by, old)
			return r, err
		} else if !errors.Is(err, ErrNoVisit) {
			return r, err
		}
		members, err := s.reg.Members(ctx, by.Scope, h)
		if err != nil {
			return r, err
		}
		rec, found := s.split(ctx, by, o, h, members)
		rec.alsoInTx = func(ctx context.Context, tx *sql.Tx, v Visit) error {
			for i := range found {
				found[i].VisitID, found[i].CommunityID, found[i].GridID = v.ID, v.CommunityID, v.GridID
				found[i].VisitBy, found[i].AuthorID = v.Author, by.UserID
				if err := s.saveConflict(ctx, tx, &found[i]); err != nil {
					return err
				}
			}
			return nil
		}
		v, created, err := s.RecordVisit(ctx, by, rec)
		var ce *register.ConflictError
		switch {
		case errors.As(err, &ce) && attempt < 3:
			continue
		case errors.Is(err, register.ErrNotFound), errors.Is(err, ErrNoVisit):
			r.Status, r.Message = SyncRefused, notVisitable
			return r, nil
		case fault.FieldsOf(err) != nil:
			r.Status, r.Fields = SyncInvalid, fault.FieldsOf(err)
			r.Message = "未保存:" + joinFields(r.Fields)
			return r, nil
		case fault.KindOf(err) == fault.Forbidden || fault.KindOf(err) == fault.Invalid:
			r.Status, r.Message = SyncInvalid, err.Error()
			return r, nil
		case err != nil:
			return r, err
		}
		r.VisitID = v.ID
		if !created {
			r.Status, r.Message = SyncAlready, "已登记过,未重复保存"
			r.Conflicts, err = s.conflictsOfVisit(ctx, by, v)
			return r, err
		}
		r.Status, r.Message = SyncRecorded, "已保存"
		if len(found) > 0 {
			r.Message = "已保存;有 " + strconv.Itoa(len(found)) + " 项更正与登记信息冲突,待决定"
			r.Conflicts, err = s.conflictsOfVisit(ctx, by, v)
		}
		return r, err
	}
}

func joinFields(fe map[string]string) string {
	var msgs []string
	for _, m := range fe {
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, ";")
}

// split makes the visit to save of an observation and the conflicts of its
// corrections: a correction of a household or member whose version is now
// newer than the one the phone read is taken out and becomes a conflict,
// unless the register already says what the visit found.
func (s *Service) split(ctx context.Context, by Visitor, o Observation, h register.Household,
	members []register.Person) (Record, []Conflict) {
	rec := Record{HouseholdID: o.HouseholdID, ClientUUID: strings.TrimSpace(o.ClientUUID), VisitedOn: o.VisitedOn,
		DeviceTime: o.DeviceTime, Outcome: o.Outcome, Met: o.Met, Present: o.Present, Findings: o.Findings, Notes: o.Notes,
		StaffID: o.StaffID, HouseholdVersion: o.HouseholdVersion}
	// The phone's clock, stored as the register stores times (UTC), so
	// that both sides of a conflict read alike; a day alone stays a day.
	at := o.VisitedOn
	if t, err := time.Parse(time.RFC3339, o.DeviceTime); err == nil {
		at = database.FormatTime(t)
	}
	var found []Conflict
	conflict := func(entity string, id int64, field string, base, current int, value conflictValue, register string) {
		c := Conflict{HouseholdID: h.ID, Entity: entity, EntityID: id, Field: field, BaseVersion: base,
			RegisterVersion: current, value: value, RegisterValue: register, VisitAt: at, Status: ConflictOpen}
		c.RegisterBy, c.RegisterAt = s.changedBy(ctx, by.Scope.Fields(h.Place()), entity, id, base)
		found = append(found, c)
	}
	if o.HouseholdPhone != nil {
		phone := strings.TrimSpace(*o.HouseholdPhone)
		switch {
		case phone == h.Phone:
		case o.HouseholdVersion != 0 && o.HouseholdVersion < h.Version:
			conflict("household", h.ID, "phone", o.HouseholdVersion, h.Version, conflictValue{Phone: phone}, h.Phone)
		default:
			rec.HouseholdPhone = &phone
		}
	}
	member := map[int64]register.Person{}
	for _, p := range members {
		member[p.ID] = p
	}
	for _, pp := range o.PersonPhones {
		p, ok := member[pp.PersonID]
		phone := strings.TrimSpace(pp.Phone)
		switch {
		case !ok: // RecordVisit says at the field that they are no member
		case phone == p.Phone:
			continue
		case pp.Version < p.Version:
			conflict("person", p.ID, "phone", pp.Version, p.Version, conflictValue{Phone: phone}, p.Phone)
			continue
		}
		rec.PersonPhones = append(rec.PersonPhones, PersonPhone{PersonID: pp.PersonID, Version: pp.Version, Phone: phone})
	}
	for _, lv := range o.Leavings {
		p, ok := member[lv.PersonID]
		switch {
		case ok && p.Status == lv.Status: // the office recorded it already
			continue
		case ok && lv.Version < p.Version:
			conflict("person", p.ID, "status", lv.Version, p.Version,
				conflictValue{Status: lv.Status, On: lv.On, To: strings.TrimSpace(lv.To)}, statusText(p.Status, p.LeftOn, p.LeftTo))
			continue
		}
		rec.Leavings = append(rec.Leavings, register.Leaving{PersonID: lv.PersonID, Version: lv.Version, Status: lv.Status,
			On: lv.On, To: strings.TrimSpace(lv.To)})
	}
	for _, pr := range o.Pregnancies {
		rec.Pregnancies = append(rec.Pregnancies, Pregnancy{PersonID: pr.PersonID, StartedOn: pr.StartedOn})
	}
	return rec, found
}

// changedBy names who last changed a row after the version the phone read,
// and when (UTC), from the register's history as the visitor may see it.
func (s *Service) changedBy(ctx context.Context, f access.Fields, entity string, id int64, base int) (string, string) {
	h, err := s.reg.History(ctx, f, entity, id)
	if err != nil {
		return "", ""
	}
	for _, c := range h { // newest first
		if c.Version > base {
			return c.Actor, database.FormatTime(c.At)
		}
	}
	return "", ""
}
