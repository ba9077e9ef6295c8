package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
)

// A person's update reaches the database one way, whether typed into a form
// (Store.UpdatePerson) or read from a department's list (Loader.UpdatePerson):
// writePersonUpdate writes the columns that changed, the search index when
// the tokens did, and the change event. Only the sink differs: a form's save
// writes its event at once, a Loader batches its events.

// writeSink is where a write goes.
type writeSink interface {
	// exec runs a row's update.
	exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	// querier is the transaction, for the search index.
	querier() database.Querier
	// changeEvent stores a change_events row (changeRow's values).
	changeEvent(ctx context.Context, values []any) error
}

// writePersonUpdate saves p over old — the row as read, at old.Version — and
// reports whether it wrote anything: when no field changed it writes
// nothing, unless always (a form's save, which moves the version on even
// so). It returns ErrStale when the row is no longer at old.Version.
func writePersonUpdate(ctx context.Context, db *database.DB, w writeSink, actor Actor, at time.Time,
	old, p *Person, always bool) (bool, error) {
	p.ID, p.CommunityID = old.ID, old.CommunityID
	q := db.Args()
	var set []string
	changes := map[string][2]any{}
	for _, c := range personColumnList {
		before, after := c.event(old), c.event(p)
		if before == after {
			continue
		}
		changes[c.field] = [2]any{before, after}
		set = append(set, c.field+" = "+q.Arg(c.value(p)))
	}
	if _, ok := changes["birth_date"]; ok && (old.MonthOnly() || p.MonthOnly()) {
		// How precisely a birth is known goes with its every change, so
		// that the history can show the month a date stands for.
		changes["birth_precision"] = [2]any{birthPrecision(old), birthPrecision(p)}
	}
	if len(changes) == 0 && !always {
		return false, nil
	}
	p.Version = old.Version + 1
	p.CreatedAt = old.CreatedAt
	p.UpdatedAt = database.FormatTime(at)
	// The search text is made of three fields; most updates (an address,
	// a note) leave them alone.
	index := db.Search()
	var search string
	searchChanged := p.Name != old.Name || p.IDNumber != old.IDNumber || p.Phone != old.Phone
	if searchChanged {
		search = SearchText(p.Name, p.IDNumber, p.Phone)
		before := SearchText(old.Name, old.IDNumber, old.Phone)
		searchChanged = before != search
		if col := index.Column(search); searchChanged && col != index.Column(before) {
			set = append(set, "search = "+q.Arg(col))
		}
	}
	set = append(set, "version = "+q.Arg(p.Version), "updated_at = "+q.Arg(p.UpdatedAt))
	query := `UPDATE persons SET ` + strings.Join(set, ", ") + ` WHERE community_id = ` + q.Arg(p.CommunityID) +
		` AND id = ` + q.Arg(p.ID) + ` AND version = ` + q.Arg(old.Version)
	res, err := w.exec(ctx, query, q.Values()...)
	if err != nil {
		return false, fmt.Errorf("update person: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrStale
	}
	if searchChanged {
		if err := index.Put(ctx, w.querier(), "persons", p.ID, search); err != nil {
			return false, err
		}
	}
	if len(changes) == 0 {
		return true, nil
	}
	row, err := changeRow(actor, at, p.CommunityID, "person", p.ID, "update", p.Version, changes, p)
	if err != nil {
		return false, err
	}
	return true, w.changeEvent(ctx, row)
}

// changeRow is a change_events row in the order of changeEventColumns.
func changeRow(actor Actor, at time.Time, community int64, entity string, id int64, op string, version int,
	changes map[string][2]any, row any) ([]any, error) {
	cj := "{}"
	if len(changes) > 0 {
		b, err := json.Marshal(changes)
		if err != nil {
			return nil, err
		}
		cj = string(b)
	}
	snapshot := ""
	if row != nil {
		b, err := json.Marshal(row)
		if err != nil {
			return nil, err
		}
		snapshot = string(b)
	}
	source := actor.Source
	if source == "" {
		source = "web"
	}
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	return []any{community, database.NewID(), database.FormatTime(at), actorID, actor.Name, source,
		entity, id, op, version, cj, snapshot}, nil
}

const changeEventColumns = "community_id, id, at, actor_id, actor, source, entity, entity_id, op, version, changes, snapshot"

// txSink writes at once on a transaction.
type txSink struct {
	db *database.DB
	tx database.Querier
}

func (t txSink) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txSink) querier() database.Querier { return t.tx }

func (t txSink) changeEvent(ctx context.Context, values []any) error {
	q := t.db.InOrder()
	_, err := t.tx.ExecContext(ctx, `INSERT INTO change_events (`+changeEventColumns+`) VALUES `+q.Row(values...),
		q.Values()...)
	if err != nil {
		return fmt.Errorf("record change: %w", err)
	}
	return nil
}
