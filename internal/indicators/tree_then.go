package indicators

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// loadMovedOut reads the units that were under the tree read (all and
// finer) at the period's end but have moved out of it since, with every
// unit now under them: report units and finer ones. A unit moved out may
// have been the parent of another one moved out since, so the reading goes
// on until no moved unit's parent then is among those read.
func loadMovedOut(ctx context.Context, db *database.DB, then *orgtree.Then, all []unitRow, finer []below,
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
		for id, was := range then.Parent {
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

// communityOf finds the community unit id lay in then, walking up the tree
// as it stood (0 above the communities).
func communityOf(ctx context.Context, db *database.DB, then *orgtree.Then, id int64) (int64, error) {
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
		if was, ok := then.Parent[id]; ok {
			parent = was
		}
		id = parent
	}
	return 0, nil
}
