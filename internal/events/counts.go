package events

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/orgtree"
)

// Events as a report entity. The reports capability declares indicators
// over entities; for events it calls Counts (the number) and Matching (the
// records behind a number, its 台账):
//
//	rows, err := store.Counts(ctx, scope, events.CountQuery{
//		Unit: streetID, From: jan1, To: feb1,
//		Where: map[string]string{"group": "dispute"},
//		By:    []string{"community", "status"},
//	})
//	// rows[i].Keys[0] is a community id, Keys[1] a status; Labels name them
//
// Dimensions (for By and Where): category (小类 code), group (大类 code),
// status, open ("1"/"0"), overdue ("1"/"0": open and past the current
// deadline at the query's At, the one definition), community and grid (org
// unit ids), department, source, urgency, level, month (YYYY-MM) and day
// (YYYY-MM-DD) of the report in Beijing time. The scope is the caller's
// (access.Scope of events.read, or access.Everything for the system); rows
// outside it are not counted.
type CountQuery struct {
	Unit     int64             // within this unit's subtree; 0 for the whole scope
	From, To time.Time         // reported in [From, To); zero times leave that end open
	At       time.Time         // the instant "overdue" is judged at (now when zero)
	Where    map[string]string // dimension = value
	By       []string          // dimensions to group by, in order
}

// CountRow is one group: the values of the By dimensions and the count.
type CountRow struct {
	Keys   []string `json:"keys"`
	Labels []string `json:"labels"`
	Count  int      `json:"count"`
}

// Dimensions lists the dimensions Counts understands, with Chinese names.
var Dimensions = map[string]string{
	"category": "小类", "group": "大类", "status": "状态", "open": "是否在办", "overdue": "是否超期",
	"community": "社区", "grid": "网格", "department": "处置部门", "source": "来源", "urgency": "紧急程度",
	"level": "处置层级", "month": "上报月份", "day": "上报日期",
}

func dimensionSQL(dim string, b *q, at time.Time) (string, error) {
	switch dim {
	case "category":
		return "e.category", nil
	case "group":
		return "(SELECT COALESCE(c.parent, c.code) FROM event_categories c WHERE c.code = e.category)", nil
	case "status", "source", "urgency", "level":
		return "e." + dim, nil
	case "department":
		return "COALESCE(e.department, '')", nil
	case "community":
		return "CAST(e.community_id AS TEXT)", nil
	case "grid":
		return "CAST(COALESCE(e.grid_id, 0) AS TEXT)", nil
	case "month":
		return "SUBSTR(e.reported_on, 1, 7)", nil
	case "day":
		return "e.reported_on", nil
	case "open", "overdue":
		cond := b.in("e.status", OpenStatuses)
		if dim == "overdue" {
			cond += " AND " + OverdueSQL("e", b.arg(fmtT(at)))
		}
		return "CASE WHEN " + cond + " THEN '1' ELSE '0' END", nil
	}
	return "", fmt.Errorf("events: unknown dimension %q", dim)
}

func (s *Store) countSQL(ctx context.Context, scope access.Scope, cq CountQuery) (*q, error) {
	b := s.newQ()
	if where := scope.Where(b.Args, "e"); where != "" {
		b.where = append(b.where, strings.TrimPrefix(where, " AND "))
	}
	if cq.Unit != 0 {
		u, err := s.org.Get(ctx, cq.Unit)
		if err != nil {
			return nil, err
		}
		b.where = append(b.where, orgtree.ScopeFilter(b.Args, u, "e"))
	}
	if !cq.From.IsZero() {
		b.add("e.created_at >= ?", fmtT(cq.From))
	}
	if !cq.To.IsZero() {
		b.add("e.created_at < ?", fmtT(cq.To))
	}
	at := cq.At
	if at.IsZero() {
		at = s.now()
	}
	for dim, val := range cq.Where {
		expr, err := dimensionSQL(dim, b, at)
		if err != nil {
			return nil, err
		}
		b.where = append(b.where, expr+" = "+b.arg(val))
	}
	return b, nil
}

// Counts counts the events in scope matching cq, grouped by cq.By.
func (s *Store) Counts(ctx context.Context, scope access.Scope, cq CountQuery) ([]CountRow, error) {
	b, err := s.countSQL(ctx, scope, cq)
	if err != nil {
		return nil, err
	}
	at := cq.At
	if at.IsZero() {
		at = s.now()
	}
	var cols []string
	for _, dim := range cq.By {
		expr, err := dimensionSQL(dim, b, at)
		if err != nil {
			return nil, err
		}
		cols = append(cols, expr)
	}
	sel, group := "", ""
	if len(cols) > 0 {
		sel = strings.Join(cols, ", ") + ", "
		var ns []string
		for i := range cols {
			ns = append(ns, strconv.Itoa(i+1))
		}
		group = " GROUP BY " + strings.Join(ns, ", ") + " ORDER BY " + strings.Join(ns, ", ")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+sel+`COUNT(*) FROM events e WHERE 1 = 1`+b.sql()+group, b.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CountRow
	for rows.Next() {
		r := CountRow{Keys: make([]string, len(cols))}
		dst := make([]any, 0, len(cols)+1)
		for i := range r.Keys {
			dst = append(dst, &r.Keys[i])
		}
		dst = append(dst, &r.Count)
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.labelCounts(ctx, cq.By, out)
}

// Matching returns the events behind a count (the rows Counts counted with
// cq.Where), newest first, and how many there are.
func (s *Store) Matching(ctx context.Context, scope access.Scope, cq CountQuery, limit, offset int) ([]*Event, int, error) {
	b, err := s.countSQL(ctx, scope, cq)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events e WHERE 1 = 1`+b.sql(), b.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	list, err := s.scanList(ctx, `SELECT `+eventCols+` FROM events e WHERE 1 = 1`+b.sql()+
		` ORDER BY e.created_at DESC, e.id DESC LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(0, offset)), b.Values()...)
	return list, total, err
}

func (s *Store) labelCounts(ctx context.Context, by []string, rows []CountRow) error {
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		return err
	}
	units := map[string]string{}
	for i := range rows {
		rows[i].Labels = make([]string, len(by))
		for j, dim := range by {
			k := rows[i].Keys[j]
			var l string
			switch dim {
			case "category", "group":
				l = cat.Name(k)
			case "status":
				l = StatusNames[k]
			case "source":
				l = SourceNames[k]
			case "urgency":
				l = UrgencyNames[k]
			case "level":
				l = LevelNames[k]
			case "department":
				l = depts[k]
			case "open", "overdue":
				l = map[string]string{"1": "是", "0": "否"}[k]
			case "community", "grid":
				if n, ok := units[k]; ok {
					l = n
					break
				}
				id, _ := strconv.ParseInt(k, 10, 64)
				if u, err := s.org.Get(ctx, id); err == nil {
					l = u.Name
				}
				units[k] = l
			default:
				l = k
			}
			rows[i].Labels[j] = l
		}
	}
	return nil
}
