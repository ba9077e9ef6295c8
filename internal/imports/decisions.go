package imports

import (
	"context"
	"strings"

	"shequ/internal/database"
)

// readLinks finds the identity decisions people took about numbers the
// register does not hold.
func (r *run) readLinks(ctx context.Context, keys []string, lk *lookups) error {
	return chunked(r.s.db.Engine, keys, func(args []any, ph string) error {
		rows, err := r.s.db.QueryContext(ctx, `SELECT id_number, community_id, person_id FROM import_links
			WHERE department = $1 AND id_number IN (`+ph+`)`, append([]any{r.im.Department}, args...)...)
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
	}, 2)
}

// readDecisions reads the values people declined for the persons, and the
// conflicts of this department still open about them or about the
// unknown numbers.
func (r *run) readDecisions(ctx context.Context, persons []int64, unknown []string, lk *lookups) error {
	err := chunked(r.s.db.Engine, persons, func(args []any, ph string) error {
		rows, err := r.s.db.QueryContext(ctx, `SELECT person_id, field, value FROM import_declined
			WHERE person_id IN (`+ph+`)`, args...)
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
	}, 1)
	if err != nil {
		return err
	}
	err = chunked(r.s.db.Engine, persons, func(args []any, ph string) error {
		return r.readOpen(ctx, lk, `person_id IN (`+ph+`)`, args)
	}, 2)
	if err != nil {
		return err
	}
	keys := make([]string, len(unknown))
	for i, k := range unknown {
		keys[i] = identityKey(r.im.Department, k)
	}
	return chunked(r.s.db.Engine, keys, func(args []any, ph string) error {
		return r.readOpen(ctx, lk, `key IN (`+ph+`)`, args)
	}, 2)
}

// readOpen reads the conflicts of this department matching cond and keeps
// the open ones. The status is checked here rather than in SQL: with it
// there, SQLite walks every open conflict instead of using the index of
// cond's column.
func (r *run) readOpen(ctx context.Context, lk *lookups, cond string, args []any) error {
	rows, err := r.s.db.QueryContext(ctx, `SELECT community_id, id, person_id, kind, key, status FROM import_conflicts
		WHERE department = $1 AND `+cond, append([]any{r.im.Department}, args...)...)
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

// chunked runs fn over keys in groups, with placeholders numbered from
// first (on SQLite plain ?, which follow a $1 before them).
func chunked[K any](engine database.Engine, keys []K, fn func(args []any, placeholders string) error, first int) error {
	const size = 400
	for start := 0; start < len(keys); start += size {
		end := min(start+size, len(keys))
		args := make([]any, 0, end-start)
		ph := make([]string, 0, end-start)
		for i, k := range keys[start:end] {
			args = append(args, k)
			ph = append(ph, engine.Placeholder(first+i))
		}
		if err := fn(args, strings.Join(ph, ", ")); err != nil {
			return err
		}
	}
	return nil
}
