package register

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
// (YYYY-MM-DD), in scope, in id order from after; rows deleted by then are
// left out.
func (s *Store) AsOf(ctx context.Context, scope Scope, entity, date string, after int64, limit int) ([]AsOfRow, error) {
	if !asOfEntities[entity] {
		return nil, FieldErrors{"entity": "entity 应为 person、household、house、building、organisation、tag 或 rental"}
	}
	d, ok := ParseDate(date)
	if !ok {
		return nil, FieldErrors{"date": "日期无效,应为 YYYY-MM-DD"}
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	end := d + " 23:59:59.999999"
	where, args := scope.communityFilter("e", 5)
	rows, err := s.db.QueryContext(ctx, `SELECT e.entity_id, e.version, e.op, e.snapshot FROM change_events e
		WHERE e.entity = $1 AND e.at <= $2 AND e.entity_id > $3`+where+`
		AND e.id = (SELECT MAX(l.id) FROM change_events l WHERE l.entity = e.entity AND l.entity_id = e.entity_id AND l.at <= $2)
		ORDER BY e.entity_id LIMIT $4`, append([]any{entity, end, after, limit}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AsOfRow
	for rows.Next() {
		var r AsOfRow
		var op, snap string
		if err := rows.Scan(&r.ID, &r.Version, &op, &snap); err != nil {
			return nil, err
		}
		if op == "delete" || snap == "" {
			continue
		}
		r.Entity = entity
		r.Snapshot = json.RawMessage(snap)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.narrowAsOf(ctx, scope, out)
}

// narrowAsOf drops rows outside a scope finer than a community (a grid or a
// building), which the community filter on events cannot express.
func (s *Store) narrowAsOf(ctx context.Context, scope Scope, rows []AsOfRow) ([]AsOfRow, error) {
	if scope.Unit == nil || scope.Unit.Level == "community" || scope.Unit.CommunityID == 0 {
		return rows, nil
	}
	inside := map[int64]bool{}
	r, err := s.db.QueryContext(ctx, `SELECT unit_id FROM org_closure WHERE ancestor_id = $1`, scope.Unit.ID)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		var id int64
		r.Scan(&id)
		inside[id] = true
	}
	r.Close()
	out := rows[:0]
	for _, row := range rows {
		var place struct {
			OrgID  int64 `json:"org_id"`
			GridID int64 `json:"grid_id"`
			ID     int64 `json:"id"`
		}
		json.Unmarshal(row.Snapshot, &place)
		if inside[place.OrgID] || inside[place.GridID] || (row.Entity == "building" && inside[place.ID]) {
			out = append(out, row)
		}
	}
	return out, nil
}

// PersonAsOf returns one person as recorded at the end of date, and whether
// the person was in the register then.
func (s *Store) PersonAsOf(ctx context.Context, id int64, date string) (Person, bool, error) {
	d, ok := ParseDate(date)
	if !ok {
		return Person{}, false, FieldErrors{"date": "日期无效,应为 YYYY-MM-DD"}
	}
	var snap, op string
	err := s.db.QueryRowContext(ctx, `SELECT op, snapshot FROM change_events WHERE entity = 'person' AND entity_id = $1
		AND at <= $2 ORDER BY id DESC LIMIT 1`, id, d+" 23:59:59.999999").Scan(&op, &snap)
	if err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return Person{}, false, nil
		}
		return Person{}, false, err
	}
	if op == "delete" || snap == "" {
		return Person{}, false, nil
	}
	var p Person
	if err := json.Unmarshal([]byte(snap), &p); err != nil {
		return Person{}, false, fmt.Errorf("snapshot of person %d: %w", id, err)
	}
	return p, true, nil
}
