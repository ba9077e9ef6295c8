package register

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// The register as of a past date is read from the change events: for each
// row, the snapshot of the last event recorded up to the end of that day.
// Events of one row are appended in order, so the largest id up to the date
// is the last one.

// Entities readable as of a date.
var asOfEntities = map[string]bool{"person": true, "household": true, "house": true, "building": true,
	"organisation": true, "tag": true, "rental": true}

// AsOfRow is one row as it stood on the date asked for.
type AsOfRow struct {
	Entity   string          `json:"entity"`
	ID       int64           `json:"id"`
	Version  int             `json:"version"`
	Snapshot json.RawMessage `json:"row"`
}

// AsOf lists rows of one entity as they stood at the end of date
// (YYYY-MM-DD), in scope and as the scope may see them, in id order from
// after; rows deleted by then are left out.
func (s *Store) AsOf(ctx context.Context, scope access.Scope, entity, date string, after int64, limit int) ([]AsOfRow, error) {
	if !asOfEntities[entity] {
		return nil, fault.Fields{"entity": "entity 应为 person、household、house、building、organisation、tag 或 rental"}
	}
	d, ok := ParseDate(date)
	if !ok {
		return nil, fault.Fields{"date": "日期无效,应为 YYYY-MM-DD"}
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	end := database.EndOfDay(d)
	where, args := scope.CommunityAnd("e", 5)
	rows, err := s.db.QueryContext(ctx, `SELECT e.entity_id, e.version, e.op, e.snapshot FROM change_events e
		WHERE e.entity = $1 AND e.at <= $2 AND e.entity_id > $3`+where+`
		AND e.id = (SELECT MAX(l.id) FROM change_events l WHERE l.entity = e.entity AND l.entity_id = e.entity_id AND l.at <= $2)
		ORDER BY e.entity_id LIMIT $4`, append([]any{entity, end, after, limit}, args...)...)
	if err != nil {
		return nil, err
	}
	var found []AsOfRow
	for rows.Next() {
		var r AsOfRow
		var op, snap string
		if err := rows.Scan(&r.ID, &r.Version, &op, &snap); err != nil {
			rows.Close()
			return nil, err
		}
		if op == "delete" || snap == "" {
			continue
		}
		r.Entity = entity
		r.Snapshot = json.RawMessage(snap)
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pl := s.newPlacer()
	out := found[:0]
	for _, r := range found {
		place, tag, err := pl.place(ctx, entity, r.Snapshot)
		if err != nil {
			return nil, err
		}
		if !scope.Contains(place) {
			continue
		}
		f := scope.Fields(place)
		if entity == "tag" && !f.CanSeeTag(tag) {
			continue
		}
		r.Snapshot = redactSnapshot(r.Snapshot, f, entity)
		out = append(out, r)
	}
	return out, nil
}

// PersonAsOf returns one person as recorded at the end of date, as the scope
// may see them, and whether the person was in the register then. The
// caller has checked that the person is in scope now.
func (s *Store) PersonAsOf(ctx context.Context, scope access.Scope, id int64, date string) (Person, bool, error) {
	d, ok := ParseDate(date)
	if !ok {
		return Person{}, false, fault.Fields{"date": "日期无效,应为 YYYY-MM-DD"}
	}
	var snap, op string
	err := s.db.QueryRowContext(ctx, `SELECT op, snapshot FROM change_events WHERE entity = 'person' AND entity_id = $1
		AND at <= $2 ORDER BY id DESC LIMIT 1`, id, database.EndOfDay(d)).Scan(&op, &snap)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, false, nil
	}
	if err != nil {
		return Person{}, false, err
	}
	if op == "delete" || snap == "" {
		return Person{}, false, nil
	}
	var p Person
	if err := json.Unmarshal([]byte(snap), &p); err != nil {
		return Person{}, false, fmt.Errorf("snapshot of person %d: %w", id, err)
	}
	if !scope.Contains(p.Place()) {
		return Person{}, false, nil
	}
	p.redact(scope.Fields(p.Place()))
	return p, true, nil
}

// placer finds where rows stood from their snapshots. Tags and rentals carry
// no place of their own: theirs is their person's or house's place now.
type placer struct {
	s      *Store
	owners map[string]access.Place
}

func (s *Store) newPlacer() *placer { return &placer{s: s, owners: map[string]access.Place{}} }

// place returns the row's place and, for a tag, its kind.
func (pl *placer) place(ctx context.Context, entity string, snap []byte) (access.Place, string, error) {
	p, tag := snapshotPlace(entity, snap)
	var owner struct {
		PersonID int64 `json:"person_id"`
		HouseID  int64 `json:"house_id"`
	}
	var table string
	var id int64
	switch entity {
	case "tag":
		json.Unmarshal(snap, &owner)
		table, id = "persons", owner.PersonID
	case "rental":
		json.Unmarshal(snap, &owner)
		table, id = "houses", owner.HouseID
	default:
		return p, tag, nil
	}
	key := fmt.Sprintf("%s:%d", table, id)
	if op, ok := pl.owners[key]; ok {
		return op, tag, nil
	}
	var grid sql.NullInt64
	err := pl.s.db.QueryRowContext(ctx, `SELECT community_id, grid_id, org_id FROM `+table+`
		WHERE community_id = $1 AND id = $2`, p.Community, id).Scan(&p.Community, &grid, &p.Org)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	p.Grid = grid.Int64
	pl.owners[key] = p
	return p, tag, err
}
