package register

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
)

// Actor is who makes a change: a user, or a system acting as a source.
type Actor struct {
	UserID int64
	Name   string
	Source string // web, api, cli, demo, import:…
}

// FieldChange is one field's value before and after a change.
type FieldChange struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// Change is one append-only change event (变更记录).
type Change struct {
	CommunityID int64           `json:"community_id"`
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	ActorID     int64           `json:"actor_id,omitempty"`
	Actor       string          `json:"actor"`
	Source      string          `json:"source"`
	Entity      string          `json:"entity"`
	EntityID    int64           `json:"entity_id"`
	Op          string          `json:"op"`
	Version     int             `json:"version"`
	Fields      []FieldChange   `json:"fields"`
	Snapshot    json.RawMessage `json:"snapshot,omitempty"`
}

// fields that change on every write and say nothing by themselves.
var untracked = map[string]bool{"version": true, "created_at": true, "updated_at": true}

// toMap turns a register row into field → value via its JSON form, so one
// diff works for every entity.
func toMap(v any) map[string]any {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return map[string]any{}
	}
	b, _ := json.Marshal(v)
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return m
}

// diff lists the fields whose values differ between before and after.
func diff(entity string, before, after any) []FieldChange {
	b, a := toMap(before), toMap(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if untracked[k] || reflect.DeepEqual(b[k], a[k]) {
			continue
		}
		out = append(out, FieldChange{Field: k, Label: FieldLabel(entity, k), Before: b[k], After: a[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// record appends a change event inside the caller's transaction. after is the
// row as it now stands (nil after a delete).
func (s *Store) record(ctx context.Context, q database.Querier, actor Actor, at time.Time, communityID int64,
	entity string, entityID int64, op string, version int, before, after any) error {
	changes := map[string][2]any{}
	for _, f := range diff(entity, before, after) {
		changes[f.Field] = [2]any{f.Before, f.After}
	}
	if op == "update" && len(changes) == 0 {
		return nil
	}
	row, err := changeRow(actor, at, communityID, entity, entityID, op, version, changes, after)
	if err != nil {
		return err
	}
	return txSink{s.db, q}.changeEvent(ctx, row)
}

const changeColumns = `community_id, id, at, COALESCE(actor_id, 0), actor, source, entity, entity_id, op, version, changes, snapshot`

func scanChanges(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, withSnapshot bool) ([]Change, error) {
	var out []Change
	for rows.Next() {
		var c Change
		var at, changes, snapshot string
		if err := rows.Scan(&c.CommunityID, &c.ID, &at, &c.ActorID, &c.Actor, &c.Source, &c.Entity,
			&c.EntityID, &c.Op, &c.Version, &changes, &snapshot); err != nil {
			return nil, err
		}
		c.At = database.ParseTime(at)
		var m map[string][2]any
		json.Unmarshal([]byte(changes), &m)
		for k, v := range m {
			c.Fields = append(c.Fields, FieldChange{Field: k, Label: FieldLabel(c.Entity, k), Before: v[0], After: v[1]})
		}
		if c.Op == "create" && len(c.Fields) == 0 && snapshot != "" {
			// Bulk-loaded rows record their creation by the snapshot alone.
			var row map[string]any
			json.Unmarshal([]byte(snapshot), &row)
			for k, v := range row {
				if !untracked[k] {
					c.Fields = append(c.Fields, FieldChange{Field: k, Label: FieldLabel(c.Entity, k), After: v})
				}
			}
		}
		sort.Slice(c.Fields, func(i, j int) bool { return c.Fields[i].Field < c.Fields[j].Field })
		if withSnapshot && snapshot != "" {
			c.Snapshot = json.RawMessage(snapshot)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// History returns the change events of one row, newest first, with the
// fields shown as f allows (the fields of the viewer at the row).
func (s *Store) History(ctx context.Context, f access.Fields, entity string, id int64) ([]Change, error) {
	return s.redactedChanges(ctx, f, `SELECT `+changeColumns+` FROM change_events
		WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC`, entity, id)
}

// changesSince returns the events of one row after the given version, oldest
// first; used to explain a conflict.
func (s *Store) changesSince(ctx context.Context, f access.Fields, entity string, id int64, version int) ([]Change, error) {
	return s.redactedChanges(ctx, f, `SELECT `+changeColumns+` FROM change_events
		WHERE entity = $1 AND entity_id = $2 AND version > $3 ORDER BY id`, entity, id, version)
}

func (s *Store) redactedChanges(ctx context.Context, f access.Fields, query string, args ...any) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cs, err := scanChanges(rows, true)
	out := cs[:0]
	for _, c := range cs {
		_, tag := snapshotPlace(c.Entity, c.Snapshot)
		if redactChange(&c, f, tag) {
			c.Snapshot = nil
			out = append(out, c)
		}
	}
	return out, err
}

// Feed returns change events with id greater than since, oldest first, in
// scope and as the scope may see them, for subscribers that poll with the
// last id they saw. next is the id to poll from next time: events passed
// over because they lie outside the scope move it on too.
func (s *Store) Feed(ctx context.Context, scope access.Scope, since int64, limit int) (changes []Change, next int64, err error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	next = since
	pl := s.newPlacer()
	where, args := scope.CommunityAnd("", 3)
	// Rows of a community the scope covers only in part (a grid, a few
	// buildings) are dropped here, so a batch may yield fewer than limit
	// events: read batches until limit is reached or the log is exhausted.
	for len(changes) < limit {
		rows, err := s.db.QueryContext(ctx, `SELECT `+changeColumns+` FROM change_events
			WHERE id > $1 `+where+` ORDER BY id LIMIT $2`, append([]any{next, limit}, args...)...)
		if err != nil {
			return nil, since, err
		}
		batch, err := scanChanges(rows, true)
		rows.Close()
		if err != nil {
			return nil, since, err
		}
		for _, c := range batch {
			next = c.ID
			place, tag, err := pl.place(ctx, c.Entity, c.Snapshot)
			if err != nil {
				return nil, since, err
			}
			if c.Snapshot == nil {
				place = access.Place{Community: c.CommunityID}
			}
			if !scope.Contains(place) {
				continue
			}
			if redactChange(&c, scope.Fields(place), tag) {
				changes = append(changes, c)
				if len(changes) == limit {
					break
				}
			}
		}
		if len(batch) < limit {
			break
		}
	}
	return changes, next, nil
}
