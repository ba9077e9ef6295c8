package register

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// TagKinds lists the tag catalogue.
func (s *Store) TagKinds(ctx context.Context) ([]TagKind, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, category, sensitive FROM tag_kinds ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TagKind
	for rows.Next() {
		var k TagKind
		var sens int
		if err := rows.Scan(&k.Code, &k.Name, &k.Category, &sens); err != nil {
			return nil, err
		}
		k.Sensitive = sens != 0
		out = append(out, k)
	}
	return out, rows.Err()
}

// TagsOf lists a person's tags of the kinds the scope may see at the
// person, current ones first. With onDate set (YYYY-MM-DD) only the tags in
// force on that date are returned.
func (s *Store) TagsOf(ctx context.Context, scope access.Scope, p Person, onDate string) ([]Tag, error) {
	fields := scope.Fields(p.Place())
	q := `SELECT t.community_id, t.id, t.person_id, t.tag, k.name, t.started_on, COALESCE(t.ended_on, ''), t.note,
		t.evidence, k.sensitive, t.version FROM person_tags t JOIN tag_kinds k ON k.code = t.tag
		WHERE t.community_id = $1 AND t.person_id = $2`
	args := []any{p.CommunityID, p.ID}
	if onDate != "" {
		q += ` AND t.started_on <= $3 AND (t.ended_on IS NULL OR t.ended_on >= $3)`
		args = append(args, onDate)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY CASE WHEN t.ended_on IS NULL THEN 0 ELSE 1 END, k.sort`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		var sens int
		if err := rows.Scan(&t.CommunityID, &t.ID, &t.PersonID, &t.Tag, &t.Name, &t.StartedOn, &t.EndedOn, &t.Note,
			&t.Evidence, &sens, &t.Version); err != nil {
			return nil, err
		}
		t.Sensitive = sens != 0
		if fields.CanSeeTag(t.Tag) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// AddTag gives a person a tag from a date (and, optionally, to a date).
func (s *Store) AddTag(ctx context.Context, actor Actor, scope access.Scope, t *Tag) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.AddTagTx(ctx, tx, actor, scope, t) })
}

// AddTagTx is AddTag inside the caller's transaction, for a change of
// another capability that gives the tag with it (the service hall's
// approval): both are saved or neither.
func (s *Store) AddTagTx(ctx context.Context, tx *sql.Tx, actor Actor, scope access.Scope, t *Tag) error {
	fe := fault.Fields{}
	t.StartedOn = checkDate(fe, "started_on", t.StartedOn, true)
	t.EndedOn = checkDate(fe, "ended_on", t.EndedOn, false)
	if t.EndedOn != "" && t.EndedOn < t.StartedOn {
		fe.Add("ended_on", "结束日期不能早于开始日期")
	}
	t.Note = checkText(fe, "tag", "note", t.Note, false, 200)
	t.Evidence = checkText(fe, "tag", "evidence", t.Evidence, false, 200)
	if strings.TrimSpace(t.Tag) == "" {
		fe.Add("tag", "请选择标签")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	p, err := s.personTx(ctx, tx, scope, t.PersonID)
	if err != nil {
		return err
	}
	var sens int
	err = tx.QueryRowContext(ctx, `SELECT name, sensitive FROM tag_kinds WHERE code = $1`, t.Tag).Scan(&t.Name, &sens)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Fields{"tag": "未知的标签"}
	}
	if err != nil {
		return err
	}
	t.Sensitive = sens != 0
	if !scope.Fields(p.Place()).CanEditTag(t.Tag) {
		return fault.Fields{"tag": "您无权登记此类标签"}
	}
	// Through the person's index: `tag || ''` keeps SQLite, which has no
	// statistics, from taking the kind's index instead and reading every
	// tag of the kind in the city (312,000 育龄妇女 in a city of a million)
	// for the one person.
	var open int
	tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_tags WHERE community_id = $1 AND person_id = $2 AND tag || '' = $3
		AND (ended_on IS NULL OR ended_on >= $4) AND started_on <= $5`,
		p.CommunityID, p.ID, t.Tag, t.StartedOn, orMax(t.EndedOn)).Scan(&open)
	if open > 0 {
		return fault.Fields{"started_on": "该人员在这段时间已有此标签"}
	}
	t.CommunityID = p.CommunityID
	if t.ID == 0 {
		t.ID = database.NewID()
	}
	t.Version = 1
	ts := database.FormatTime(now)
	if _, err := tx.ExecContext(ctx, `INSERT INTO person_tags (community_id, id, person_id, tag, started_on, ended_on,
		note, evidence, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
		t.CommunityID, t.ID, t.PersonID, t.Tag, t.StartedOn, nullText(t.EndedOn), t.Note, t.Evidence, ts); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, now, t.CommunityID, "tag", t.ID, "create", 1, nil, t)
}

// EndTag closes a tag on a date, whatever its version: for systems that
// end a tag on their own record (an application revoked), not for forms,
// which use CloseTag.
func (s *Store) EndTag(ctx context.Context, actor Actor, scope access.Scope, tagID int64, endedOn string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.EndTagTx(ctx, tx, actor, scope, tagID, endedOn) })
}

// EndTagTx is EndTag inside the caller's transaction.
func (s *Store) EndTagTx(ctx context.Context, tx *sql.Tx, actor Actor, scope access.Scope, tagID int64, endedOn string) error {
	fe := fault.Fields{}
	endedOn = checkDate(fe, "ended_on", endedOn, true)
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	var t Tag
	var sens int
	err := tx.QueryRowContext(ctx, `SELECT t.community_id, t.id, t.person_id, t.tag, k.name, t.started_on,
		COALESCE(t.ended_on, ''), t.note, k.sensitive, t.version FROM person_tags t JOIN tag_kinds k ON k.code = t.tag
		WHERE t.id = $1`, tagID).Scan(&t.CommunityID, &t.ID, &t.PersonID, &t.Tag, &t.Name, &t.StartedOn, &t.EndedOn,
		&t.Note, &sens, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	t.Sensitive = sens != 0
	p, err := s.personTx(ctx, tx, scope, t.PersonID)
	if err != nil {
		return err
	}
	fields := scope.Fields(p.Place())
	if !fields.CanSeeTag(t.Tag) {
		return ErrNotFound
	}
	if !fields.CanEditTag(t.Tag) {
		return fault.Fields{"tag": "您无权修改此类标签"}
	}
	if endedOn < t.StartedOn {
		return fault.Fields{"ended_on": "结束日期不能早于开始日期"}
	}
	before := t
	t.EndedOn = endedOn
	t.Version++
	if _, err := tx.ExecContext(ctx, `UPDATE person_tags SET ended_on = $1, version = $2, updated_at = $3
		WHERE community_id = $4 AND id = $5`, endedOn, t.Version, database.FormatTime(now), t.CommunityID, t.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, now, t.CommunityID, "tag", t.ID, "update", t.Version, before, t)
}

func orMax(d string) string {
	if d == "" {
		return "9999-12-31"
	}
	return d
}
