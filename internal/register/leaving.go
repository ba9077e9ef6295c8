package register

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// Leaving is a person leaving the community's register: a move out (迁出)
// with its day and where to, or a death with its day. The person stays in
// the register with the status, so that reports count them among 期内减少
// and their history stays readable.
type Leaving struct {
	PersonID int64
	Version  int    // the version the editor read
	Status   string // moved_out or deceased
	On       string // the day
	To       string // where to (迁往地), for a move out
}

// RecordLeaving records a move out or a death. The person's open tags end
// on that day, and a household left without a member on the register is
// dissolved (注销), each with its change event.
func (s *Store) RecordLeaving(ctx context.Context, actor Actor, scope access.Scope, lv Leaving) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.RecordLeavingTx(ctx, tx, actor, scope, lv) })
}

// RecordLeavingTx is RecordLeaving inside the caller's transaction.
func (s *Store) RecordLeavingTx(ctx context.Context, tx *sql.Tx, actor Actor, scope access.Scope, lv Leaving) error {
	now := s.now()
	fe := fault.Fields{}
	switch lv.Status {
	case "moved_out", "deceased":
	default:
		fe.Add("status", "请选择迁出或死亡")
	}
	lv.On = checkDate(fe, "left_on", lv.On, true)
	if lv.On > now.Format("2006-01-02") {
		fe.Add("left_on", "日期不能晚于今天")
	}
	if lv.Status == "deceased" {
		lv.To = ""
	}
	lv.To = checkText(fe, "person", "left_to", lv.To, lv.Status == "moved_out", 100)
	if err := fe.Err(); err != nil {
		return err
	}
	old, err := s.personTx(ctx, tx, scope, lv.PersonID)
	if err != nil {
		return err
	}
	fields := scope.Fields(old.Place())
	if old.Version != lv.Version {
		return s.conflict(ctx, fields, "person", old.ID, lv.Version, old.Version)
	}
	if !fields.CanEdit("person", "status") {
		return fault.Fields{"status": "您无权办理迁出或死亡登记"}
	}
	if old.Status != "active" {
		return fault.Fields{"status": "该人员已是「" + PersonStatusNames[old.Status] + "」状态,不能重复办理"}
	}
	if lv.On < old.EarliestBirth() || (old.MovedInOn != "" && lv.On < old.MovedInOn) {
		return fault.Fields{"left_on": "日期不能早于出生日期或迁入日期"}
	}
	p := old
	p.Status, p.LeftOn, p.LeftTo = lv.Status, lv.On, lv.To
	if _, err := writePersonUpdate(ctx, s.db, txSink{s.db, tx}, actor, now, &old, &p, true); err != nil {
		if errors.Is(err, ErrStale) {
			return s.conflict(ctx, fields, "person", old.ID, old.Version, old.Version+1)
		}
		return err
	}
	if err := s.endTagsOf(ctx, tx, actor, now, p, lv.On); err != nil {
		return err
	}
	return s.dissolveIfEmpty(ctx, tx, actor, now, p.CommunityID, p.HouseholdID)
}

// endTagsOf ends the tags a person still holds after day: they lapse with
// the person's leaving (a tag that began later ends on its first day).
func (s *Store) endTagsOf(ctx context.Context, tx database.Querier, actor Actor, now time.Time, p Person, day string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+tagColumns+` FROM person_tags t JOIN tag_kinds k ON k.code = t.tag
		WHERE t.community_id = $1 AND t.person_id = $2 AND (t.ended_on IS NULL OR t.ended_on > $3)`,
		p.CommunityID, p.ID, day)
	if err != nil {
		return err
	}
	var open []Tag
	for rows.Next() {
		t, err := scanTag(rows)
		if err != nil {
			rows.Close()
			return err
		}
		open = append(open, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range open {
		if err := s.endTag(ctx, tx, actor, now, t, max(day, t.StartedOn), ""); err != nil {
			return err
		}
	}
	return nil
}

// dissolveIfEmpty dissolves (注销) a household none of whose members is on
// the register any more.
func (s *Store) dissolveIfEmpty(ctx context.Context, tx database.Querier, actor Actor, now time.Time, community, householdID int64) error {
	if householdID == 0 {
		return nil
	}
	var active int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id = $1 AND household_id = $2
		AND status = 'active'`, community, householdID).Scan(&active); err != nil {
		return err
	}
	if active > 0 {
		return nil
	}
	old, err := s.householdTx(ctx, tx, access.Everything, householdID)
	if err != nil || old.Status != "active" {
		return err
	}
	h := old
	h.Status, h.Version, h.UpdatedAt = "dissolved", old.Version+1, database.FormatTime(now)
	res, err := tx.ExecContext(ctx, `UPDATE households SET status = 'dissolved', version = $1, updated_at = $2
		WHERE community_id = $3 AND id = $4 AND version = $5`, h.Version, h.UpdatedAt, community, householdID, old.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &ConflictError{Entity: "household", ID: householdID, Current: old.Version + 1}
	}
	return s.record(ctx, tx, actor, now, community, "household", householdID, "update", h.Version, old, h)
}
