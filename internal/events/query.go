package events

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// visibleSQL restricts rows of alias to the events v may see (CanSee):
// events.read at their place, or events.handle at their place for the
// viewer's departments.
func visibleSQL(a *database.Args, v *access.Viewer, alias string) string {
	read := v.Scope(PermRead).Where(a, alias)
	if read == "" {
		return ""
	}
	depts := departmentSQL(a, v, alias)
	if depts == "" {
		return read
	}
	return " AND ((1 = 1" + read + ") OR " + depts + ")"
}

// departmentSQL selects events dispatched to one of the viewer's
// departments at a place where the viewer acts for that department; ""
// for a viewer of no department.
func departmentSQL(a *database.Args, v *access.Viewer, alias string) string {
	scopes := v.DepartmentScopes(PermHandle)
	depts := make([]string, 0, len(scopes))
	for d := range scopes {
		depts = append(depts, d)
	}
	sort.Strings(depts)
	var parts []string
	for _, d := range depts {
		// The scope's placeholders come first, as they always have.
		where := scopes[d].Where(a, alias)
		parts = append(parts, "("+alias+".department = "+a.Arg(d)+where+")")
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// Filter selects events for a list.
type Filter struct {
	Unit        int64    // within this unit's subtree (0: all the viewer sees)
	Statuses    []string // these statuses only
	Open        bool     // not yet closed, rejected, merged or transferred
	Overdue     bool     // open and past the current step's deadline
	Category    string   // a 大类 (with its 小类) or a 小类
	Department  string   // dispatched to
	Supervised  bool     // with a 督办 grade
	Text        string   // a tracking number, or words in the title, description or address
	Mine        int64    // reported by or assigned to this user
	From, To    time.Time
	Limit       int // 50 when 0
	Offset      int
	NewestFirst bool // by report time; otherwise most urgent deadline first
}

// q builds SQL conditions and their arguments.
type q struct {
	where []string
	*database.Args
}

func (s *Store) newQ() *q { return &q{Args: s.db.Args()} }

func (b *q) arg(v any) string { return b.Arg(v) }

// in is "column IN (…)" over strings.
func (b *q) in(column string, vals []string) string { return b.In(column, database.AnyOf(vals)...) }

func (b *q) add(cond string, args ...any) { b.where = append(b.where, b.fill(cond, args...)) }

// fill puts the placeholders of args in place of the first ? marks of
// cond, one each.
func (b *q) fill(cond string, args ...any) string {
	var out strings.Builder
	for _, a := range args {
		i := strings.IndexByte(cond, '?')
		out.WriteString(cond[:i])
		out.WriteString(b.arg(a))
		cond = cond[i+1:]
	}
	out.WriteString(cond)
	return out.String()
}

func (b *q) sql() string {
	if len(b.where) == 0 {
		return ""
	}
	return " AND " + strings.Join(b.where, " AND ")
}

// filterSQL turns the filter and v's visibility into conditions on alias e.
func (s *Store) filterSQL(ctx context.Context, v *access.Viewer, f Filter, now time.Time) (*q, error) {
	b := s.newQ()
	if vis := visibleSQL(b.Args, v, "e"); vis != "" {
		b.where = append(b.where, strings.TrimPrefix(vis, " AND "))
	}
	if f.Unit != 0 {
		u, err := s.org.Get(ctx, f.Unit)
		if errors.Is(err, orgtree.ErrNotFound) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		b.where = append(b.where, orgtree.ScopeFilter(b.Args, u, "e"))
	}
	if len(f.Statuses) > 0 {
		b.where = append(b.where, b.in("e.status", f.Statuses))
	}
	if f.Open || f.Overdue {
		b.where = append(b.where, b.in("e.status", OpenStatuses))
	}
	if f.Overdue {
		b.where = append(b.where, OverdueSQL("e", b.arg(fmtT(now))))
	}
	if f.Category != "" {
		b.add("(e.category = ? OR e.category LIKE ?)", f.Category, f.Category+".%")
	}
	if f.Department != "" {
		b.add("e.department = ?", f.Department)
	}
	if f.Supervised {
		b.add("e.supervision <> ''")
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		if no := NormalizeTracking(t); no != "" {
			b.add("e.tracking_no = ?", no)
		} else {
			like := "%" + strings.NewReplacer("%", "", "_", "").Replace(t) + "%"
			b.add("(e.title LIKE ? OR e.description LIKE ? OR e.address LIKE ?)", like, like, like)
		}
	}
	if f.Mine != 0 {
		b.add("(e.reporter_user_id = ? OR e.assignee_user_id = ?)", f.Mine, f.Mine)
	}
	if !f.From.IsZero() {
		b.add("e.created_at >= ?", fmtT(f.From))
	}
	if !f.To.IsZero() {
		b.add("e.created_at < ?", fmtT(f.To))
	}
	return b, nil
}

// List returns the events v may see that match f, and how many match in
// all.
func (s *Store) List(ctx context.Context, v *access.Viewer, f Filter) ([]*Event, int, error) {
	b, err := s.filterSQL(ctx, v, f, s.now())
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events e WHERE 1 = 1`+b.sql(), b.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	order := ` ORDER BY CASE WHEN e.due_at = '' THEN 1 ELSE 0 END, e.due_at, e.created_at DESC, e.id`
	if f.NewestFirst {
		order = ` ORDER BY e.created_at DESC, e.id DESC`
	}
	limit := " LIMIT " + strconv.Itoa(f.Limit) + " OFFSET " + strconv.Itoa(max(0, f.Offset))
	list, err := s.scanList(ctx, `SELECT `+eventCols+` FROM events e WHERE 1 = 1`+b.sql()+order+limit, b.Values()...)
	return list, total, err
}

func (s *Store) scanList(ctx context.Context, query string, args ...any) ([]*Event, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Queue is the work a viewer has to do, most urgent first: what their
// permissions let them act on, in the statuses that await that action —
// for the community office 受理, 社区自办 and 结案; for a platform 立案,
// 派遣, 退回 decisions and 结案; for a department 签收 and 反馈; for
// grid workers 核查. unit narrows it to a unit's subtree.
func (s *Store) Queue(ctx context.Context, v *access.Viewer, unit int64, limit int) ([]*Event, error) {
	b, cond, err := s.queueSQL(ctx, v, unit)
	if err != nil || cond == "" {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.scanList(ctx, `SELECT `+eventCols+` FROM events e WHERE 1 = 1`+cond+
		` ORDER BY CASE WHEN e.due_at = '' THEN 1 ELSE 0 END, e.due_at, e.id LIMIT `+strconv.Itoa(limit), b.Values()...)
}

// QueueCount counts the viewer's queue (Queue without its limit) and how
// much of it is overdue (by the one definition).
func (s *Store) QueueCount(ctx context.Context, v *access.Viewer, unit int64) (total, overdue int, err error) {
	b, cond, err := s.queueSQL(ctx, v, unit)
	if err != nil || cond == "" {
		return 0, 0, err
	}
	late := OverdueSQL("e", b.arg(fmtT(s.now())))
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END), 0)
		FROM events e WHERE 1 = 1`+cond, b.Values()...).Scan(&total, &overdue)
	return total, overdue, err
}

// queueSQL is the condition of a viewer's queue on alias e, "" when the
// viewer acts on nothing.
func (s *Store) queueSQL(ctx context.Context, v *access.Viewer, unit int64) (*q, string, error) {
	b := s.newQ()
	var parts []string
	part := func(perm string, cond string, args ...any) {
		sc := v.Scope(perm)
		if sc.Empty() {
			return
		}
		where := sc.Where(b.Args, "e")
		cond = b.fill(cond, args...)
		parts = append(parts, "(1 = 1"+where+" AND "+cond+")")
	}
	part(PermAccept, "(e.status IN (?, ?) OR (e.status = ? AND e.level = ?))",
		StatusReported, StatusCommunity, StatusVerified, LevelCommunity)
	part(PermDispatch, "(e.status IN (?, ?, ?, ?) OR (e.status = ? AND e.level <> ?))",
		StatusEscalated, StatusFiled, StatusDistrict, StatusReturnRequested, StatusVerified, LevelCommunity)
	if !v.Scope(PermHandle).Empty() {
		if d := departmentSQL(b.Args, v, "e"); d != "" {
			part(PermHandle, "e.status IN (?, ?) AND "+d, StatusDispatched, StatusHandling)
		}
	}
	part(PermVerify, "e.status = ?", StatusVerifying)
	if len(parts) == 0 {
		return b, "", nil
	}
	cond := " AND (" + strings.Join(parts, " OR ") + ")"
	if unit != 0 {
		u, err := s.org.Get(ctx, unit)
		if errors.Is(err, orgtree.ErrNotFound) {
			return nil, "", ErrNotFound
		}
		if err != nil {
			return nil, "", err
		}
		cond += " AND " + orgtree.ScopeFilter(b.Args, u, "e")
	}
	return b, cond, nil
}

// GridCount is what the map shows of one grid.
type GridCount struct {
	Open    int
	Overdue int
	Red     int // with a 红牌督办
}

// GridCounts counts the open events v may see by grid within a unit's
// subtree (0: everything v sees), with how many are overdue (by the one
// definition) and under a 红牌. Events not in a grid count under 0.
func (s *Store) GridCounts(ctx context.Context, v *access.Viewer, unit int64) (map[int64]GridCount, error) {
	b, err := s.filterSQL(ctx, v, Filter{Unit: unit, Open: true}, s.now())
	if err != nil {
		return nil, err
	}
	overdue := OverdueSQL("e", b.arg(fmtT(s.now())))
	red := b.arg(GradeRed)
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(e.grid_id, 0), COUNT(*),
		SUM(CASE WHEN `+overdue+` THEN 1 ELSE 0 END), SUM(CASE WHEN e.supervision = `+red+` THEN 1 ELSE 0 END)
		FROM events e WHERE 1 = 1`+b.sql()+` GROUP BY COALESCE(e.grid_id, 0)`, b.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]GridCount{}
	for rows.Next() {
		var g int64
		var c GridCount
		if err := rows.Scan(&g, &c.Open, &c.Overdue, &c.Red); err != nil {
			return nil, err
		}
		out[g] = c
	}
	return out, rows.Err()
}

// Attachments lists an event's attachments without their data.
func (s *Store) Attachments(ctx context.Context, e *Event) ([]Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, step_id, name, content_type, size, width, height, public
		FROM event_attachments WHERE community_id = $1 AND event_id = $2 ORDER BY id`, e.CommunityID, e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var pub int
		if err := rows.Scan(&a.ID, &a.StepID, &a.Name, &a.ContentType, &a.Size, &a.Width, &a.Height, &pub); err != nil {
			return nil, err
		}
		a.Public = pub != 0
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData returns one attachment of e with its bytes.
func (s *Store) AttachmentData(ctx context.Context, e *Event, id int64) (Attachment, []byte, error) {
	var a Attachment
	var pub int
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, step_id, name, content_type, size, width, height, public, data
		FROM event_attachments WHERE community_id = $1 AND event_id = $2 AND id = $3`, e.CommunityID, e.ID, id).
		Scan(&a.ID, &a.StepID, &a.Name, &a.ContentType, &a.Size, &a.Width, &a.Height, &pub, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	if err != nil {
		return a, nil, err
	}
	a.Public = pub != 0
	return a, data, nil
}
