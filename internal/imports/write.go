package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// errElsewhere stops a run whose checkpoint another run of the same import
// moved: that run goes on, this one leaves everything to it.
var errElsewhere = fault.New(fault.Conflict, "该导入正在另一处进行,本次已停止;稍后刷新即可看到结果")

// actor is who the register records for an import's changes: the person
// who started it, with the department as the source.
func (r *run) actor() register.Actor {
	return register.Actor{UserID: r.viewer.UserID, Name: r.viewer.Name, Source: "import:" + r.im.Department}
}

// write stores a decided batch and moves the checkpoint, in one
// transaction. The checkpoint only moves from where this run left it: a
// second process running the same import fails here instead of writing
// twice.
func (r *run) write(ctx context.Context, w *work) error {
	at := r.s.now()
	l, err := register.NewLoader(ctx, r.s.db, r.actor())
	if err != nil {
		return err
	}
	fail := func(err error) error {
		l.Rollback()
		return err
	}
	if err := l.ForUpdates(ctx); err != nil {
		return fail(err)
	}
	// The checkpoint moves first: it is what makes the batch this run's.
	// Another run of the same import (a killed `go run` leaves its child
	// running; PostgreSQL finishes a commit a killed client sent) holds
	// the import's row from the start of its batch, so this one waits for
	// it and then finds the checkpoint moved, before it writes a row that
	// run has written already.
	c := w.counts
	res, err := l.Tx().ExecContext(ctx, `UPDATE imports SET rows_done = $1, created = created + $2, merged = merged + $3,
		queued = queued + $4, rejected = rejected + $5, unchanged = unchanged + $6, version = version + 1
		WHERE id = $7 AND rows_done = $8`,
		w.done, c.Created, c.Merged, c.Queued, c.Rejected, c.Unchanged, r.im.ID, r.im.RowsDone)
	if err != nil {
		return fail(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fail(errElsewhere)
	}
	for _, id := range w.order {
		o := w.orig[id]
		p := *w.cur[id]
		if _, err := l.UpdatePerson(ctx, at, &o, &p); err != nil {
			return fail(err)
		}
		*w.cur[id] = p
	}
	for _, id := range w.tagOrder {
		o := w.tagOrig[id]
		t := *w.tagCur[id]
		if _, err := l.UpdateTag(ctx, at, &o, &t); err != nil {
			return fail(err)
		}
	}
	for _, p := range w.creates {
		if err := l.Person(ctx, at, p); err != nil {
			return fail(err)
		}
	}
	for _, t := range w.tagNew {
		if err := l.Tag(ctx, at, t); err != nil {
			return fail(err)
		}
	}
	tx := l.Tx()
	if err := r.writeConflicts(ctx, tx, w); err != nil {
		return fail(err)
	}
	if err := r.writeRejects(ctx, tx, w.rejects); err != nil {
		return fail(err)
	}
	return l.Commit(ctx)
}

func (r *run) writeConflicts(ctx context.Context, tx *sql.Tx, w *work) error {
	for _, c := range w.supersede {
		if _, err := tx.ExecContext(ctx, `UPDATE import_conflicts SET status = $1, version = version + 1
			WHERE community_id = $2 AND id = $3 AND status = $4`, ConflictSuperseded, c.CommunityID, c.ID, ConflictOpen); err != nil {
			return err
		}
	}
	const cols = 18
	return inserts(ctx, tx, r.s.db, `INSERT INTO import_conflicts (community_id, id, grid_id, org_id, import_id, department, kind,
		person_id, score, key, incoming, fields, sheet, row_num, status, resolution, version, created_at) VALUES `,
		cols, len(w.conflicts), func(i int) ([]any, error) {
			c := w.conflicts[i]
			incoming, err := json.Marshal(c.Incoming)
			if err != nil {
				return nil, err
			}
			fields, err := json.Marshal(c.Fields)
			if err != nil {
				return nil, err
			}
			return []any{c.CommunityID, c.ID, nullID(c.GridID), c.OrgID, c.ImportID, c.Department, c.Kind, c.PersonID,
				c.Score, c.Key, string(incoming), string(fields), c.Sheet, c.RowNum, c.Status, "", c.Version, c.CreatedAt}, nil
		})
}

func (r *run) writeRejects(ctx context.Context, tx *sql.Tx, rows []*incoming) error {
	return inserts(ctx, tx, r.s.db, `INSERT INTO import_rejects (import_id, seq, sheet, row_num, cells, columns, reason) VALUES `,
		7, len(rows), func(i int) ([]any, error) {
			in := rows[i]
			cells, err := json.Marshal(in.cells)
			if err != nil {
				return nil, err
			}
			bad := in.bad
			if bad == nil {
				bad = []int{}
			}
			cols, err := json.Marshal(bad)
			if err != nil {
				return nil, err
			}
			return []any{r.im.ID, in.seq, in.sheet, in.rowNum, string(cells), string(cols), strings.Join(in.reasons, ";")}, nil
		})
}

// inserts writes n rows of cols values each in multi-row statements.
func inserts(ctx context.Context, tx *sql.Tx, db *database.DB, head string, cols, n int, row func(i int) ([]any, error)) error {
	const per = 200
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.WriteString(head)
		q := db.InOrder()
		for i := start; i < end; i++ {
			vals, err := row(i)
			if err != nil {
				return err
			}
			if len(vals) != cols {
				return fmt.Errorf("inserts: %d values for %d columns", len(vals), cols)
			}
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(q.Row(vals...))
		}
		if _, err := tx.ExecContext(ctx, b.String(), q.Values()...); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
