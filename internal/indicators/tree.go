package indicators

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

// Unit is an org unit a computation gives values for: the root asked for
// and every unit below it down to the grids (网格), in display order.
type Unit struct {
	ID          int64  `json:"id"`
	ParentID    int64  `json:"parent_id,omitempty"`
	Parent      int    `json:"-"` // index of the parent in Result.Units, -1 for the root
	Level       string `json:"level"`
	LevelName   string `json:"level_name"`
	Name        string `json:"name"`
	CommunityID int64  `json:"community_id,omitempty"`
	Depth       int    `json:"depth"` // 0 for the root
}

// tree is the part of the org tree a computation covers.
type tree struct {
	units       []Unit
	children    [][]int
	index       map[int64]int   // report unit id → index
	leafOf      map[int64]int32 // any unit of the subtree (buildings too) → the report unit it rolls into
	communities []int64
	root        Unit
	// rootBelowGrid: the root is finer than a grid (a building), so
	// records must be placed by their own unit.
	rootBelowGrid bool
}

// ErrUnknownUnit is returned for a root that does not exist.
var ErrUnknownUnit = fault.New(fault.NotFound, "组织单元不存在")

func loadTree(ctx context.Context, db *database.DB, root int64) (*tree, error) {
	var gridRank int
	if err := db.QueryRowContext(ctx, `SELECT rank FROM org_levels WHERE kind = 'grid'`).Scan(&gridRank); err != nil {
		return nil, fmt.Errorf("org levels: %w", err)
	}
	var rootRank int
	var rootCommunity int64
	err := db.QueryRowContext(ctx, `SELECT l.rank, COALESCE(u.community_id, 0)
		FROM org_units u JOIN org_levels l ON l.kind = u.level WHERE u.id = $1`, root).Scan(&rootRank, &rootCommunity)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownUnit
	} else if err != nil {
		return nil, err
	}
	// Two reads: the report units (the root and the units down to the
	// grids), and the units finer than the grids, which need only their
	// parent. Above the communities the subtree holds thirty times as
	// many finer units (buildings, their units) as report units: there the
	// report units are read by level, and of the finer units only those
	// without a grid (a record at one with a grid rolls into its grid, see
	// leaf). "CROSS JOIN" keeps SQLite's join order (PostgreSQL plans it as
	// an inner join).
	reportQ := `SELECT u.id, COALESCE(u.parent_id, 0), u.level, l.name, l.rank, u.name,
			COALESCE(u.community_id, 0), c.depth, u.sort
		FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
		WHERE c.ancestor_id = $1 AND (c.depth = 0 OR l.rank <= $2)`
	finerQ := `SELECT c.unit_id, COALESCE(u.parent_id, 0)
		FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
		WHERE c.ancestor_id = $1 AND c.depth > 0 AND l.rank > $2`
	if rootCommunity == 0 && rootRank <= gridRank {
		reportQ = `SELECT u.id, COALESCE(u.parent_id, 0), u.level, l.name, l.rank, u.name,
				COALESCE(u.community_id, 0), c.depth, u.sort
			FROM org_levels l CROSS JOIN org_units u CROSS JOIN org_closure c
			WHERE l.rank <= $2 AND u.level = l.kind AND c.ancestor_id = $1 AND c.unit_id = u.id`
		finerQ = `SELECT u.id, COALESCE(u.parent_id, 0)
			FROM org_units u CROSS JOIN org_levels l CROSS JOIN org_closure c
			WHERE u.grid_id IS NULL AND l.kind = u.level AND l.rank > $2 AND c.ancestor_id = $1 AND c.unit_id = u.id`
	}
	type below struct{ id, parent int64 }
	var finer []below
	finerErr := make(chan error, 1)
	go func() {
		finerErr <- scanRaw(ctx, db, finerQ, []any{root, gridRank}, func(v []driver.Value) error {
			finer = append(finer, below{rawInt(v[0]), rawInt(v[1])})
			return nil
		})
	}()
	rows, err := db.QueryContext(ctx, reportQ, root, gridRank)
	if err != nil {
		<-finerErr
		return nil, err
	}
	type row struct {
		u      Unit
		parent int64
		rank   int
		depth  int
		sort   int
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.u.ID, &r.parent, &r.u.Level, &r.u.LevelName, &r.rank, &r.u.Name,
			&r.u.CommunityID, &r.depth, &r.sort); err != nil {
			rows.Close()
			return nil, err
		}
		r.u.ParentID = r.parent
		r.u.Depth = r.depth
		all = append(all, r)
	}
	rows.Close()
	err = rows.Err()
	if ferr := <-finerErr; err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, ErrUnknownUnit
	}
	// Report units: the root and those not below the grid level.
	parentOf := make(map[int64]int64, len(finer))
	report := all
	for _, f := range finer {
		parentOf[f.id] = f.parent
	}
	byParent := map[int64][]row{}
	var rootRow row
	for _, r := range report {
		if r.depth == 0 {
			rootRow = r
			continue
		}
		byParent[r.parent] = append(byParent[r.parent], r)
	}
	t := &tree{index: map[int64]int{}, leafOf: make(map[int64]int32, len(all)+len(finer))}
	var walk func(r row, parent int)
	walk = func(r row, parent int) {
		u := r.u
		u.Parent = parent
		i := len(t.units)
		t.units = append(t.units, u)
		t.children = append(t.children, nil)
		t.index[u.ID] = i
		if parent >= 0 {
			t.children[parent] = append(t.children[parent], i)
		}
		kids := byParent[u.ID]
		sort.Slice(kids, func(a, b int) bool {
			if kids[a].sort != kids[b].sort {
				return kids[a].sort < kids[b].sort
			}
			if kids[a].u.Name != kids[b].u.Name {
				return kids[a].u.Name < kids[b].u.Name
			}
			return kids[a].u.ID < kids[b].u.ID
		})
		for _, k := range kids {
			walk(k, i)
		}
	}
	walk(rootRow, -1)
	t.root = t.units[0]
	t.rootBelowGrid = rootRow.rank > gridRank
	// Every unit rolls into its nearest report ancestor (itself if one).
	for i, u := range t.units {
		t.leafOf[u.ID] = int32(i)
	}
	for _, f := range finer {
		id := f.id
		for {
			if i, ok := t.index[id]; ok {
				t.leafOf[f.id] = int32(i)
				break
			}
			p, ok := parentOf[id]
			if !ok {
				break // a parent outside the subtree: cannot happen in a closure
			}
			id = p
		}
	}
	// The communities whose records can lie in the subtree.
	if t.root.CommunityID != 0 {
		t.communities = []int64{t.root.CommunityID}
	} else {
		for _, u := range t.units {
			if u.Level == orgtree.LevelCommunity {
				t.communities = append(t.communities, u.ID)
			}
		}
	}
	return t, nil
}

// leaf finds the report unit a record at place rolls into; -1 when the
// record lies outside the tree.
func (t *tree) leaf(org, grid, community int64) int32 {
	if i, ok := t.leafOf[org]; ok && org != 0 {
		return i
	}
	if i, ok := t.leafOf[grid]; ok && grid != 0 {
		return i
	}
	if i, ok := t.leafOf[community]; ok && community != 0 {
		return i
	}
	return -1
}

// within returns, for each report unit, whether it lies in the subtree of
// unit u (an index).
func (t *tree) within(u int) []bool {
	out := make([]bool, len(t.units))
	var mark func(i int)
	mark = func(i int) {
		out[i] = true
		for _, c := range t.children[i] {
			mark(c)
		}
	}
	mark(u)
	return out
}
