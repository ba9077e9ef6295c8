package events

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// Store keeps events. It is safe for concurrent use.
type Store struct {
	// PublicURL is the site's address as residents reach it, for the
	// progress link in SMS ("" leaves the link out).
	PublicURL string
	// Zone is the deployment's time zone, for the times in SMS texts and
	// messages people read (nil: Asia/Shanghai). Deadlines and tracking
	// numbers keep China's civil calendar whatever it is.
	Zone *time.Location
	// Queued, when set, is called after each committed change: its
	// notifications are in the outbox (the dispatcher's Wake).
	Queued func()

	db  *database.DB
	org *orgtree.Store
	now func() time.Time

	pmu     sync.Mutex
	public  map[string]publicEntry // tracking number → public view (see Public)
	mu      sync.Mutex
	cat     *Catalogue
	cal     *workdays.Calendar
	calAt   time.Time
	places  map[int64]*placeInfo // community id → its ancestors and names
	depts   map[string]string    // department code → name
	gridIdx *gridIndex
	names   map[int64]nameEntry // user id → display name, for steps

	placeIdx *placeNames // the places addresses are looked up among (Geocode)
}

// cacheFor bounds how long another process's change to the catalogue or the
// calendar may go unseen; this process's own changes apply at once.
const cacheFor = 30 * time.Second

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store {
	return &Store{db: db, org: orgtree.NewStore(db), now: time.Now, places: map[int64]*placeInfo{}}
}

// SetClock replaces the clock (tests, and the demo's past events).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// DB is the store's database.
func (s *Store) DB() *database.DB { return s.db }

func (s *Store) invalidate() {
	s.mu.Lock()
	s.cat, s.cal, s.depts, s.gridIdx, s.placeIdx = nil, nil, nil, nil, nil
	s.places = map[int64]*placeInfo{}
	s.mu.Unlock()
}

// Reload drops the cached catalogue, calendar and place names, after a
// change made elsewhere (the calendar CLI).
func (s *Store) Reload() { s.invalidate() }

// Catalogue returns the categories, time limits and settings.
func (s *Store) Catalogue(ctx context.Context) (*Catalogue, error) {
	s.mu.Lock()
	c := s.cat
	s.mu.Unlock()
	if c != nil && time.Since(c.loaded) < cacheFor {
		return c, nil
	}
	c, err := loadCatalogue(ctx, s.db)
	if err != nil {
		return nil, err
	}
	c.loaded = time.Now()
	s.mu.Lock()
	s.cat = c
	s.mu.Unlock()
	return c, nil
}

// catalogueNow is the catalogue for use inside a transaction: the cached
// one however old, so that the transaction reads nothing on another
// connection (Catalogue has been called before it began).
func (s *Store) catalogueNow(ctx context.Context) (*Catalogue, error) {
	s.mu.Lock()
	c := s.cat
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	return s.Catalogue(ctx)
}

// Calendar returns the working-day calendar deadlines are counted on.
func (s *Store) Calendar(ctx context.Context) (*workdays.Calendar, error) {
	s.mu.Lock()
	c, at := s.cal, s.calAt
	s.mu.Unlock()
	if c != nil && time.Since(at) < cacheFor {
		return c, nil
	}
	c, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cal, s.calAt = c, time.Now()
	s.mu.Unlock()
	return c, nil
}

// Departments returns department names by code.
func (s *Store) Departments(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	d := s.depts
	s.mu.Unlock()
	if d != nil {
		return d, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM departments ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d = map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		d[c] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.depts = d
	s.mu.Unlock()
	return d, nil
}

// placeInfo is what the events need to know of a community's place in the
// tree: its name and its street and district (0 when the tree has none).
type placeInfo struct {
	Community     orgtree.Unit
	Street        orgtree.Unit
	District      orgtree.Unit
	ancestors     []int64 // root first, the community last
	aboveDistrict map[int64]bool
}

func (s *Store) placeOf(ctx context.Context, community int64) (*placeInfo, error) {
	s.mu.Lock()
	p := s.places[community]
	s.mu.Unlock()
	if p != nil {
		return p, nil
	}
	units, err := s.org.Ancestors(ctx, community)
	if err != nil {
		return nil, err
	}
	p = &placeInfo{aboveDistrict: map[int64]bool{}}
	for _, u := range units {
		p.ancestors = append(p.ancestors, u.ID)
		switch u.Level {
		case orgtree.LevelCommunity:
			p.Community = u
		case orgtree.LevelStreet:
			p.Street = u
		case orgtree.LevelDistrict:
			p.District = u
		}
	}
	// Units at or above the district act as the district platform.
	for _, u := range units {
		p.aboveDistrict[u.ID] = true
		if u.Level == orgtree.LevelDistrict {
			break
		}
	}
	if p.Community.ID == 0 {
		return nil, ErrNotFound
	}
	s.mu.Lock()
	if len(s.places) > 10000 {
		s.places = map[int64]*placeInfo{}
	}
	s.places[community] = p
	s.mu.Unlock()
	return p, nil
}

// UnitName names the unit acting at a level for an event's community: 城北社区,
// 真武洞街道, 安塞区.
func (p *placeInfo) UnitName(level string) string {
	switch level {
	case LevelStreet:
		if p.Street.ID != 0 {
			return p.Street.Name
		}
		return "街道平台"
	case LevelDistrict:
		if p.District.ID != 0 {
			return p.District.Name
		}
		return "区县平台"
	}
	return p.Community.Name
}

// Errors of the store.
var (
	ErrNotFound  = fault.New(fault.NotFound, "事件不存在")
	ErrForbidden = fault.New(fault.Forbidden, "您没有办理该事件这一环节的权限")
)

// IllegalError is an action the event's status does not allow.
type IllegalError struct {
	Action, Status string
}

func (e *IllegalError) Error() string {
	return "事件当前状态为「" + StatusNames[e.Status] + "」,不能「" + ActionNames[e.Action] + "」"
}

// ConflictError is an action on an event that changed after the actor
// read it: the action is refused and the steps taken meanwhile shown.
type ConflictError struct {
	Since []Step
	// Zone is the zone the times of Since are told in (nil: Asia/Shanghai).
	Zone *time.Location
}

// zoneOr is z, or Asia/Shanghai when no zone was configured.
func zoneOr(z *time.Location) *time.Location {
	if z == nil {
		return workdays.Shanghai
	}
	return z
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	b.WriteString("该事件在您打开后已有新的办理记录,未执行您的操作:")
	for _, st := range e.Since {
		b.WriteString(st.ActorName)
		if st.ActorUnit != "" {
			b.WriteString("(" + st.ActorUnit + ")")
		}
		b.WriteString(" 于 " + st.CreatedAt.In(zoneOr(e.Zone)).Format("01-02 15:04") + " " + ActionNames[st.Action] + ";")
	}
	b.WriteString("请刷新后再办理。")
	return b.String()
}

const eventCols = `e.community_id, e.id, COALESCE(e.grid_id, 0), e.org_id, e.tracking_no, e.category, e.urgency, e.title,
	e.description, e.address, e.lat, e.lon, e.subject_kind, COALESCE(e.subject_id, 0), e.source, e.external_ref,
	COALESCE(e.reporter_user_id, 0), e.reporter_name, e.reporter_phone, e.anonymous, e.status, e.level,
	COALESCE(e.department, ''), e.dispatched_by, COALESCE(e.assignee_user_id, 0), COALESCE(e.merged_into, 0),
	e.due_step, e.step_started_at, e.due_at, e.supervision, e.timer_at, e.handle_due_at, e.accepted_at,
	e.dispatched_at, e.feedback_at, e.closed_at, e.on_time, e.handling_minutes, e.rework_count,
	COALESCE(e.rating, 0), e.rating_comment, e.rated_at, e.open311_token, e.version, e.created_at, e.updated_at, e.private`

func scanEvent(row interface{ Scan(...any) error }) (*Event, error) {
	var e Event
	var lat, lon sql.NullFloat64
	var anon, private int
	var onTime, minutes sql.NullInt64
	var stepStart, due, timer, handleDue, accepted, dispatched, feedback, closed, rated, created, updated string
	err := row.Scan(&e.CommunityID, &e.ID, &e.GridID, &e.OrgID, &e.TrackingNo, &e.Category, &e.Urgency, &e.Title,
		&e.Description, &e.Address, &lat, &lon, &e.SubjectKind, &e.SubjectID, &e.Source, &e.ExternalRef,
		&e.ReporterUserID, &e.ReporterName, &e.ReporterPhone, &anon, &e.Status, &e.Level,
		&e.Department, &e.DispatchedBy, &e.AssigneeUserID, &e.MergedInto,
		&e.DueStep, &stepStart, &due, &e.Supervision, &timer, &handleDue, &accepted,
		&dispatched, &feedback, &closed, &onTime, &minutes, &e.ReworkCount,
		&e.Rating, &e.RatingComment, &rated, &e.Open311Token, &e.Version, &created, &updated, &private)
	if err != nil {
		return nil, err
	}
	if lat.Valid && lon.Valid {
		e.Lat, e.Lon = &lat.Float64, &lon.Float64
	}
	e.Anonymous, e.Private = anon != 0, private != 0
	if onTime.Valid {
		b := onTime.Int64 != 0
		e.OnTime = &b
	}
	if minutes.Valid {
		m := int(minutes.Int64)
		e.HandlingMinutes = &m
	}
	e.StepStartedAt, e.DueAt, e.TimerAt = parseT(stepStart), parseT(due), parseT(timer)
	e.HandleDueAt, e.AcceptedAt, e.DispatchedAt = parseT(handleDue), parseT(accepted), parseT(dispatched)
	e.FeedbackAt, e.ClosedAt, e.RatedAt = parseT(feedback), parseT(closed), parseT(rated)
	e.CreatedAt, e.UpdatedAt = parseT(created), parseT(updated)
	return &e, nil
}

func parseT(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return database.ParseTime(s)
}

// fmtT stores a time; the zero time is ”.
func fmtT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return database.FormatTime(t)
}

// load reads an event by id through q, with no access check.
func (s *Store) load(ctx context.Context, q database.Querier, id int64) (*Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events e WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// Get returns an event the viewer may see.
func (s *Store) Get(ctx context.Context, v *access.Viewer, id int64) (*Event, error) {
	e, err := s.load(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !CanSee(v, e) {
		return nil, ErrNotFound
	}
	return e, nil
}

// GetByTracking returns an event by its tracking number, with no access
// check (the public page and Open311 show only public fields).
func (s *Store) GetByTracking(ctx context.Context, no string) (*Event, error) {
	no = NormalizeTracking(no)
	if no == "" {
		return nil, ErrNotFound
	}
	e, err := scanEvent(s.db.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events e WHERE e.tracking_no = $1`, no))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// CanSee reports whether a viewer may see an event: events.read at its
// place, or events.handle at its place for the department it is dispatched
// to.
func CanSee(v *access.Viewer, e *Event) bool {
	return v.Scope(PermRead).Contains(e.Place()) || inDepartment(v, e)
}

// Resolve is the access.Resolver for the object kind "event".
func (s *Store) Resolve(ctx context.Context, id int64) (access.Place, error) {
	var p access.Place
	err := s.db.QueryRowContext(ctx, `SELECT community_id, COALESCE(grid_id, 0), org_id FROM events WHERE id = $1`, id).
		Scan(&p.Community, &p.Grid, &p.Org)
	if errors.Is(err, sql.ErrNoRows) {
		return p, access.ErrNoObject
	}
	return p, err
}

// Steps returns an event's history, oldest first, with its attachments
// (without their data).
func (s *Store) Steps(ctx context.Context, e *Event) ([]Step, error) {
	steps, err := s.steps(ctx, s.db, e, 0)
	if err != nil {
		return nil, err
	}
	atts, err := s.Attachments(ctx, e)
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i := range steps {
		idx[steps[i].ID] = i
	}
	for _, a := range atts {
		if i, ok := idx[a.StepID]; ok {
			steps[i].Attachments = append(steps[i].Attachments, a)
		}
	}
	return steps, nil
}

func (s *Store) steps(ctx context.Context, q database.Querier, e *Event, afterVersion int) ([]Step, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, action, from_status, to_status, COALESCE(actor_user_id, 0), actor_name,
		actor_unit, level, department, note, public_note, data, due_at, late, created_at
		FROM event_steps WHERE community_id = $1 AND event_id = $2 AND version > $3 ORDER BY created_at, id`,
		e.CommunityID, e.ID, afterVersion)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		st := Step{CommunityID: e.CommunityID, EventID: e.ID}
		var due, created string
		var late int
		if err := rows.Scan(&st.ID, &st.Action, &st.FromStatus, &st.ToStatus, &st.ActorUserID, &st.ActorName,
			&st.ActorUnit, &st.Level, &st.Department, &st.Note, &st.PublicNote, &st.Data, &due, &late, &created); err != nil {
			return nil, err
		}
		st.DueAt, st.CreatedAt, st.Late = parseT(due), parseT(created), late != 0
		out = append(out, st)
	}
	return out, rows.Err()
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type nameEntry struct {
	name string
	at   time.Time
}

// actorName is how steps name a viewer: the account's display name
// (姓名), else its login name.
func (s *Store) actorName(ctx context.Context, v *access.Viewer) string {
	if v.UserID == 0 {
		return v.Name
	}
	s.mu.Lock()
	n, ok := s.names[v.UserID]
	s.mu.Unlock()
	if ok && time.Since(n.at) < cacheFor {
		return n.name
	}
	var display string
	if err := s.db.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, v.UserID).Scan(&display); err != nil || display == "" {
		display = v.Name
	}
	s.mu.Lock()
	if s.names == nil || len(s.names) > 10000 {
		s.names = map[int64]nameEntry{}
	}
	s.names[v.UserID] = nameEntry{display, time.Now()}
	s.mu.Unlock()
	return display
}

// tx runs fn in a write transaction, grouped with others waiting on a
// single-writer engine (database.DB.GroupTx): fn returns only after the
// commit, so an acknowledged report is on disk before its answer is sent.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.db.GroupTx(ctx, fn)
	if err == nil && s.Queued != nil {
		s.Queued()
	}
	return err
}

// FaultKind makes an action the status does not allow a fault.Illegal.
func (e *IllegalError) FaultKind() fault.Kind { return fault.Illegal }

// FaultKind makes a stale action a fault.Conflict.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }
