package indicators

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"shequ/internal/database"
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
var ErrUnknownUnit = errors.New("组织单元不存在")

func loadTree(ctx context.Context, db *database.DB, root int64) (*tree, error) {
	var gridRank int
	if err := db.QueryRowContext(ctx, `SELECT rank FROM org_levels WHERE kind = 'grid'`).Scan(&gridRank); err != nil {
		return nil, fmt.Errorf("org levels: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT u.id, COALESCE(u.parent_id, 0), u.level, l.name, l.rank, u.name,
			COALESCE(u.community_id, 0), c.depth, u.sort
		FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
		WHERE c.ancestor_id = $1`, root)
	if err != nil {
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, ErrUnknownUnit
	}
	// Report units: the root and those not below the grid level.
	parentOf := make(map[int64]int64, len(all))
	isReport := map[int64]bool{}
	var report []row
	for _, r := range all {
		parentOf[r.u.ID] = r.parent
		if r.depth == 0 || r.rank <= gridRank {
			isReport[r.u.ID] = true
			report = append(report, r)
		}
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
	t := &tree{index: map[int64]int{}, leafOf: make(map[int64]int32, len(all))}
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
	for _, r := range all {
		id := r.u.ID
		for !isReport[id] {
			id = parentOf[id]
		}
		t.leafOf[r.u.ID] = int32(t.index[id])
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
