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

// TagEnding ends a special-group tag: the day it ceased to hold and why
// (the document that ended it), on the version the editor read.
type TagEnding struct {
	TagID int64
	// PersonID is the tag's person when the caller knows it (a form on
	// the person's page): the tag is then found by the person's index, not
	// by its id alone, which no index serves (a scan of every tag).
	PersonID int64
	Version  int // 0: whatever the version (a system's own record)
	EndedOn  string
	Evidence string // appended to the tag's evidence, so both documents stay on record
}

const tagColumns = `t.community_id, t.id, t.person_id, t.tag, k.name, t.started_on, COALESCE(t.ended_on, ''), t.note,
	t.evidence, k.sensitive, t.version`

func scanTag(row interface{ Scan(...any) error }) (Tag, error) {
	var t Tag
	var sens int
	err := row.Scan(&t.CommunityID, &t.ID, &t.PersonID, &t.Tag, &t.Name, &t.StartedOn, &t.EndedOn, &t.Note,
		&t.Evidence, &sens, &t.Version)
	t.Sensitive = sens != 0
	return t, err
}

// Tag returns one tag of a person in scope, if the scope may see its kind.
func (s *Store) Tag(ctx context.Context, scope access.Scope, personID, tagID int64) (Tag, error) {
	t, _, err := s.tagTx(ctx, s.db, scope, personID, tagID)
	return t, err
}

// tagTx reads a tag with its person, both in scope; a tag of a kind the
// scope may not see does not exist for it.
func (s *Store) tagTx(ctx context.Context, q database.Querier, scope access.Scope, personID, tagID int64) (Tag, Person, error) {
	p, err := s.personTx(ctx, q, scope, personID)
	if err != nil {
		return Tag{}, Person{}, err
	}
	t, err := scanTag(q.QueryRowContext(ctx, `SELECT `+tagColumns+` FROM person_tags t JOIN tag_kinds k ON k.code = t.tag
		WHERE t.community_id = $1 AND t.id = $2 AND t.person_id = $3`, p.CommunityID, tagID, p.ID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Fields(p.Place()).CanSeeTag(t.Tag)) {
		return Tag{}, Person{}, ErrNotFound
	}
	return t, p, err
}

// CloseTag ends a tag on a date. A tag changed since e.Version was read is
// not ended: the conflict lists what changed.
func (s *Store) CloseTag(ctx context.Context, actor Actor, scope access.Scope, e TagEnding) error {
	fe := fault.Fields{}
	e.EndedOn = checkDate(fe, "ended_on", e.EndedOn, true)
	e.Evidence = checkText(fe, "tag", "evidence", e.Evidence, false, 200)
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		personID := e.PersonID
		if personID == 0 {
			err := tx.QueryRowContext(ctx, `SELECT person_id FROM person_tags WHERE id = $1`, e.TagID).Scan(&personID)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
		}
		t, p, err := s.tagTx(ctx, tx, scope, personID, e.TagID)
		if err != nil {
			return err
		}
		fields := scope.Fields(p.Place())
		if e.Version != 0 && e.Version != t.Version {
			return s.conflict(ctx, fields, "tag", t.ID, e.Version, t.Version)
		}
		if !fields.CanEditTag(t.Tag) {
			return fault.Fields{"tag": "您无权修改此类标签"}
		}
		if e.EndedOn < t.StartedOn {
			return fault.Fields{"ended_on": "结束日期不能早于开始日期(" + t.StartedOn + ")"}
		}
		return s.endTag(ctx, tx, actor, now, t, e.EndedOn, e.Evidence)
	})
}

// endTag writes a tag's end and its change event; t is the tag as read.
func (s *Store) endTag(ctx context.Context, tx database.Querier, actor Actor, now time.Time, t Tag, endedOn, evidence string) error {
	before := t
	t.EndedOn = endedOn
	if evidence != "" {
		if t.Evidence != "" {
			t.Evidence += ";"
		}
		t.Evidence += evidence
	}
	t.Version++
	res, err := tx.ExecContext(ctx, `UPDATE person_tags SET ended_on = $1, evidence = $2, version = $3, updated_at = $4
		WHERE community_id = $5 AND id = $6 AND version = $7`, endedOn, t.Evidence, t.Version,
		database.FormatTime(now), t.CommunityID, t.ID, before.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &ConflictError{Entity: "tag", ID: t.ID, Current: before.Version + 1}
	}
	return s.record(ctx, tx, actor, now, t.CommunityID, "tag", t.ID, "update", t.Version, before, t)
}
