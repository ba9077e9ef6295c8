package orgtree

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/sheets"
)

// An org tree import sets a deployment up from a file (shequ org import):
// the units it names are created under their parents, those that exist
// already are recognised — by code, else by their place in the tree — and
// changed when the file gives another name, code or boundary. The whole
// file is checked before anything is written and written in one
// transaction: a file with an error changes nothing, and the same file
// again changes nothing. Moving units is left to the tree's management
// pages, which carry households along.

// ImportResult counts what an import did.
type ImportResult struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
}

// A file's errors are sheets.Problems, each at its row and column.

func fault400(format string, args ...any) error {
	return fault.New(fault.Invalid, fmt.Sprintf(format, args...))
}

// maxNameRunes bounds a unit's name, as the management form does.
const maxNameRunes = 60

// node is a unit of the tree being imported into: one that exists, or
// one the file adds.
type node struct {
	id        int64
	parent    *node
	level     string
	rank      int
	name      string
	code      string
	boundary  string
	community int64
	grid      int64
	version   int
	fresh     bool // added by this import
	row       int  // the file row that named it, -1 for none
	was       Unit // an existing unit as it stood, for the change record
}

type childKey struct {
	parent *node
	name   string
}

// tree is the org tree in memory while a file is checked against it.
type tree struct {
	children map[childKey]*node
	byCode   map[string]*node
	byName   map[string][]*node
	levels   map[string]Level // by kind
	words    map[string]string
}

// levelWords are other names people give levels; each applies only when
// the deployment has that level.
var levelWords = map[string]string{
	"县": LevelDistrict, "区县": LevelDistrict, "县区": LevelDistrict, "县级市": LevelDistrict, "旗": LevelDistrict,
	"镇": LevelStreet, "乡": LevelStreet, "乡镇": LevelStreet, "街道办事处": LevelStreet,
	"村": LevelCommunity, "居委会": LevelCommunity, "村委会": LevelCommunity, "社区居委会": LevelCommunity,
	"居民小组": LevelGroup, "村民小组": LevelGroup, "小组": LevelGroup,
	"楼": LevelBuilding, "楼宇": LevelBuilding,
}

// Import applies an org tree file. On any error in the file it returns
// sheets.Problems listing every one and writes nothing.
func (s *Store) Import(ctx context.Context, actor Actor, f *ImportFile) (ImportResult, error) {
	p, err := s.planImport(ctx, f)
	if err != nil {
		return p.res, err
	}
	return p.res, s.applyImport(ctx, actor, p)
}

// importPlan is what a checked file changes.
type importPlan struct {
	res              ImportResult
	t                *tree
	created, updated []*node
}

// planImport checks a file against the tree as it stands and works out
// what it changes, writing nothing.
func (s *Store) planImport(ctx context.Context, f *ImportFile) (importPlan, error) {
	res := ImportResult{Rows: len(f.Rows)}
	t, err := s.loadTree(ctx)
	if err != nil {
		return importPlan{res: res}, err
	}
	var problems []struct {
		i int
		p sheets.Problem
	}
	bad := map[string]int{} // names and codes of rows in error → row index, so their children do not err again
	failed := func(i int) {
		for _, k := range []string{f.Rows[i].Name, f.Rows[i].Code} {
			if _, seen := bad[k]; k != "" && !seen {
				bad[k] = i
			}
		}
	}
	fail := func(i int, col, msg string) {
		problems = append(problems, struct {
			i int
			p sheets.Problem
		}{i, sheets.Problem{Place: f.Rows[i].Place, Column: f.Columns[col], Message: msg}})
	}

	// Check each row's own fields, then place the rows from the top level
	// down, so that a parent the file adds is there before its children.
	type checked struct {
		i        int
		level    Level
		boundary string
	}
	var rows []checked
	for i, r := range f.Rows {
		ok := true
		lv, known := t.level(r.Level)
		switch {
		case r.Level == "":
			fail(i, "level", "请填写层级")
			ok = false
		case !known:
			fail(i, "level", fmt.Sprintf("层级“%s”不存在,可填:%s", r.Level, t.levelNames()))
			ok = false
		}
		switch {
		case r.Name == "":
			fail(i, "name", "请填写名称")
			ok = false
		case utf8.RuneCountInString(r.Name) > maxNameRunes:
			fail(i, "name", fmt.Sprintf("名称不能超过%d个字", maxNameRunes))
			ok = false
		case strings.ContainsAny(r.Name, "/／\\"):
			fail(i, "name", "名称不能含“/”:它分隔上级路径中的各级名称")
			ok = false
		}
		if known {
			if err := ValidateCode(lv.Kind, r.Code); err != nil {
				fail(i, "code", err.Error())
				ok = false
			}
		}
		boundary := ""
		if r.Boundary != "" {
			g, err := ParseGeometry(r.Boundary)
			if err != nil {
				fail(i, "boundary", err.Error())
				ok = false
			} else {
				boundary = g.GeoJSON()
			}
		}
		if !ok {
			failed(i)
			continue
		}
		rows = append(rows, checked{i: i, level: lv, boundary: boundary})
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].level.Rank < rows[b].level.Rank })

	var created, updated []*node
	for _, c := range rows {
		r := f.Rows[c.i]
		parent, msg := t.resolve(r.Parent)
		if msg != "" {
			if j, ok := bad[lastSegment(r.Parent)]; ok {
				msg = fmt.Sprintf("上级“%s”所在的%s有错误", r.Parent, f.Rows[j].Place)
			}
			fail(c.i, "parent", msg)
			failed(c.i)
			continue
		}
		if parent != nil && parent.rank >= c.level.Rank {
			fail(c.i, "level", fmt.Sprintf("上级“%s”是%s,其下不能设%s", t.path(parent), t.levels[parent.level].Name, c.level.Name))
			failed(c.i)
			continue
		}
		n, msg, col := t.match(parent, r.Name, r.Code, c.level)
		if msg != "" {
			if col == "row" {
				msg = fmt.Sprintf(msg, f.Rows[n.row].Place)
				col = "name"
				if r.Code != "" && n.code == r.Code {
					col = "code"
				}
			}
			fail(c.i, col, msg)
			failed(c.i)
			continue
		}
		if n == nil {
			n = t.add(parent, c.level, r.Name, r.Code, c.boundary)
			n.row = c.i
			created = append(created, n)
			continue
		}
		n.row = c.i
		if t.update(n, r.Name, r.Code, c.boundary) {
			updated = append(updated, n)
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(a, b int) bool { return problems[a].i < problems[b].i })
		var e sheets.Problems
		for _, p := range problems {
			e = append(e, p.p)
		}
		return importPlan{res: res}, e
	}
	res.Created, res.Updated = len(created), len(updated)
	res.Unchanged = res.Rows - res.Created - res.Updated
	return importPlan{res: res, t: t, created: created, updated: updated}, nil
}

// applyImport writes a plan in one transaction: all of it or, when a unit
// changed meanwhile, none.
func (s *Store) applyImport(ctx context.Context, actor Actor, p importPlan) error {
	if len(p.created) == 0 && len(p.updated) == 0 {
		return nil
	}
	at := time.Now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.db.Bulk(ctx, tx, database.BulkFill); err != nil {
			return err
		}
		defer s.db.Bulk(ctx, tx, database.BulkOff)
		if err := s.writeUpdates(ctx, tx, actor, at, p.t, p.updated); err != nil {
			return err
		}
		return s.writeCreated(ctx, tx, actor, at, p.t, p.created)
	})
}

// loadTree reads every unit; retired ones only carry their descendants'
// paths and are found by no name or code.
func (s *Store) loadTree(ctx context.Context) (*tree, error) {
	t := &tree{children: map[childKey]*node{}, byCode: map[string]*node{}, byName: map[string][]*node{},
		levels: map[string]Level{}, words: map[string]string{}}
	levels, err := s.Levels(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range levels {
		t.levels[l.Kind] = l
		t.words[l.Name], t.words[l.Kind] = l.Kind, l.Kind
	}
	for w, kind := range levelWords {
		if _, ok := t.levels[kind]; ok {
			if _, taken := t.words[w]; !taken {
				t.words[w] = kind
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), level, name, code, COALESCE(community_id, 0),
		COALESCE(grid_id, 0), boundary, sort, version, COALESCE(retired_on, '') FROM org_units ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]*node{}
	parents := map[*node]int64{}
	var serving []*node
	for rows.Next() {
		var u Unit
		var retired string
		if err := rows.Scan(&u.ID, &u.ParentID, &u.Level, &u.Name, &u.Code, &u.CommunityID, &u.GridID, &u.Boundary,
			&u.Sort, &u.Version, &retired); err != nil {
			return nil, err
		}
		n := &node{id: u.ID, level: u.Level, rank: t.levels[u.Level].Rank, name: u.Name, code: u.Code,
			boundary: u.Boundary, community: u.CommunityID, grid: u.GridID, version: u.Version, row: -1, was: u}
		byID[u.ID] = n
		parents[n] = u.ParentID
		if retired == "" {
			serving = append(serving, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for n, p := range parents {
		n.parent = byID[p]
	}
	for _, n := range serving { // by id: of two units sharing a code, the older is found
		if _, dup := t.children[childKey{n.parent, n.name}]; !dup {
			t.children[childKey{n.parent, n.name}] = n
		}
		if _, dup := t.byCode[n.code]; n.code != "" && !dup {
			t.byCode[n.code] = n
		}
		t.byName[n.name] = append(t.byName[n.name], n)
	}
	return t, nil
}

func (t *tree) level(word string) (Level, bool) {
	kind, ok := t.words[word]
	if !ok {
		return Level{}, false
	}
	return t.levels[kind], true
}

func (t *tree) levelNames() string {
	var ls []Level
	for _, l := range t.levels {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Rank < ls[j].Rank })
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	return strings.Join(names, "、")
}

// path is a unit's names from the root, as files write parents.
func (t *tree) path(n *node) string {
	var names []string
	for ; n != nil; n = n.parent {
		names = append(names, n.name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, "/")
}

func splitPath(ref string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(ref, func(r rune) bool { return r == '/' || r == '／' || r == '\\' || r == '>' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func lastSegment(ref string) string {
	segs := splitPath(ref)
	if len(segs) == 0 {
		return strings.TrimSpace(ref)
	}
	return segs[len(segs)-1]
}

// resolve finds the parent a row names: nil for none, or the reason it
// cannot. A code, the full path from the root, or the end of a path that
// only one unit has (城北社区, 真武洞街道/城北社区) all name a unit.
func (t *tree) resolve(ref string) (*node, string) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, ""
	}
	if digits.MatchString(ref) {
		if n := t.byCode[ref]; n != nil {
			return n, ""
		}
	}
	segs := splitPath(ref)
	var cur *node
	for i, s := range segs {
		cur = t.children[childKey{cur, s}]
		if cur == nil {
			break
		}
		if i == len(segs)-1 {
			return cur, ""
		}
	}
	var found []*node
	for _, n := range t.byName[segs[len(segs)-1]] {
		if t.endsWith(n, segs) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return nil, fmt.Sprintf("找不到上级“%s”:请写从顶级起的完整路径(如 延安市/安塞区/真武洞街道),或上级的代码", ref)
	}
	var paths []string
	for i, n := range found {
		if i == 3 {
			paths = append(paths, "……")
			break
		}
		paths = append(paths, t.path(n))
	}
	return nil, fmt.Sprintf("上级“%s”不唯一(%s),请写完整路径或代码", ref, strings.Join(paths, "、"))
}

// endsWith reports whether n's path ends with segs.
func (t *tree) endsWith(n *node, segs []string) bool {
	for i := len(segs) - 1; i >= 0; i-- {
		if n == nil || n.name != segs[i] {
			return false
		}
		n = n.parent
	}
	return true
}

// match finds the unit a row describes: the one with its code, else the
// one of its name under its parent; nil when the row adds a unit. A row
// the file already placed is reported with a %s for that row's place, and
// col "row".
func (t *tree) match(parent *node, name, code string, lv Level) (n *node, msg, col string) {
	sibling := t.children[childKey{parent, name}]
	if code != "" {
		if c := t.byCode[code]; c != nil {
			switch {
			case c.row >= 0:
				return c, "代码与%s重复", "row"
			case c.level != lv.Kind:
				return nil, fmt.Sprintf("代码 %s 已属于%s“%s”", code, t.levels[c.level].Name, t.path(c)), "code"
			case c.parent != parent:
				return nil, fmt.Sprintf("代码 %s 的单元“%s”现属于“%s”;导入不移动单元,请在组织架构管理中移动",
					code, c.name, t.path(c.parent)), "parent"
			case sibling != nil && sibling != c:
				return nil, fmt.Sprintf("同一上级下已有“%s”(代码 %s),不能把代码 %s 的“%s”改为此名", name, sibling.code, code, c.name), "name"
			}
			return c, "", ""
		}
	}
	if sibling == nil {
		return nil, "", ""
	}
	switch {
	case sibling.row >= 0:
		return sibling, "与%s重复:同一上级下已有此名称", "row"
	case sibling.level != lv.Kind:
		return nil, fmt.Sprintf("“%s”已存在,层级为%s", t.path(sibling), t.levels[sibling.level].Name), "level"
	}
	return sibling, "", ""
}

// add places a new unit in the tree.
func (t *tree) add(parent *node, lv Level, name, code, boundary string) *node {
	n := &node{id: database.NewID(), parent: parent, level: lv.Kind, rank: lv.Rank, name: name, code: code,
		boundary: boundary, version: 1, fresh: true}
	if parent != nil {
		n.community, n.grid = parent.community, parent.grid
	}
	switch lv.Kind {
	case LevelCommunity:
		n.community = n.id
	case LevelGrid:
		n.grid = n.id
	}
	t.children[childKey{parent, name}] = n
	if code != "" {
		t.byCode[code] = n
	}
	t.byName[name] = append(t.byName[name], n)
	return n
}

// update gives an existing unit the row's name, and its code and boundary
// when the row has them (an empty cell leaves what the unit has); it
// reports whether anything changed.
func (t *tree) update(n *node, name, code, boundary string) bool {
	changed := false
	if name != n.name {
		delete(t.children, childKey{n.parent, n.name})
		t.children[childKey{n.parent, name}] = n
		list := t.byName[n.name]
		for i, m := range list {
			if m == n {
				t.byName[n.name] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		t.byName[name] = append(t.byName[name], n)
		n.name, changed = name, true
	}
	if code != "" && code != n.code {
		if t.byCode[n.code] == n {
			delete(t.byCode, n.code)
		}
		t.byCode[code] = n
		n.code, changed = code, true
	}
	if boundary != "" && boundary != normalBoundary(n.boundary) {
		n.boundary, changed = boundary, true
	}
	return changed
}

// normalBoundary is a stored boundary as an import writes it, so that the
// same shape written otherwise (spacing, a Feature around it) is no change.
func normalBoundary(s string) string {
	if s == "" {
		return ""
	}
	g, err := ParseGeometry(s)
	if err != nil {
		return s
	}
	return g.GeoJSON()
}
