package register

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
)

// This file holds what reconciling a department's list with the register
// (internal/imports) needs of the register: its validation rules, and
// reads of many persons at once by the keys a list carries.

// ValidatePerson normalises p in place with the register's rules — the same
// ones CreatePerson and UpdatePerson apply — and reports every problem at
// its field. today bounds birth dates.
func ValidatePerson(p *Person, today time.Time) error { return validatePerson(p, today) }

// personFields are the person columns a roster may carry, by field name.
var personFields = map[string]string{
	"name": "p.name", "doc_type": "p.doc_type", "id_number": "p.id_number", "gender": "p.gender",
	// A birth known to the month is compared as the month: a list's full
	// date in it is news, not the same value.
	"birth_date": "CASE WHEN p.birth_precision = 'month' THEN substr(p.birth_date, 1, 7) ELSE p.birth_date END", "ethnicity": "p.ethnicity", "relation": "p.relation", "residence": "p.residence",
	"phone": "p.phone", "hukou_address": "p.hukou_address", "address": "p.address", "occupation": "p.occupation",
	"moved_in_on": "p.moved_in_on", "status": "p.status",
}

// RosterRow is one person as a roster scan returns it: the keys, and the
// values of the fields asked for in the order asked.
type RosterRow struct {
	ID          int64
	CommunityID int64
	Version     int
	DocType     string
	IDNumber    string
	Name        string
	BirthDate   string
	MonthOnly   bool // only the month of BirthDate is known
	Values      []string
}

// rosterSeparator joins the asked fields into one column: one value per
// row from the engine is much cheaper to fetch than many. Register text
// never holds it (it is a control character).
const rosterSeparator = "\x1f"

// ScanRoster calls fn for every person of the given communities (all
// persons when communities is nil), with the values of fields. It reads
// the persons table once, in storage order: the way to compare a list of
// hundreds of thousands of rows with the register without a look-up each.
// fn must not keep row.Values.
func (s *Store) ScanRoster(ctx context.Context, communities []int64, fields []string, fn func(row *RosterRow) error) error {
	concat := "''"
	if len(fields) > 0 {
		parts := make([]string, len(fields))
		for i, f := range fields {
			col, ok := personFields[f]
			if !ok {
				return fmt.Errorf("roster: unknown person field %q", f)
			}
			parts[i] = col
		}
		concat = strings.Join(parts, " || $1 || ")
	}
	if communities != nil && len(communities) == 0 {
		return nil
	}
	// The separator is $1, written above.
	q := s.db.Args(rosterSeparator)
	where := inCommunities(q, communities)
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.community_id, p.version, p.doc_type, p.id_number, p.name,
		p.birth_date, p.birth_precision, `+concat+` FROM persons p`+where, q.Values()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r RosterRow
	var joined, precision string
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.CommunityID, &r.Version, &r.DocType, &r.IDNumber, &r.Name, &r.BirthDate, &precision, &joined); err != nil {
			return err
		}
		r.MonthOnly = precision == BirthByMonth
		r.Values = r.Values[:0]
		if len(fields) > 0 {
			r.Values = append(r.Values, strings.Split(joined, rosterSeparator)...)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountRoster counts the persons ScanRoster would call fn for, so that a
// roster can be sized before it is read.
func (s *Store) CountRoster(ctx context.Context, communities []int64) (int, error) {
	if communities != nil && len(communities) == 0 {
		return 0, nil
	}
	q := s.db.Args()
	where := inCommunities(q, communities)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons p`+where, q.Values()...).Scan(&n)
	return n, err
}

// inCommunities is the WHERE clause for the persons of communities (none
// for all), its arguments added to q.
func inCommunities(q *database.Args, communities []int64) string {
	if communities == nil {
		return ""
	}
	return " WHERE " + q.In("p.community_id", database.AnyOf(communities)...)
}

// PersonsByDocument returns the persons, in any community, holding one of
// the given resident ID numbers (or other document numbers). An empty
// number finds nobody: it is no one's document.
func (s *Store) PersonsByDocument(ctx context.Context, numbers []string) ([]Person, error) {
	given := make([]string, 0, len(numbers))
	for _, n := range numbers {
		if n != "" {
			given = append(given, n)
		}
	}
	return inChunks(s.db, given, func(q *database.Args, in []any) ([]Person, error) {
		return s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM persons p WHERE `+q.In("p.id_number", in...), q.Values()...)
	})
}

// PersonsByID returns the persons with the given ids.
func (s *Store) PersonsByID(ctx context.Context, ids []int64) ([]Person, error) {
	return inChunks(s.db, ids, func(q *database.Args, in []any) ([]Person, error) {
		return s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM persons p WHERE `+q.In("p.id", in...), q.Values()...)
	})
}

// TagsOfPersons returns the tags of one kind held by the given persons,
// ended ones included.
func (s *Store) TagsOfPersons(ctx context.Context, tag string, personIDs []int64) ([]Tag, error) {
	return inChunks(s.db, personIDs, func(a *database.Args, in []any) ([]Tag, error) {
		q := `SELECT t.community_id, t.id, t.person_id, t.tag, k.name, t.started_on, COALESCE(t.ended_on, ''), t.note,
			k.sensitive, t.version FROM person_tags t JOIN tag_kinds k ON k.code = t.tag
			WHERE ` + a.In("t.person_id", in...) + ` AND t.tag = ` + a.Arg(tag) + ` ORDER BY t.person_id, t.started_on`
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Tag
		for rows.Next() {
			var t Tag
			var sens int
			if err := rows.Scan(&t.CommunityID, &t.ID, &t.PersonID, &t.Tag, &t.Name, &t.StartedOn, &t.EndedOn, &t.Note,
				&sens, &t.Version); err != nil {
				return nil, err
			}
			t.Sensitive = sens != 0
			out = append(out, t)
		}
		return out, rows.Err()
	})
}

// HouseholdsOf calls fn for every active household of the given
// communities: where a list's new persons may be placed, by 户号 or
// address. Only the household's place, number and address are read.
func (s *Store) HouseholdsOf(ctx context.Context, communities []int64, fn func(h Household) error) error {
	for _, c := range communities {
		rows, err := s.db.QueryContext(ctx, `SELECT h.id, h.number, h.org_id, COALESCE(h.grid_id, 0), h.address
			FROM households h WHERE h.community_id = $1 AND h.status = 'active'`, c)
		if err != nil {
			return err
		}
		for rows.Next() {
			h := Household{CommunityID: c, Status: "active"}
			if err := rows.Scan(&h.ID, &h.Number, &h.OrgID, &h.GridID, &h.Address); err != nil {
				rows.Close()
				return err
			}
			if err := fn(h); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// inChunks runs query over keys in groups of a size that keeps a statement
// quick to prepare, each with a fresh argument list, and gathers the results.
func inChunks[K any, R any](db *database.DB, keys []K, query func(q *database.Args, chunk []any) ([]R, error)) ([]R, error) {
	const size = 500
	var out []R
	for start := 0; start < len(keys); start += size {
		end := min(start+size, len(keys))
		rs, err := query(db.Args(), database.AnyOf(keys[start:end]))
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}
