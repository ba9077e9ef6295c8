package indicators

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"time"

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
	// elsewhere holds the units under the root now that were elsewhere in
	// the period (moved in since): what lay in them then is not the
	// root's, even where its community is.
	elsewhere map[int64]bool
}

// ErrUnknownUnit is returned for a root that does not exist.
var ErrUnknownUnit = fault.New(fault.NotFound, "组织单元不存在")

// loadTree reads the part of the org tree under root that a report of
// period p rolls up: the tree as it stood at the end of the period (moves
// and renames made since undone from the tree's history, units created
// since left out), without the units retired before the period began. A
// unit retired during the period keeps its row: records lay in it then.
// The root itself is always there: it was asked for.
func loadTree(ctx context.Context, db *database.DB, root int64, p Period) (*tree, error) {
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
	then := &orgtree.Then{}
	if !p.IsZero() {
		// The last instant of the period's last day, as the register's
		// history counts it.
		end := p.StartTime().AddDate(0, p.months(), 0).Add(-time.Microsecond)
		if then, err = orgtree.NewStore(db).TreeThen(ctx, end); err != nil {
			return nil, fmt.Errorf("org tree history: %w", err)
		}
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
			COALESCE(u.community_id, 0), u.sort, COALESCE(u.retired_on, '')
		FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
		WHERE c.ancestor_id = $1 AND (c.depth = 0 OR l.rank <= $2)`
	finerQ := `SELECT c.unit_id, COALESCE(u.parent_id, 0)
		FROM org_closure c JOIN org_units u ON u.id = c.unit_id JOIN org_levels l ON l.kind = u.level
		WHERE c.ancestor_id = $1 AND c.depth > 0 AND l.rank > $2`
	aboveCommunities := rootCommunity == 0 && rootRank <= gridRank
	if aboveCommunities {
		reportQ = `SELECT u.id, COALESCE(u.parent_id, 0), u.level, l.name, l.rank, u.name,
				COALESCE(u.community_id, 0), u.sort, COALESCE(u.retired_on, '')
			FROM org_levels l CROSS JOIN org_units u CROSS JOIN org_closure c
			WHERE l.rank <= $2 AND u.level = l.kind AND c.ancestor_id = $1 AND c.unit_id = u.id`
		finerQ = `SELECT u.id, COALESCE(u.parent_id, 0)
			FROM org_units u CROSS JOIN org_levels l CROSS JOIN org_closure c
			WHERE u.grid_id IS NULL AND l.kind = u.level AND l.rank > $2 AND c.ancestor_id = $1 AND c.unit_id = u.id`
	}
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
	var all []unitRow
	for rows.Next() {
		r, err := scanUnitRow(rows)
		if err != nil {
			rows.Close()
			<-finerErr
			return nil, err
		}
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
	if len(then.Parent) > 0 {
		// Units moved out of the subtree since the period ended were in it
		// then: read them, with everything now under them.
		more, fin, err := loadMovedOut(ctx, db, then, all, finer, gridRank)
		if err != nil {
			return nil, err
		}
		all, finer = append(all, more...), append(finer, fin...)
	}
	// The tree as it stood: parents, names and places among siblings then.
	parentOf := make(map[int64]int64, len(finer))
	for _, f := range finer {
		parentOf[f.id] = f.parent
		if was, ok := then.Parent[f.id]; ok {
			parentOf[f.id] = was
		}
	}
	byParent := map[int64][]unitRow{}
	var rootRow unitRow
	for _, r := range all {
		if was, ok := then.Parent[r.u.ID]; ok {
			r.parent = was
		}
		if was, ok := then.Name[r.u.ID]; ok {
			r.u.Name = was
		}
		if was, ok := then.Sort[r.u.ID]; ok {
			r.sort = was
		}
		r.u.ParentID = r.parent
		if r.u.ID == root {
			rootRow = r
			continue
		}
		byParent[r.parent] = append(byParent[r.parent], r)
	}
	if rootRow.u.ID == 0 {
		return nil, ErrUnknownUnit
	}
	// A community's units lie in it; a unit above the communities lies in
	// none; the root below a community lies in the one it was in then.
	if rootRow.u.Level != orgtree.LevelCommunity && rootRow.u.CommunityID != 0 && len(then.Parent) > 0 {
		if rootRow.u.CommunityID, err = communityOf(ctx, db, then, root); err != nil {
			return nil, err
		}
	}
	start := p.Start()
	gone := func(r unitRow) bool {
		if p.IsZero() {
			return false
		}
		return then.Created[r.u.ID] || (r.retiredOn != "" && r.retiredOn < start)
	}
	t := &tree{index: map[int64]int{}, leafOf: make(map[int64]int32, len(all)+len(finer))}
	var nowIn []int64 // communities units of the tree lie in now, when not the one they lay in then
	var walk func(r unitRow, parent, depth int)
	walk = func(r unitRow, parent, depth int) {
		u := r.u
		u.Parent, u.Depth = parent, depth
		if u.Level == orgtree.LevelCommunity {
			u.CommunityID = u.ID
		} else if parent >= 0 {
			u.CommunityID = t.units[parent].CommunityID
		}
		if r.community != u.CommunityID && r.community != 0 {
			nowIn = append(nowIn, r.community)
		}
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
			if _, twice := t.index[k.u.ID]; twice || gone(k) {
				continue // a history that loops is not followed round
			}
			walk(k, i, depth+1)
		}
	}
	walk(rootRow, -1, 0)
	for _, r := range all {
		if _, in := t.index[r.u.ID]; !in && !gone(r) {
			if t.elsewhere == nil {
				t.elsewhere = map[int64]bool{}
			}
			t.elsewhere[r.u.ID] = true
		}
	}
	t.root = t.units[0]
	t.rootBelowGrid = rootRow.rank > gridRank
	// Every unit rolls into its nearest report ancestor (itself if one).
	for i, u := range t.units {
		t.leafOf[u.ID] = int32(i)
	}
	for _, f := range finer {
		id := f.id
		for step := 0; step < maxDepth; step++ {
			if i, ok := t.index[id]; ok {
				t.leafOf[f.id] = int32(i)
				break
			}
			up, ok := parentOf[id]
			if !ok {
				break // under a report unit outside the tree (then)
			}
			id = up
		}
	}
	// The communities whose records can lie in the subtree: those of the
	// tree as it stood, and, for a unit since moved to another community,
	// the one the unit's own row is in now: records registered there since,
	// and records that moved with the unit, whose events there (their
	// transfer in, after the period) leave them out of the period while
	// the old community's events count them.
	seen := map[int64]bool{}
	add := func(c int64) {
		if c != 0 && !seen[c] {
			seen[c] = true
			t.communities = append(t.communities, c)
		}
	}
	if t.root.CommunityID != 0 {
		add(t.root.CommunityID)
	} else {
		for _, u := range t.units {
			if u.Level == orgtree.LevelCommunity {
				add(u.ID)
			}
		}
	}
	for _, c := range nowIn {
		add(c)
	}
	return t, nil
}

// maxDepth bounds a walk up the tree: deeper than any real tree, so that
// a damaged history cannot loop.
const maxDepth = 64

// below is a unit finer than the grids, with its parent.
type below struct{ id, parent int64 }

// unitRow is a report unit as read.
type unitRow struct {
	u         Unit
	parent    int64
	rank      int
	sort      int
	community int64 // the community its row is in now
	retiredOn string
}

func scanUnitRow(rows interface{ Scan(...any) error }) (unitRow, error) {
	var r unitRow
	err := rows.Scan(&r.u.ID, &r.parent, &r.u.Level, &r.u.LevelName, &r.rank, &r.u.Name,
		&r.community, &r.sort, &r.retiredOn)
	r.u.CommunityID = r.community
	return r, err
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
	if t.elsewhere[org] || t.elsewhere[grid] {
		return -1
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
