package imports

import (
	"context"

	"shequ/internal/database"
)

// readLinks finds the identity decisions people took about numbers the
// register does not hold.
func (r *run) readLinks(ctx context.Context, keys []string, lk *lookups) error {
	return chunked(r.s.db, keys, func(in []any) error {
		q := r.s.db.Args(r.im.Department)
		rows, err := r.s.db.QueryContext(ctx, `SELECT id_number, community_id, person_id FROM import_links
			WHERE department = $1 AND `+q.In("id_number", in...), q.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var l link
			if err := rows.Scan(&k, &l.community, &l.person); err != nil {
				return err
			}
			lk.links[k] = &l
		}
		return rows.Err()
	})
}

// readDecisions reads the values people declined for the persons, and the
// conflicts of this department still open about them or about the
// unknown numbers.
func (r *run) readDecisions(ctx context.Context, persons []int64, unknown []string, lk *lookups) error {
	err := chunked(r.s.db, persons, func(in []any) error {
		q := r.s.db.Args()
		rows, err := r.s.db.QueryContext(ctx, `SELECT person_id, field, value FROM import_declined
			WHERE `+q.In("person_id", in...), q.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var f, v string
			if err := rows.Scan(&id, &f, &v); err != nil {
				return err
			}
			lk.declined[declinedKey(id, f, v)] = true
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	err = chunked(r.s.db, persons, func(in []any) error {
		return r.readOpen(ctx, lk, "person_id", in)
	})
	if err != nil {
		return err
	}
	keys := make([]string, len(unknown))
	for i, k := range unknown {
		keys[i] = identityKey(r.im.Department, k)
	}
	return chunked(r.s.db, keys, func(in []any) error {
		return r.readOpen(ctx, lk, "key", in)
	})
}

// readOpen reads the conflicts of this department whose column holds one
// of in and keeps the open ones. The status is checked here rather than in
// SQL: with it there, SQLite walks every open conflict instead of using
// the index of column.
func (r *run) readOpen(ctx context.Context, lk *lookups, column string, in []any) error {
	q := r.s.db.Args(r.im.Department)
	rows, err := r.s.db.QueryContext(ctx, `SELECT community_id, id, person_id, kind, key, status FROM import_conflicts
		WHERE department = $1 AND `+q.In(column, in...), q.Values()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c := &Conflict{}
		if err := rows.Scan(&c.CommunityID, &c.ID, &c.PersonID, &c.Kind, &c.Key, &c.Status); err != nil {
			return err
		}
		if c.Status != ConflictOpen {
			continue
		}
		lk.openKeys[c.Key] = true
		if c.Kind == KindFields {
			lk.open[c.PersonID] = append(lk.open[c.PersonID], c)
		}
	}
	return rows.Err()
}

// chunked runs fn over keys in groups of a size that keeps each statement
// quick to prepare.
func chunked[K any](db *database.DB, keys []K, fn func(in []any) error) error {
	const size = 400
	for start := 0; start < len(keys); start += size {
		if err := fn(database.AnyOf(keys[start:min(start+size, len(keys))])); err != nil {
			return err
		}
	}
	return nil
}
