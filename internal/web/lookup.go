package web

import (
	"context"
	"slices"
	"unicode"

	"shequ/internal/orgtree"
)

// Lists show, beside each row, the name of a related row (a person's grid,
// a household's head). These helpers fetch all of them in one query per
// list instead of one per row. The ids come from rows already read within
// the caller's scope.

// placeBelowGrid returns the units between a row's grid and its own unit
// (楼栋, 单元), to say where in the grid the row lives.
func (h *handler) placeBelowGrid(ctx context.Context, id int64) ([]orgtree.Unit, error) {
	path, err := h.Org.Ancestors(ctx, id)
	if err != nil {
		return nil, err
	}
	for i, u := range path {
		if u.Level == orgtree.LevelGrid {
			return path[i+1:], nil
		}
	}
	return nil, nil
}

// staffByRole counts the current staff of a subtree by role.
func (h *handler) staffByRole(ctx context.Context, unit int64) ([]roleCount, int, error) {
	rows, err := h.DB.QueryContext(ctx, `SELECT st.role, COUNT(*) FROM org_staff st
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL GROUP BY st.role ORDER BY st.role`, unit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []roleCount
	total := 0
	for rows.Next() {
		var rc roleCount
		if err := rows.Scan(&rc.Role, &rc.N); err != nil {
			return nil, 0, err
		}
		out = append(out, rc)
		total += rc.N
	}
	return out, total, rows.Err()
}

// counts is the active households and persons under one unit.
type counts struct{ Households, Persons int }

// childCounts counts active households and persons under each child of
// parent with one grouped query per table, using the cheapest column for the
// children's level: community_id or grid_id directly, otherwise the closure
// table (through the community for units above communities, so each row
// joins once).
func (h *handler) childCounts(ctx context.Context, parent orgtree.Unit, children []orgtree.Unit) (map[int64]counts, error) {
	out := map[int64]counts{}
	if len(children) == 0 {
		return out, nil
	}
	all := func(f func(orgtree.Unit) bool) bool {
		return !slices.ContainsFunc(children, func(u orgtree.Unit) bool { return !f(u) })
	}
	var query func(table string) string
	switch {
	case all(func(u orgtree.Unit) bool { return u.Level == orgtree.LevelCommunity }):
		query = func(t string) string {
			return `SELECT x.community_id, COUNT(*) FROM ` + t + ` x WHERE x.status = 'active'
				AND x.community_id IN (SELECT id FROM org_units WHERE parent_id = $1) GROUP BY x.community_id`
		}
	case all(func(u orgtree.Unit) bool { return u.Level == orgtree.LevelGrid }):
		query = func(t string) string {
			return `SELECT x.grid_id, COUNT(*) FROM ` + t + ` x WHERE x.status = 'active'
				AND x.grid_id IN (SELECT id FROM org_units WHERE parent_id = $1) GROUP BY x.grid_id`
		}
	case all(func(u orgtree.Unit) bool { return u.CommunityID == 0 }):
		query = func(t string) string {
			return `SELECT c.ancestor_id, COUNT(*) FROM ` + t + ` x
				JOIN org_closure c ON c.unit_id = x.community_id
				JOIN org_units ch ON ch.id = c.ancestor_id
				WHERE ch.parent_id = $1 AND x.status = 'active' GROUP BY c.ancestor_id`
		}
	default:
		query = func(t string) string {
			return `SELECT c.ancestor_id, COUNT(*) FROM ` + t + ` x
				JOIN org_closure c ON c.unit_id = x.org_id
				JOIN org_units ch ON ch.id = c.ancestor_id
				WHERE ch.parent_id = $1 AND x.status = 'active' GROUP BY c.ancestor_id`
		}
	}
	for _, table := range []string{"households", "persons"} {
		rows, err := h.DB.QueryContext(ctx, query(table), parent.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			c := out[id]
			if table == "households" {
				c.Households = n
			} else {
				c.Persons = n
			}
			out[id] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// naturalLess orders names the way people count: 第2网格 before 第10网格,
// 1-201 before 1-1001, 第二居民小组 before 第十居民小组. Runs of digits and
// runs of Chinese numerals compare by their value.
func naturalLess(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		na, ei, oka := numberAt(ra, i)
		nb, ej, okb := numberAt(rb, j)
		if oka && okb {
			if na != nb {
				return na < nb
			}
			i, j = ei, ej
			continue
		}
		if ra[i] != rb[j] {
			return ra[i] < rb[j]
		}
		i++
		j++
	}
	return len(ra)-i < len(rb)-j
}

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// numberAt reads the number starting at r[i] — Arabic digits, or a Chinese
// numeral up to the hundreds (十二, 二十三, 一百零五) — and where it ends.
func numberAt(r []rune, i int) (n int, end int, ok bool) {
	if unicode.IsDigit(r[i]) {
		for end = i; end < len(r) && unicode.IsDigit(r[end]) && n < 1e15; end++ {
			n = n*10 + int(r[end]-'0')
		}
		return n, end, true
	}
	total, digit, seen := 0, 0, false
	for end = i; end < len(r); end++ {
		c := r[end]
		if d, isDigit := chineseDigits[c]; isDigit {
			digit, seen = d, true
			continue
		}
		switch c {
		case '十':
			if !seen {
				digit = 1 // 十二 is twelve
			}
			total += digit * 10
		case '百':
			total += digit * 100
		default:
			return total + digit, end, end > i
		}
		digit, seen = 0, true
	}
	return total + digit, end, end > i
}

// sortUnits orders units by their sort key, then naturally by name.
func sortUnits(us []orgtree.Unit) {
	slices.SortStableFunc(us, func(a, b orgtree.Unit) int {
		switch {
		case a.Sort != b.Sort:
			return a.Sort - b.Sort
		case naturalLess(a.Name, b.Name):
			return -1
		case naturalLess(b.Name, a.Name):
			return 1
		}
		return 0
	})
}
