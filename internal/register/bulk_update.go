package register

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// ErrStale is returned by the Loader's updates when the row's version is no
// longer the one read: somebody changed it meanwhile, and nothing was saved.
// It is a Conflict, so that one not turned into a richer error by its
// caller is still answered as a stale save, not as a server error.
var ErrStale = fault.New(fault.Conflict, "记录已被他人修改")

// personColumn is a person field as updates write it: the column value and
// the value its change event records (what the JSON form of Person holds:
// nothing for an empty field marked omitempty).
type personColumn struct {
	field string
	value func(p *Person) any
	event func(p *Person) any
}

func str(s string, omit bool) any {
	if omit && s == "" {
		return nil
	}
	return s
}

func num(n int64, omit bool) any {
	if omit && n == 0 {
		return nil
	}
	return n
}

var personColumnList = []personColumn{
	{"household_id", func(p *Person) any { return nullID(p.HouseholdID) }, func(p *Person) any { return num(p.HouseholdID, true) }},
	{"org_id", func(p *Person) any { return p.OrgID }, func(p *Person) any { return num(p.OrgID, false) }},
	{"grid_id", func(p *Person) any { return nullID(p.GridID) }, func(p *Person) any { return num(p.GridID, true) }},
	{"name", func(p *Person) any { return p.Name }, func(p *Person) any { return str(p.Name, false) }},
	{"doc_type", func(p *Person) any { return p.DocType }, func(p *Person) any { return str(p.DocType, false) }},
	{"id_number", func(p *Person) any { return p.IDNumber }, func(p *Person) any { return str(p.IDNumber, false) }},
	{"gender", func(p *Person) any { return p.Gender }, func(p *Person) any { return str(p.Gender, false) }},
	{"birth_date", func(p *Person) any { return p.BirthDate }, func(p *Person) any { return str(p.BirthDate, false) }},
	{"birth_precision", func(p *Person) any { return birthPrecision(p) }, func(p *Person) any { return birthPrecision(p) }},
	{"ethnicity", func(p *Person) any { return p.Ethnicity }, func(p *Person) any { return str(p.Ethnicity, true) }},
	{"relation", func(p *Person) any { return p.Relation }, func(p *Person) any { return str(p.Relation, true) }},
	{"residence", func(p *Person) any { return p.Residence }, func(p *Person) any { return str(p.Residence, false) }},
	{"phone", func(p *Person) any { return p.Phone }, func(p *Person) any { return str(p.Phone, true) }},
	{"hukou_address", func(p *Person) any { return p.HukouAddress }, func(p *Person) any { return str(p.HukouAddress, true) }},
	{"address", func(p *Person) any { return p.Address }, func(p *Person) any { return str(p.Address, true) }},
	{"employer_id", func(p *Person) any { return nullID(p.EmployerID) }, func(p *Person) any { return num(p.EmployerID, true) }},
	{"occupation", func(p *Person) any { return p.Occupation }, func(p *Person) any { return str(p.Occupation, true) }},
	{"moved_in_on", func(p *Person) any { return p.MovedInOn }, func(p *Person) any { return str(p.MovedInOn, true) }},
	{"status", func(p *Person) any { return p.Status }, func(p *Person) any { return str(p.Status, false) }},
	{"left_on", func(p *Person) any { return p.LeftOn }, func(p *Person) any { return str(p.LeftOn, true) }},
	{"left_to", func(p *Person) any { return p.LeftTo }, func(p *Person) any { return str(p.LeftTo, true) }},
}

// UpdatePerson saves p over old — the row as read, at old.Version — with
// an update event naming the fields that changed, through the same write
// as Store.UpdatePerson. It writes only the columns that changed (so only
// their indexes are touched) and does nothing when none did. Unlike
// Store.UpdatePerson it does not validate: the caller has (with
// ValidatePerson). The update runs at once on the Loader's transaction; its
// event joins the Loader's batches.
func (l *Loader) UpdatePerson(ctx context.Context, at time.Time, old, p *Person) (bool, error) {
	return writePersonUpdate(ctx, l.db, loaderSink{l}, l.actor, at, old, p, false)
}

// loaderSink writes updates on the Loader's transaction, each distinct
// statement prepared once, and batches their events.
type loaderSink struct{ l *Loader }

func (s loaderSink) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.l.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s loaderSink) querier() database.Querier { return s.l.tx }

func (s loaderSink) changeEvent(ctx context.Context, values []any) error {
	return s.l.add(ctx, "change_events", values...)
}

// prepared returns a statement of the Loader's transaction, preparing it on
// first use: a batch of updates runs few distinct statements many times.
func (l *Loader) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := l.stmts[query]; ok {
		return st, nil
	}
	st, err := l.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if l.stmts == nil {
		l.stmts = map[string]*sql.Stmt{}
	}
	l.stmts[query] = st
	return st, nil
}

// UpdateTag saves t over old (at old.Version) with its update event.
func (l *Loader) UpdateTag(ctx context.Context, at time.Time, old, t *Tag) (bool, error) {
	t.ID, t.CommunityID, t.PersonID, t.Tag = old.ID, old.CommunityID, old.PersonID, old.Tag
	t.Name, t.Sensitive, t.Version = old.Name, old.Sensitive, old.Version
	changes := diff("tag", old, t)
	if len(changes) == 0 {
		return false, nil
	}
	t.Version = old.Version + 1
	res, err := l.tx.ExecContext(ctx, `UPDATE person_tags SET started_on = $1, ended_on = $2, note = $3, version = $4,
		updated_at = $5 WHERE community_id = $6 AND id = $7 AND version = $8`,
		t.StartedOn, nullText(t.EndedOn), t.Note, t.Version, database.FormatTime(at), t.CommunityID, t.ID, old.Version)
	if err != nil {
		return false, fmt.Errorf("update tag: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrStale
	}
	return true, l.changeEvent(ctx, at, t.CommunityID, "tag", t.ID, t.Version, changes, t)
}

func (l *Loader) changeEvent(ctx context.Context, at time.Time, community int64, entity string, id int64, version int,
	changes []FieldChange, row any) error {
	m := make(map[string][2]any, len(changes))
	for _, c := range changes {
		m[c.Field] = [2]any{c.Before, c.After}
	}
	values, err := changeRow(l.actor, at, community, entity, id, "update", version, m, row)
	if err != nil {
		return err
	}
	return l.add(ctx, "change_events", values...)
}

// ForUpdates fits the Loader to one of many batches that change rows
// spread over a big register (an import's) rather than filling empty
// tables: database.BulkUpdate.
func (l *Loader) ForUpdates(ctx context.Context) error {
	return l.db.Bulk(ctx, l.tx, database.BulkUpdate)
}

// UpdateHouseholdStatus sets a household's status (a household dissolved
// when its last member left) over old, with its update event.
func (l *Loader) UpdateHouseholdStatus(ctx context.Context, at time.Time, old *Household, status string) error {
	h := *old
	h.Status, h.Version, h.UpdatedAt = status, old.Version+1, database.FormatTime(at)
	res, err := l.tx.ExecContext(ctx, `UPDATE households SET status = $1, version = $2, updated_at = $3
		WHERE community_id = $4 AND id = $5 AND version = $6`, status, h.Version, h.UpdatedAt, h.CommunityID, h.ID, old.Version)
	if err != nil {
		return fmt.Errorf("update household: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	return l.changeEvent(ctx, at, h.CommunityID, "household", h.ID, h.Version, diff("household", old, &h), &h)
}

// EndRental sets a rental's last day over old, with its update event.
func (l *Loader) EndRental(ctx context.Context, at time.Time, old *Rental, endedOn string) error {
	r := *old
	r.EndedOn, r.Version = endedOn, old.Version+1
	res, err := l.tx.ExecContext(ctx, `UPDATE rentals SET ended_on = $1, version = $2, updated_at = $3
		WHERE community_id = $4 AND id = $5 AND version = $6`, endedOn, r.Version, database.FormatTime(at),
		r.CommunityID, r.ID, old.Version)
	if err != nil {
		return fmt.Errorf("update rental: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	return l.changeEvent(ctx, at, r.CommunityID, "rental", r.ID, r.Version, diff("rental", old, &r), &r)
}
