package indicators

import (
	"context"
	"encoding/json"
	"strings"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// treeHistory is what changed in the org tree after a period ended, read
// back from the tree's change records (org_changes), so that the period's
// report rolls up the tree as it stood on its last day: moved units under
// the parent they had then, renamed ones under the name they had then, and
// units made afterwards left out. The register's records carry their own
// history (their change events say where they lay); this is the tree's.
type treeHistory struct {
	parent  map[int64]int64  // a unit moved since: its parent at the period's end (0: it was a top unit)
	name    map[int64]string // a unit renamed since: its name then
	sort    map[int64]int    // a unit reordered since: its place among its siblings then
	created map[int64]bool   // units created since
}

// moved reports whether any unit moved after the period ended.
func (h *treeHistory) moved() bool { return len(h.parent) > 0 }

// readTreeHistory reads the changes recorded after the end of period p
// (the end of its last day, as the register's history counts it).
//
// A unit's creation counts when the tree's management made it (a page, a
// command, the demo's history): a unit an import wrote was there before
// it was typed into shequ — a city starting on shequ imports the tree it
// has had for years — so an import's creation record does not hide it
// from earlier periods.
func readTreeHistory(ctx context.Context, db *database.DB, p Period) (*treeHistory, error) {
	h := &treeHistory{parent: map[int64]int64{}, name: map[int64]string{}, sort: map[int64]int{}, created: map[int64]bool{}}
	rows, err := db.QueryContext(ctx, `SELECT unit_id, op, source, changes FROM org_changes
		WHERE op IN ('move', 'update', 'create') AND at > $1 ORDER BY at, id`, database.EndOfDay(p.End()))
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
				h.created[unit] = true
			}
			continue
		}
		// The oldest change after the period tells what the unit was at
		// its end: its "before" value.
		var c struct {
			ParentID *[2]int64  `json:"parent_id"`
			Name     *[2]string `json:"name"`
			Sort     *[2]int    `json:"sort"`
		}
		if err := json.Unmarshal([]byte(changes), &c); err != nil {
			continue // a record we cannot read does not stop a report
		}
		if _, seen := h.parent[unit]; c.ParentID != nil && !seen {
			h.parent[unit] = c.ParentID[0]
		}
		if _, seen := h.name[unit]; c.Name != nil && !seen && c.Name[0] != "" {
			h.name[unit] = c.Name[0]
		}
		if _, seen := h.sort[unit]; c.Sort != nil && !seen {
			h.sort[unit] = c.Sort[0]
		}
	}
	return h, rows.Err()
}

// loadMovedOut reads the units that were under the tree read (all and
// finer) at the period's end but have moved out of it since, with every
// unit now under them: report units and finer ones. A unit moved out may
// have been the parent of another one moved out since, so the reading goes
// on until no moved unit's parent then is among those read.
func loadMovedOut(ctx context.Context, db *database.DB, h *treeHistory, all []unitRow, finer []below,
	gridRank int) ([]unitRow, []below, error) {
	have := make(map[int64]bool, len(all)+len(finer))
	for _, r := range all {
		have[r.u.ID] = true
	}
	for _, f := range finer {
		have[f.id] = true
	}
	var more []unitRow
	var fin []below
	for {
		var want []int64
		for id, was := range h.parent {
			if !have[id] && have[was] {
				want = append(want, id)
			}
		}
		if len(want) == 0 {
			return more, fin, nil
		}
		for _, chunk := range chunks(want, 400) {
			a := db.Args()
			rows, err := db.QueryContext(ctx, `SELECT u.id, COALESCE(u.parent_id, 0), u.level, l.name, l.rank, u.name,
					COALESCE(u.community_id, 0), u.sort, COALESCE(u.retired_on, '')
				FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
				WHERE `+a.In("c.ancestor_id", database.AnyOf(chunk)...), a.Values()...)
			if err != nil {
				return nil, nil, err
			}
			for rows.Next() {
				r, err := scanUnitRow(rows)
				if err != nil {
					rows.Close()
					return nil, nil, err
				}
				if have[r.u.ID] {
					continue // under two units moved out, one under the other
				}
				have[r.u.ID] = true
				if r.rank <= gridRank {
					more = append(more, r)
				} else {
					fin = append(fin, below{r.u.ID, r.parent})
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, nil, err
			}
		}
		for _, id := range want {
			have[id] = true // even a unit no longer there: asked once
		}
	}
}

// communityOf finds the community unit id lay in at the period's end,
// walking up the tree as it stood then (0 above the communities).
func (h *treeHistory) communityOf(ctx context.Context, db *database.DB, id int64) (int64, error) {
	for step := 0; step < maxDepth && id != 0; step++ {
		var parent int64
		var level string
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(parent_id, 0), level FROM org_units WHERE id = $1`, id).
			Scan(&parent, &level); err != nil {
			return 0, err
		}
		if level == orgtree.LevelCommunity {
			return id, nil
		}
		if was, ok := h.parent[id]; ok {
			parent = was
		}
		id = parent
	}
	return 0, nil
}
