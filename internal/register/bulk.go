package register

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"shequ/internal/database"
)

// Loader writes many register rows quickly for demo data and benchmarks: rows
// the caller has already made valid are inserted in multi-row statements, each
// with its change event (dated when the row entered the register) and its
// search tokens. It skips per-row validation and uniqueness look-ups, so it is
// not for data typed by people; use the Store's Create methods for that.
type Loader struct {
	db      *database.DB
	tx      *sql.Tx
	actor   Actor
	batches map[string]*batch
	order   []string // flush order respects foreign keys
	rows    int
	stmts   map[string]*sql.Stmt // the updates of bulk_update.go, by their SQL

	// Statements run on a writer goroutine, in order, so that the caller
	// makes the next rows on one core while the engine stores these on the
	// other.
	jobs   chan statement
	done   chan struct{}
	mu     sync.Mutex
	err    error
	closed bool
}

type statement struct {
	sql    string
	values []any
}

type batch struct {
	table   string
	columns []string
	values  []any
	n       int
}

// batchRows keeps each statement's parameters well under SQLite's limit of
// 32766 and PostgreSQL's of 65535.
const batchRows = 400

// NewLoader starts a loader in its own transaction; Commit ends it.
func NewLoader(ctx context.Context, db *database.DB, actor Actor) (*Loader, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	l := &Loader{db: db, tx: tx, actor: actor, batches: map[string]*batch{}}
	// Only SQLite gets the writer goroutine: its connection may run an
	// insert while the caller's org-unit query on the same transaction is
	// open, a PostgreSQL connection may not (pgx reports a busy connection).
	if db.StatementsOverlap() {
		l.jobs, l.done = make(chan statement, 8), make(chan struct{})
		go l.write(ctx)
	}
	// Commit puts the ordinary settings back.
	if err := db.Bulk(ctx, tx, database.BulkFill); err != nil {
		l.drain()
		tx.Rollback()
		return nil, err
	}
	l.define("buildings", "community_id, id, grid_id, name, address, kind, floors, built_year, version, created_at, updated_at")
	l.define("houses", "community_id, id, building_id, org_id, grid_id, number, address, area_m2, use, owner_name, owner_phone, version, created_at, updated_at")
	l.define("households", "community_id, id, number, kind, house_id, org_id, grid_id, head_id, address, phone, status, search, version, created_at, updated_at")
	l.define("organisations", "community_id, id, name, kind, uscc, legal_rep, phone, address, org_id, grid_id, staff_count, status, search, version, created_at, updated_at")
	l.define("persons", "community_id, id, household_id, org_id, grid_id, name, doc_type, id_number, gender, birth_date, birth_precision, ethnicity, relation, residence, phone, hukou_address, address, employer_id, occupation, moved_in_on, status, search, version, created_at, updated_at")
	l.define("rentals", "community_id, id, house_id, landlord, landlord_phone, started_on, ended_on, monthly_rent_fen, version, created_at, updated_at")
	l.define("rental_tenants", "community_id, rental_id, person_id")
	l.define("person_tags", "community_id, id, person_id, tag, started_on, ended_on, note, version, created_at, updated_at")
	l.define("change_events", changeEventColumns)
	for _, t := range []string{"persons", "households", "organisations"} {
		if ft := db.Search().Table(t); ft != "" {
			l.define(ft, "rowid, search")
		}
	}
	return l, nil
}

func (l *Loader) define(table, columns string) {
	l.batches[table] = &batch{table: table, columns: strings.Split(columns, ", ")}
	l.order = append(l.order, table)
}

// Rows is the number of rows written so far, events included.
func (l *Loader) Rows() int { return l.rows }

func (l *Loader) add(ctx context.Context, table string, values ...any) error {
	b := l.batches[table]
	if len(values) != len(b.columns) {
		return fmt.Errorf("loader: %s wants %d values, got %d", table, len(b.columns), len(values))
	}
	b.values = append(b.values, values...)
	b.n++
	l.rows++
	if b.n >= batchRows {
		// Parents must reach the database before children that reference them.
		return l.flushUpTo(ctx, table)
	}
	return nil
}

func (l *Loader) flushUpTo(ctx context.Context, table string) error {
	for _, t := range l.order {
		if err := l.flush(ctx, l.batches[t]); err != nil {
			return err
		}
		if t == table {
			return nil
		}
	}
	return nil
}

func (l *Loader) flush(ctx context.Context, b *batch) error {
	if b.n == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.columns, ", "))
	q := l.db.InOrder()
	cols := len(b.columns)
	for i := 0; i < b.n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(q.Row(b.values[i*cols : (i+1)*cols]...))
	}
	if err := l.failed(); err != nil {
		return err
	}
	if l.jobs == nil {
		if _, err := l.tx.ExecContext(ctx, sb.String(), b.values...); err != nil {
			return fmt.Errorf("load %s: %w", b.table, err)
		}
		b.values = b.values[:0]
		b.n = 0
		return nil
	}
	l.jobs <- statement{sql: sb.String(), values: b.values}
	// The writer owns the old slice now.
	b.values = make([]any, 0, cap(b.values))
	b.n = 0
	return nil
}

func (l *Loader) write(ctx context.Context) {
	defer close(l.done)
	for st := range l.jobs {
		if l.failed() != nil {
			continue
		}
		if _, err := l.tx.ExecContext(ctx, st.sql, st.values...); err != nil {
			table := strings.Fields(st.sql)[2]
			l.mu.Lock()
			l.err = fmt.Errorf("load %s: %w", table, err)
			l.mu.Unlock()
		}
	}
}

func (l *Loader) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// drain waits for the writer to finish what it was given.
func (l *Loader) drain() error {
	if l.jobs == nil {
		return nil
	}
	if !l.closed {
		l.closed = true
		close(l.jobs)
	}
	<-l.done
	return l.failed()
}

// Commit writes what is pending and commits.
func (l *Loader) Commit(ctx context.Context) error {
	for _, t := range l.order {
		if err := l.flush(ctx, l.batches[t]); err != nil {
			l.drain()
			l.tx.Rollback()
			return err
		}
	}
	if err := l.drain(); err != nil {
		l.tx.Rollback()
		return err
	}
	l.db.Bulk(ctx, l.tx, database.BulkOff)
	return l.tx.Commit()
}

// Rollback abandons everything loaded.
func (l *Loader) Rollback() {
	l.drain()
	l.tx.Rollback()
}

func (l *Loader) event(ctx context.Context, at time.Time, community int64, entity string, id int64, row any) error {
	// A create event's snapshot already holds every field; its changes
	// stay empty rather than repeating them (see Change.Fields).
	values, err := changeRow(l.actor, at, community, entity, id, "create", 1, nil, row)
	if err != nil {
		return err
	}
	return l.add(ctx, "change_events", values...)
}

// column is what goes into a row's own search column (database.SearchIndex).
func (l *Loader) column(text string) string { return l.db.Search().Column(text) }

// index queues a row's tokens for the search index's own table, where it
// has one.
func (l *Loader) index(ctx context.Context, table string, id int64, text string) error {
	ft := l.db.Search().Table(table)
	if ft == "" {
		return nil
	}
	return l.add(ctx, ft, id, text)
}

// Building adds a building whose org unit already exists.
func (l *Loader) Building(ctx context.Context, at time.Time, b *Building) error {
	b.Version = 1
	ts := database.FormatTime(at)
	if err := l.add(ctx, "buildings", b.CommunityID, b.ID, nullID(b.GridID), b.Name, b.Address, b.Kind, b.Floors,
		b.BuiltYear, 1, ts, ts); err != nil {
		return err
	}
	return l.event(ctx, at, b.CommunityID, "building", b.ID, b)
}

// House adds a house.
func (l *Loader) House(ctx context.Context, at time.Time, h *House) error {
	if h.ID == 0 {
		h.ID = database.NewID()
	}
	h.Version = 1
	ts := database.FormatTime(at)
	if err := l.add(ctx, "houses", h.CommunityID, h.ID, h.BuildingID, h.OrgID, nullID(h.GridID), h.Number, h.Address,
		h.AreaM2, h.Use, h.OwnerName, h.OwnerPhone, 1, ts, ts); err != nil {
		return err
	}
	return l.event(ctx, at, h.CommunityID, "house", h.ID, h)
}

// Household adds a household; headName feeds its search tokens.
func (l *Loader) Household(ctx context.Context, at time.Time, h *Household, headName string) error {
	if h.ID == 0 {
		h.ID = database.NewID()
	}
	h.Version = 1
	if h.Status == "" {
		h.Status = "active"
	}
	ts := database.FormatTime(at)
	h.CreatedAt, h.UpdatedAt = ts, ts
	search := householdSearchText(*h, headName)
	if err := l.add(ctx, "households", h.CommunityID, h.ID, h.Number, h.Kind, nullID(h.HouseID), h.OrgID,
		nullID(h.GridID), nullID(h.HeadID), h.Address, h.Phone, h.Status, l.column(search), 1, ts, ts); err != nil {
		return err
	}
	if err := l.index(ctx, "households", h.ID, search); err != nil {
		return err
	}
	return l.event(ctx, at, h.CommunityID, "household", h.ID, h)
}

// Person adds a person.
func (l *Loader) Person(ctx context.Context, at time.Time, p *Person) error {
	if p.ID == 0 {
		p.ID = database.NewID()
	}
	p.Version = 1
	if p.Status == "" {
		p.Status = "active"
	}
	if p.DocType == "" {
		p.DocType = "resident_id"
	}
	p.BirthPrecision = birthPrecision(p)
	ts := database.FormatTime(at)
	p.CreatedAt, p.UpdatedAt = ts, ts
	search := SearchText(p.Name, p.IDNumber, p.Phone)
	if err := l.add(ctx, "persons", p.CommunityID, p.ID, nullID(p.HouseholdID), p.OrgID, nullID(p.GridID), p.Name,
		p.DocType, p.IDNumber, p.Gender, p.BirthDate, birthPrecision(p), p.Ethnicity, p.Relation, p.Residence, p.Phone, p.HukouAddress,
		p.Address, nullID(p.EmployerID), p.Occupation, p.MovedInOn, p.Status, l.column(search), 1, ts, ts); err != nil {
		return err
	}
	if err := l.index(ctx, "persons", p.ID, search); err != nil {
		return err
	}
	return l.event(ctx, at, p.CommunityID, "person", p.ID, p)
}

// Organisation adds an organisation.
func (l *Loader) Organisation(ctx context.Context, at time.Time, o *Organisation) error {
	if o.ID == 0 {
		o.ID = database.NewID()
	}
	o.Version = 1
	if o.Status == "" {
		o.Status = "active"
	}
	ts := database.FormatTime(at)
	search := SearchText(o.Name, o.USCC, o.Address)
	if err := l.add(ctx, "organisations", o.CommunityID, o.ID, o.Name, o.Kind, o.USCC, o.LegalRep, o.Phone, o.Address,
		o.OrgID, nullID(o.GridID), o.StaffCount, o.Status, l.column(search), 1, ts, ts); err != nil {
		return err
	}
	if err := l.index(ctx, "organisations", o.ID, search); err != nil {
		return err
	}
	return l.event(ctx, at, o.CommunityID, "organisation", o.ID, o)
}

// Tag adds a tag to a person.
func (l *Loader) Tag(ctx context.Context, at time.Time, t *Tag) error {
	if t.ID == 0 {
		t.ID = database.NewID()
	}
	t.Version = 1
	ts := database.FormatTime(at)
	if err := l.add(ctx, "person_tags", t.CommunityID, t.ID, t.PersonID, t.Tag, t.StartedOn, nullText(t.EndedOn),
		t.Note, 1, ts, ts); err != nil {
		return err
	}
	return l.event(ctx, at, t.CommunityID, "tag", t.ID, t)
}

// Rental adds a rental and its tenants.
func (l *Loader) Rental(ctx context.Context, at time.Time, r *Rental) error {
	if r.ID == 0 {
		r.ID = database.NewID()
	}
	r.Version = 1
	ts := database.FormatTime(at)
	if err := l.add(ctx, "rentals", r.CommunityID, r.ID, r.HouseID, r.Landlord, r.LandlordPhone, r.StartedOn,
		nullText(r.EndedOn), r.MonthlyRentFen, 1, ts, ts); err != nil {
		return err
	}
	for _, pid := range r.TenantIDs {
		if err := l.add(ctx, "rental_tenants", r.CommunityID, r.ID, pid); err != nil {
			return err
		}
	}
	return l.event(ctx, at, r.CommunityID, "rental", r.ID, r)
}

// Tx exposes the loader's transaction, for org units created alongside.
// Rows given to the loader may still be queued; statements on Tx must not
// depend on them (org units come before the rows that hang on them).
func (l *Loader) Tx() *sql.Tx { return l.tx }
