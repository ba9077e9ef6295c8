package register

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

// Operations of the change events a record's move into another community
// writes: the old community's history ends with its transfer out (the
// snapshot is the record as it left), the new one's begins with its
// transfer in (the record as it arrived). Each community's events thus
// say when the record was its own, which is what reports of a past period
// read (see the indicators' history).
const (
	OpTransferOut = "transfer_out"
	OpTransferIn  = "transfer_in"
)

// FollowUnits moves the register's records when the org tree moves a unit
// to another grid or community or merges two grids: each record under
// r.Root takes the new grid (unless r.KeepGrid), the new community (when
// r.Community is set) and, when it hung on r.From, the unit r.To, with its
// change events, so that a report of a period before the move still counts
// it where it stood. Into another community go also the rentals of the
// houses, their tenants and the persons' tags; a record linked to one
// outside the unit (a member whose household lies outside it, a tenant of
// a house outside it …) would be split between two communities, so the
// move is refused, naming them. It runs in the tree's transaction and
// returns how many records of each entity moved.
func (s *Store) FollowUnits(ctx context.Context, tx *sql.Tx, actor orgtree.Actor, at time.Time, r orgtree.Repoint) (orgtree.Followed, error) {
	a := Actor{UserID: actor.UserID, Name: actor.Name, Source: actor.Source}
	if a.Source == "" {
		a.Source = "web"
	}
	f := &follow{s: s, tx: tx, a: a, at: at, stamp: database.FormatTime(at), r: r, moved: orgtree.Followed{}}
	if r.Community != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0) FROM org_units WHERE id = $1`, r.Root).
			Scan(&f.from); err != nil {
			return nil, err
		}
		if f.from != r.Community {
			if err := s.checkWhole(ctx, tx, r.Root, f.from); err != nil {
				return nil, err
			}
			if err := s.db.DeferKeys(ctx, tx); err != nil {
				return nil, err
			}
			// What hangs on the records rather than on a unit goes first,
			// found through them while they are still in the old community.
			if err := f.rentals(ctx); err != nil {
				return nil, err
			}
			if err := f.tags(ctx); err != nil {
				return nil, err
			}
		}
	}
	for _, step := range []func(context.Context) error{f.buildings, f.houses, f.households, f.persons, f.organisations} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return f.moved, nil
}

// follow is one FollowUnits run.
type follow struct {
	s     *Store
	tx    *sql.Tx
	a     Actor
	at    time.Time
	stamp string
	r     orgtree.Repoint
	from  int64 // the records' community, when they change community
	moved orgtree.Followed
}

const under = `IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)`

// transfers reports whether the records change community.
func (f *follow) transfers() bool { return f.r.Community != 0 && f.from != f.r.Community }

// place moves a record's place as r says and reports whether it changed.
func (f *follow) place(community, org, grid *int64) bool {
	changed := false
	if f.r.From != 0 && *org == f.r.From {
		*org, changed = f.r.To, true
	}
	if !f.r.KeepGrid && *grid != f.r.Grid {
		*grid, changed = f.r.Grid, true
	}
	if f.transfers() && *community != f.r.Community {
		*community, changed = f.r.Community, true
	}
	return changed
}

// save writes one record's update, refusing the whole move if someone
// saved the record since it was read, and records it: an update in its
// community, or its transfer out of the old one and into the new one.
func (f *follow) save(ctx context.Context, entity string, id int64, from, to int64, version int, before, after any,
	query string, args ...any) error {
	if err := f.s.followExec(ctx, f.tx, query, args...); err != nil {
		return err
	}
	f.moved[entity]++
	if from == to {
		return f.s.record(ctx, f.tx, f.a, f.at, from, entity, id, "update", version, before, after)
	}
	changes := map[string][2]any{}
	for _, c := range diff(entity, before, after) {
		changes[c.Field] = [2]any{c.Before, c.After}
	}
	sink := txSink{f.s.db, f.tx}
	out, err := changeRow(f.a, f.at, from, entity, id, OpTransferOut, version, changes, before)
	if err != nil {
		return err
	}
	if err := sink.changeEvent(ctx, out); err != nil {
		return err
	}
	in, err := changeRow(f.a, f.at, to, entity, id, OpTransferIn, version, changes, after)
	if err != nil {
		return err
	}
	return sink.changeEvent(ctx, in)
}

func (f *follow) buildings(ctx context.Context) error {
	rows, err := f.tx.QueryContext(ctx, `SELECT b.community_id, b.id, COALESCE(b.grid_id, 0), b.name, b.address,
		b.kind, b.floors, b.built_year, b.version FROM buildings b WHERE b.id `+under, f.r.Root)
	if err != nil {
		return err
	}
	var bs []Building
	for rows.Next() {
		var b Building
		if err := rows.Scan(&b.CommunityID, &b.ID, &b.GridID, &b.Name, &b.Address, &b.Kind, &b.Floors,
			&b.BuiltYear, &b.Version); err != nil {
			rows.Close()
			return err
		}
		bs = append(bs, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, old := range bs {
		b := old
		var org int64
		if !f.place(&b.CommunityID, &org, &b.GridID) {
			continue
		}
		b.Version++
		if err := f.save(ctx, "building", b.ID, old.CommunityID, b.CommunityID, b.Version, old, b,
			`UPDATE buildings SET community_id = $1, grid_id = $2, version = $3, updated_at = $4
			WHERE community_id = $5 AND id = $6 AND version = $7`,
			b.CommunityID, nullID(b.GridID), b.Version, f.stamp, old.CommunityID, b.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

func (f *follow) houses(ctx context.Context) error {
	houses, err := f.s.queryHouses(ctx, f.tx, `SELECT `+houseColumns+` FROM houses h WHERE h.org_id `+under, f.r.Root)
	if err != nil {
		return err
	}
	for _, old := range houses {
		h := old
		if !f.place(&h.CommunityID, &h.OrgID, &h.GridID) {
			continue
		}
		h.Version++
		if err := f.save(ctx, "house", h.ID, old.CommunityID, h.CommunityID, h.Version, old, h,
			`UPDATE houses SET community_id = $1, org_id = $2, grid_id = $3, version = $4, updated_at = $5
			WHERE community_id = $6 AND id = $7 AND version = $8`,
			h.CommunityID, h.OrgID, nullID(h.GridID), h.Version, f.stamp, old.CommunityID, h.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

func (f *follow) households(ctx context.Context) error {
	households, err := f.s.queryHouseholds(ctx, f.tx, `SELECT `+householdColumns+` FROM households h WHERE h.org_id `+under, f.r.Root)
	if err != nil {
		return err
	}
	for _, old := range households {
		h := old
		if !f.place(&h.CommunityID, &h.OrgID, &h.GridID) {
			continue
		}
		h.Version++
		h.UpdatedAt = f.stamp
		if err := f.save(ctx, "household", h.ID, old.CommunityID, h.CommunityID, h.Version, old, h,
			`UPDATE households SET community_id = $1, org_id = $2, grid_id = $3, version = $4, updated_at = $5
			WHERE community_id = $6 AND id = $7 AND version = $8`,
			h.CommunityID, h.OrgID, nullID(h.GridID), h.Version, f.stamp, old.CommunityID, h.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

func (f *follow) persons(ctx context.Context) error {
	persons, err := f.s.queryPersons(ctx, f.tx, `SELECT `+personColumns+` FROM persons p WHERE p.org_id `+under, f.r.Root)
	if err != nil {
		return err
	}
	for _, old := range persons {
		p := old
		if !f.place(&p.CommunityID, &p.OrgID, &p.GridID) {
			continue
		}
		p.Version++
		p.UpdatedAt = f.stamp
		if err := f.save(ctx, "person", p.ID, old.CommunityID, p.CommunityID, p.Version, old, p,
			`UPDATE persons SET community_id = $1, org_id = $2, grid_id = $3, version = $4, updated_at = $5
			WHERE community_id = $6 AND id = $7 AND version = $8`,
			p.CommunityID, p.OrgID, nullID(p.GridID), p.Version, f.stamp, old.CommunityID, p.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

func (f *follow) organisations(ctx context.Context) error {
	orgs, err := f.s.queryOrganisations(ctx, f.tx, `SELECT `+organisationColumns+` FROM organisations o WHERE o.org_id `+under, f.r.Root)
	if err != nil {
		return err
	}
	for _, old := range orgs {
		o := old
		if !f.place(&o.CommunityID, &o.OrgID, &o.GridID) {
			continue
		}
		o.Version++
		if err := f.save(ctx, "organisation", o.ID, old.CommunityID, o.CommunityID, o.Version, old, o,
			`UPDATE organisations SET community_id = $1, org_id = $2, grid_id = $3, version = $4, updated_at = $5
			WHERE community_id = $6 AND id = $7 AND version = $8`,
			o.CommunityID, o.OrgID, nullID(o.GridID), o.Version, f.stamp, old.CommunityID, o.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

// rentals moves the rentals of the houses under the unit, and their
// tenants, into the new community. A rental has no place of its own: its
// house's is its place, so it is recorded only when it changes community.
func (f *follow) rentals(ctx context.Context) error {
	housesUnder := `SELECT h.id FROM houses h WHERE h.community_id = $2 AND h.org_id ` + under
	rows, err := f.tx.QueryContext(ctx, `SELECT r.community_id, r.id, r.house_id, r.landlord, r.landlord_phone, r.started_on,
		COALESCE(r.ended_on, ''), r.monthly_rent_fen, r.version FROM rentals r
		WHERE r.community_id = $2 AND r.house_id IN (`+housesUnder+`) ORDER BY r.id`, f.r.Root, f.from)
	if err != nil {
		return err
	}
	var rs []Rental
	at := map[int64]int{}
	for rows.Next() {
		var r Rental
		if err := rows.Scan(&r.CommunityID, &r.ID, &r.HouseID, &r.Landlord, &r.LandlordPhone, &r.StartedOn,
			&r.EndedOn, &r.MonthlyRentFen, &r.Version); err != nil {
			rows.Close()
			return err
		}
		at[r.ID] = len(rs)
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	rentalsUnder := `SELECT r.id FROM rentals r WHERE r.community_id = $2 AND r.house_id IN (` + housesUnder + `)`
	rows, err = f.tx.QueryContext(ctx, `SELECT rental_id, person_id FROM rental_tenants
		WHERE community_id = $2 AND rental_id IN (`+rentalsUnder+`) ORDER BY rental_id, person_id`, f.r.Root, f.from)
	if err != nil {
		return err
	}
	for rows.Next() {
		var rental, person int64
		if err := rows.Scan(&rental, &person); err != nil {
			rows.Close()
			return err
		}
		if i, ok := at[rental]; ok {
			rs[i].TenantIDs = append(rs[i].TenantIDs, person)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := f.tx.ExecContext(ctx, `UPDATE rental_tenants SET community_id = $3
		WHERE community_id = $2 AND rental_id IN (`+rentalsUnder+`)`, f.r.Root, f.from, f.r.Community); err != nil {
		return err
	}
	for _, old := range rs {
		r := old
		r.CommunityID = f.r.Community
		r.Version++
		if err := f.save(ctx, "rental", r.ID, old.CommunityID, r.CommunityID, r.Version, old, r,
			`UPDATE rentals SET community_id = $1, version = $2, updated_at = $3
			WHERE community_id = $4 AND id = $5 AND version = $6`,
			r.CommunityID, r.Version, f.stamp, old.CommunityID, r.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

// tags moves the tags of the persons under the unit into the new community.
func (f *follow) tags(ctx context.Context) error {
	rows, err := f.tx.QueryContext(ctx, `SELECT t.community_id, t.id, t.person_id, t.tag, t.started_on,
		COALESCE(t.ended_on, ''), t.note, t.evidence, t.version FROM person_tags t
		WHERE t.community_id = $2 AND t.person_id IN (SELECT p.id FROM persons p WHERE p.community_id = $2 AND p.org_id `+under+`)
		ORDER BY t.id`, f.r.Root, f.from)
	if err != nil {
		return err
	}
	var ts []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.CommunityID, &t.ID, &t.PersonID, &t.Tag, &t.StartedOn, &t.EndedOn, &t.Note,
			&t.Evidence, &t.Version); err != nil {
			rows.Close()
			return err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, old := range ts {
		t := old
		t.CommunityID = f.r.Community
		t.Version++
		if err := f.save(ctx, "tag", t.ID, old.CommunityID, t.CommunityID, t.Version, old, t,
			`UPDATE person_tags SET community_id = $1, version = $2, updated_at = $3
			WHERE community_id = $4 AND id = $5 AND version = $6`,
			t.CommunityID, t.Version, f.stamp, old.CommunityID, t.ID, old.Version); err != nil {
			return err
		}
	}
	return nil
}

// followExec runs one record's update. A record saved by someone else
// between the read and the write of this transaction is not overwritten:
// the whole move is refused as a conflict and can be tried again.
// The statement stays prepared on its connection (database/stmtcache.go):
// a grid's thousands of records run it as many times.
func (s *Store) followExec(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "单元下的记录正被他人修改,未保存,请稍后重试")
	}
	return nil
}
