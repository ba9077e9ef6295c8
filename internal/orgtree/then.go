package orgtree

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"shequ/internal/database"
)

// Then is how the tree at a past moment differed from the tree now, read
// back from the changes recorded since: what a report of a past period
// needs to roll up the tree as it stood then.
type Then struct {
	// Parent: the parent then of each unit moved since (0: a top unit).
	Parent map[int64]int64
	// Name and Sort: the name and place among its siblings then of each
	// unit renamed or reordered since.
	Name map[int64]string
	Sort map[int64]int
	// Created holds the units created since. A unit an import wrote is
	// not among them: it was there before it was typed into shequ (a city
	// starting on shequ imports the tree it has had for years).
	Created map[int64]bool
}

// TreeThen reads how the tree at the moment at differed from the tree now.
func (s *Store) TreeThen(ctx context.Context, at time.Time) (*Then, error) {
	h := &Then{Parent: map[int64]int64{}, Name: map[int64]string{}, Sort: map[int64]int{}, Created: map[int64]bool{}}
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, op, source, changes FROM org_changes
		WHERE op IN ('move', 'update', 'create') AND at > $1 ORDER BY at, id`, database.FormatTime(at))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var unit int64
		var op, source, changes string
		if err := rows.Scan(&unit, &op, &source, &changes); err != nil {
			return nil, err
		}
		if op == "create" {
			if !strings.HasPrefix(source, "import:") {
				h.Created[unit] = true
			}
			continue
		}
		// The oldest change since tells what the unit was then: its
		// "before" value.
		var c struct {
			ParentID *[2]int64  `json:"parent_id"`
			Name     *[2]string `json:"name"`
			Sort     *[2]int    `json:"sort"`
		}
		if err := json.Unmarshal([]byte(changes), &c); err != nil {
			continue // a record that cannot be read does not stop a report
		}
		if _, seen := h.Parent[unit]; c.ParentID != nil && !seen {
			h.Parent[unit] = c.ParentID[0]
		}
		if _, seen := h.Name[unit]; c.Name != nil && !seen && c.Name[0] != "" {
			h.Name[unit] = c.Name[0]
		}
		if _, seen := h.Sort[unit]; c.Sort != nil && !seen {
			h.Sort[unit] = c.Sort[0]
		}
	}
	return h, rows.Err()
}
