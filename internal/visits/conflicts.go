package visits

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// The states of a conflict.
const (
	ConflictOpen    = "open"    // waits for a decision
	ConflictKept    = "kept"    // the register's value stays
	ConflictApplied = "applied" // the visit's value was written over it: flagged for review
)

// ConflictStatusNames names the states.
var ConflictStatusNames = map[string]string{ConflictOpen: "待决定", ConflictKept: "保留登记值", ConflictApplied: "已采用走访值"}

// Conflict is one correction of a visit made offline that met a newer
// register: both values, with who wrote each and when. Values are shown
// as the reader may see them (phones masked per role).
type Conflict struct {
	ID              int64  `json:"id"`
	CommunityID     int64  `json:"community_id"`
	VisitID         int64  `json:"visit_id"`
	HouseholdID     int64  `json:"household_id"`
	GridID          int64  `json:"grid_id,omitempty"`
	Number          string `json:"household_number,omitempty"`
	Entity          string `json:"entity"`
	EntityID        int64  `json:"entity_id"`
	Field           string `json:"field"`
	Label           string `json:"label"` // what it is about: 住户电话, 张三的电话, 张三迁出或死亡
	BaseVersion     int    `json:"base_version"`
	RegisterVersion int    `json:"register_version"`
	VisitValue      string `json:"visit_value"`
	VisitBy         string `json:"visit_by"`
	VisitAt         string `json:"visit_at"`
	RegisterValue   string `json:"register_value"`
	RegisterBy      string `json:"register_by"`
	RegisterAt      string `json:"register_at"`
	Status          string `json:"status"`
	DecidedBy       string `json:"decided_by,omitempty"`
	DecidedAt       string `json:"decided_at,omitempty"`
	ReviewedBy      string `json:"reviewed_by,omitempty"`
	ReviewedAt      string `json:"reviewed_at,omitempty"`
	AuthorID        int64  `json:"-"`
	CreatedAt       string `json:"created_at"`

	value conflictValue
}

// conflictValue is what the visit found, as stored.
type conflictValue struct {
	Phone  string `json:"phone,omitempty"`
	Status string `json:"status,omitempty"`
	On     string `json:"on,omitempty"`
	To     string `json:"to,omitempty"`
}

// ErrNoConflict answers a conflict that does not exist or that the viewer
// may not decide.
var ErrNoConflict = fault.New(fault.NotFound, "没有这项冲突")

func statusText(status, on, to string) string {
	t := register.PersonStatusNames[status]
	if t == "" {
		t = status
	}
	if on != "" {
		t += " " + on
	}
	if to != "" {
		t += ",迁往 " + to
	}
	return t
}

func (s *Service) saveConflict(ctx context.Context, tx *sql.Tx, c *Conflict) error {
	c.ID, c.CreatedAt = database.NewID(), database.FormatTime(s.now())
	value, _ := json.Marshal(c.value)
	_, err := tx.ExecContext(ctx, `INSERT INTO visit_conflicts (community_id, id, visit_id, household_id, grid_id, entity,
		entity_id, field, base_version, register_version, visit_value, register_value, register_by, register_at, visit_by,
		visit_author_id, visit_at, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
		$16, $17, 'open', $18) ON CONFLICT (community_id, visit_id, entity, entity_id, field) DO NOTHING`,
		c.CommunityID, c.ID, c.VisitID, c.HouseholdID, nullID(c.GridID), c.Entity, c.EntityID, c.Field, c.BaseVersion,
		c.RegisterVersion, string(value), c.RegisterValue, c.RegisterBy, c.RegisterAt, c.VisitBy, nullID(c.AuthorID),
		c.VisitAt, c.CreatedAt)
	return err
}

const conflictColumns = `c.community_id, c.id, c.visit_id, c.household_id, COALESCE(c.grid_id, 0), c.entity, c.entity_id,
	c.field, c.base_version, c.register_version, c.visit_value, c.register_value, c.register_by, c.register_at, c.visit_by,
	COALESCE(c.visit_author_id, 0), c.visit_at, c.status, c.decided_by, c.decided_at, c.reviewed_by, c.reviewed_at,
	c.created_at`

func scanConflict(row interface{ Scan(...any) error }) (Conflict, error) {
	var c Conflict
	var value string
	err := row.Scan(&c.CommunityID, &c.ID, &c.VisitID, &c.HouseholdID, &c.GridID, &c.Entity, &c.EntityID, &c.Field,
		&c.BaseVersion, &c.RegisterVersion, &value, &c.RegisterValue, &c.RegisterBy, &c.RegisterAt, &c.VisitBy, &c.AuthorID,
		&c.VisitAt, &c.Status, &c.DecidedBy, &c.DecidedAt, &c.ReviewedBy, &c.ReviewedAt, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNoConflict
	}
	json.Unmarshal([]byte(value), &c.value)
	return c, err
}

func (s *Service) queryConflicts(ctx context.Context, query string, args ...any) ([]Conflict, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// conflictsOfVisit lists a visit's conflicts as the visitor may see them.
func (s *Service) conflictsOfVisit(ctx context.Context, by Visitor, v Visit) ([]Conflict, error) {
	cs, err := s.queryConflicts(ctx, `SELECT `+conflictColumns+` FROM visit_conflicts c
		WHERE c.community_id = $1 AND c.visit_id = $2 ORDER BY c.id`, v.CommunityID, v.ID)
	if err != nil {
		return nil, err
	}
	return cs, s.describe(ctx, by.Scope, cs)
}

// describe fills in the labels and shows the values as scope may see them:
// the member's name, a phone masked where the role sees it masked.
func (s *Service) describe(ctx context.Context, scope access.Scope, cs []Conflict) error {
	for i := range cs {
		c := &cs[i]
		h, err := s.reg.Household(ctx, scope, c.HouseholdID)
		if err != nil {
			return err
		}
		c.Number = h.Number
		f := scope.Fields(h.Place())
		name := ""
		if c.Entity == "person" {
			if p, err := s.reg.Person(ctx, scope, c.EntityID); err == nil {
				name = p.Name
			}
		}
		switch {
		case c.Entity == "household":
			c.Label = "住户电话"
			c.VisitValue = f.Phone("household", "phone", c.value.Phone)
		case c.Field == "phone":
			c.Label = name + " 的电话"
			c.VisitValue = f.Phone("person", "phone", c.value.Phone)
		default:
			c.Label = name + " 迁出或死亡"
			c.VisitValue = statusText(c.value.Status, c.value.On, c.value.To)
		}
		if c.Field == "phone" {
			c.RegisterValue = f.Phone(c.Entity, "phone", c.RegisterValue)
		}
	}
	return nil
}

// ConflictQuery picks conflicts: those of households in Scope, of one
// author's visits when AuthorID is set; open ones and overrides not yet
// reviewed, then the last decided.
type ConflictQuery struct {
	Scope    access.Scope
	AuthorID int64
	Limit    int
}

// ConflictList is the conflicts page: what waits for a decision, the
// overrides a supervisor has not reviewed yet, and the recent decisions.
type ConflictList struct {
	Open     []Conflict
	ToReview []Conflict // 已采用走访值,待复核
	Decided  []Conflict
}

// Conflicts lists the conflicts of q.
func (s *Service) Conflicts(ctx context.Context, q ConflictQuery) (ConflictList, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	a := s.db.Args()
	where := q.Scope.Where(a, "h")
	if q.AuthorID != 0 {
		where += " AND c.visit_author_id = " + a.Arg(q.AuthorID)
	}
	cs, err := s.queryConflicts(ctx, `SELECT `+conflictColumns+` FROM visit_conflicts c
		JOIN households h ON h.community_id = c.community_id AND h.id = c.household_id
		WHERE 1 = 1`+where+` ORDER BY CASE WHEN c.status = 'open' THEN 0 WHEN c.reviewed_at = '' AND c.status = 'applied'
		THEN 1 ELSE 2 END, c.created_at DESC LIMIT `+a.Arg(q.Limit), a.Values()...)
	if err != nil {
		return ConflictList{}, err
	}
	if err := s.describe(ctx, q.Scope, cs); err != nil {
		return ConflictList{}, err
	}
	var l ConflictList
	for _, c := range cs {
		switch {
		case c.Status == ConflictOpen:
			l.Open = append(l.Open, c)
		case c.Status == ConflictApplied && c.ReviewedAt == "":
			l.ToReview = append(l.ToReview, c)
		default:
			l.Decided = append(l.Decided, c)
		}
	}
	return l, nil
}

// Decider is who decides a conflict: the worker who made the visit, or a
// supervisor of the household's place.
type Decider struct {
	Visitor
	Supervises func(access.Place) bool
}

// The decisions on a conflict.
const (
	DecideKeep  = "keep"  // 保留登记值
	DecideApply = "apply" // 采用走访值
)

// Decide settles an open conflict. Keep leaves the register as it is.
// Apply writes the visit's value through the register with the visit as
// its source, over the value it met; the visit is flagged, and the
// override waits for a supervisor's review unless a supervisor made it.
// If the register changed once more since the conflict was found, nothing
// is written: the conflict now shows the newer value, to decide again.
func (s *Service) Decide(ctx context.Context, by Decider, id int64, decision string) (Conflict, error) {
	if decision != DecideKeep && decision != DecideApply {
		return Conflict{}, fault.Fields{"decision": "请选择保留登记值或采用走访值"}
	}
	c, h, supervisor, err := s.conflictFor(ctx, by, id)
	if err != nil {
		return c, err
	}
	if c.Status != ConflictOpen {
		return c, fault.New(fault.Conflict, "这项冲突已由 "+c.DecidedBy+" 决定")
	}
	now := database.FormatTime(s.now())
	status, reviewedBy, reviewedAt := ConflictKept, "", ""
	if decision == DecideApply {
		status = ConflictApplied
		if supervisor {
			reviewedBy, reviewedAt = by.Name, now
		}
	}
	var stale *register.ConflictError
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visit_conflicts SET status = $1, decided_by = $2, decided_at = $3,
			reviewed_by = $4, reviewed_at = $5 WHERE community_id = $6 AND id = $7 AND status = 'open'`,
			status, by.Name, now, reviewedBy, reviewedAt, c.CommunityID, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fault.New(fault.Conflict, "这项冲突已由他人决定,请刷新")
		}
		if decision == DecideKeep {
			return nil
		}
		if err := s.applyConflict(ctx, tx, by.Visitor, c, h); err != nil {
			if errors.As(err, &stale) {
				return err
			}
			return prefixed("decision", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE visits SET flagged = 1 WHERE community_id = $1 AND id = $2`, c.CommunityID, c.VisitID)
		return err
	})
	if stale != nil {
		// Written again meanwhile: the conflict is brought up to the
		// register's new value and waits for a decision on it.
		s.refreshConflict(ctx, by.Visitor, c, h, stale)
		return c, fault.New(fault.Conflict, "登记信息在冲突发现后又被修改,已更新显示,请重新决定")
	}
	if err != nil {
		return c, err
	}
	c.Status, c.DecidedBy, c.DecidedAt, c.ReviewedBy, c.ReviewedAt = status, by.Name, now, reviewedBy, reviewedAt
	return c, nil
}

// Review marks an override as reviewed by a supervisor.
func (s *Service) Review(ctx context.Context, by Decider, id int64) error {
	c, _, supervisor, err := s.conflictFor(ctx, by, id)
	if err != nil {
		return err
	}
	if !supervisor {
		return fault.New(fault.Forbidden, "只有督导人员可以复核")
	}
	if c.Status != ConflictApplied {
		return fault.New(fault.Invalid, "只有采用了走访值的冲突需要复核")
	}
	_, err = s.db.ExecContext(ctx, `UPDATE visit_conflicts SET reviewed_by = $1, reviewed_at = $2
		WHERE community_id = $3 AND id = $4 AND reviewed_at = ''`, by.Name, database.FormatTime(s.now()), c.CommunityID, c.ID)
	return err
}

// conflictFor reads a conflict the decider may decide: its household in
// their scope, and their own visit unless they supervise its place.
func (s *Service) conflictFor(ctx context.Context, by Decider, id int64) (Conflict, register.Household, bool, error) {
	c, err := scanConflict(s.db.QueryRowContext(ctx, `SELECT `+conflictColumns+` FROM visit_conflicts c WHERE c.id = $1`, id))
	if err != nil {
		return c, register.Household{}, false, err
	}
	h, err := s.reg.Household(ctx, by.Scope, c.HouseholdID)
	if err != nil {
		return c, h, false, ErrNoConflict
	}
	supervisor := by.Supervises != nil && by.Supervises(h.Place())
	if !supervisor && c.AuthorID != by.UserID {
		return c, h, false, ErrNoConflict
	}
	return c, h, supervisor, nil
}

// applyConflict writes the visit's value over the register's version the
// conflict met.
func (s *Service) applyConflict(ctx context.Context, tx *sql.Tx, by Visitor, c Conflict, h register.Household) error {
	actor := register.Actor{UserID: by.UserID, Name: by.Name, Source: Source(c.VisitID)}
	switch {
	case c.Entity == "household":
		hh := h
		hh.Phone, hh.Version = c.value.Phone, c.RegisterVersion
		return s.reg.UpdateHouseholdTx(ctx, tx, actor, by.Scope, &hh)
	case c.Field == "phone":
		p, err := s.reg.Person(ctx, by.Scope, c.EntityID)
		if err != nil {
			return err
		}
		p.Phone, p.Version = c.value.Phone, c.RegisterVersion
		return s.reg.UpdatePersonTx(ctx, tx, actor, by.Scope, &p)
	default:
		return s.reg.RecordLeavingTx(ctx, tx, actor, by.Scope, register.Leaving{PersonID: c.EntityID,
			Version: c.RegisterVersion, Status: c.value.Status, On: c.value.On, To: c.value.To})
	}
}

// refreshConflict brings an open conflict up to the register's value now.
func (s *Service) refreshConflict(ctx context.Context, by Visitor, c Conflict, h register.Household, ce *register.ConflictError) {
	value := ""
	switch {
	case c.Entity == "household":
		if fresh, err := s.reg.Household(ctx, by.Scope, h.ID); err == nil {
			value = fresh.Phone
		}
	default:
		if p, err := s.reg.Person(ctx, by.Scope, c.EntityID); err == nil {
			value = p.Phone
			if c.Field == "status" {
				value = statusText(p.Status, p.LeftOn, p.LeftTo)
			}
		}
	}
	who, at := "", ""
	if n := len(ce.Since); n > 0 {
		who, at = ce.Since[n-1].Actor, database.FormatTime(ce.Since[n-1].At)
	}
	s.db.ExecContext(ctx, `UPDATE visit_conflicts SET register_version = $1, register_value = $2, register_by = $3,
		register_at = $4 WHERE community_id = $5 AND id = $6 AND status = 'open'`,
		ce.Current, strings.TrimSpace(value), who, at, c.CommunityID, c.ID)
}
