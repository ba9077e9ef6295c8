package register

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

// FollowUnits moves the register's records when the org tree moves a
// building to another grid or merges two grids: each record under r.Root
// takes the new grid (and, when it hung on r.From, the unit r.To), with an
// update event, so that a report of a period before the move still counts
// it where it stood. It runs in the tree's transaction and returns how many
// records moved. Records stay in their community: the tree refuses moves
// that would carry records into another one.
func (s *Store) FollowUnits(ctx context.Context, tx *sql.Tx, actor orgtree.Actor, at time.Time, r orgtree.Repoint) (int, error) {
	a := Actor{UserID: actor.UserID, Name: actor.Name, Source: actor.Source}
	if a.Source == "" {
		a.Source = "web"
	}
	stamp := database.FormatTime(at)
	under := `IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)`
	moved := 0
	place := func(org, grid *int64) bool {
		changed := false
		if r.From != 0 && *org == r.From {
			*org, changed = r.To, true
		}
		if *grid != r.Grid {
			*grid, changed = r.Grid, true
		}
		return changed
	}

	buildings, err := tx.QueryContext(ctx, `SELECT b.community_id, b.id, COALESCE(b.grid_id, 0), b.name, b.address,
		b.kind, b.floors, b.built_year, b.version FROM buildings b WHERE b.id `+under, r.Root)
	if err != nil {
		return 0, err
	}
	var bs []Building
	for buildings.Next() {
		var b Building
		if err := buildings.Scan(&b.CommunityID, &b.ID, &b.GridID, &b.Name, &b.Address, &b.Kind, &b.Floors,
			&b.BuiltYear, &b.Version); err != nil {
			buildings.Close()
			return 0, err
		}
		bs = append(bs, b)
	}
	buildings.Close()
	if err := buildings.Err(); err != nil {
		return 0, err
	}
	for _, old := range bs {
		b := old
		var org int64
		if !place(&org, &b.GridID) {
			continue
		}
		b.Version++
		if err := s.followExec(ctx, tx, `UPDATE buildings SET grid_id = $1, version = $2, updated_at = $3
			WHERE community_id = $4 AND id = $5 AND version = $6`,
			nullID(b.GridID), b.Version, stamp, b.CommunityID, b.ID, old.Version); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, at, b.CommunityID, "building", b.ID, "update", b.Version, old, b); err != nil {
			return 0, err
		}
		moved++
	}

	houses, err := s.queryHouses(ctx, tx, `SELECT `+houseColumns+` FROM houses h WHERE h.org_id `+under, r.Root)
	if err != nil {
		return 0, err
	}
	for _, old := range houses {
		h := old
		if !place(&h.OrgID, &h.GridID) {
			continue
		}
		h.Version++
		if err := s.followExec(ctx, tx, `UPDATE houses SET org_id = $1, grid_id = $2, version = $3, updated_at = $4
			WHERE community_id = $5 AND id = $6 AND version = $7`,
			h.OrgID, nullID(h.GridID), h.Version, stamp, h.CommunityID, h.ID, old.Version); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, at, h.CommunityID, "house", h.ID, "update", h.Version, old, h); err != nil {
			return 0, err
		}
		moved++
	}

	households, err := s.queryHouseholds(ctx, tx, `SELECT `+householdColumns+` FROM households h WHERE h.org_id `+under, r.Root)
	if err != nil {
		return 0, err
	}
	for _, old := range households {
		h := old
		if !place(&h.OrgID, &h.GridID) {
			continue
		}
		h.Version++
		h.UpdatedAt = stamp
		if err := s.followExec(ctx, tx, `UPDATE households SET org_id = $1, grid_id = $2, version = $3, updated_at = $4
			WHERE community_id = $5 AND id = $6 AND version = $7`,
			h.OrgID, nullID(h.GridID), h.Version, stamp, h.CommunityID, h.ID, old.Version); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, at, h.CommunityID, "household", h.ID, "update", h.Version, old, h); err != nil {
			return 0, err
		}
		moved++
	}

	persons, err := s.queryPersons(ctx, tx, `SELECT `+personColumns+` FROM persons p WHERE p.org_id `+under, r.Root)
	if err != nil {
		return 0, err
	}
	for _, old := range persons {
		p := old
		if !place(&p.OrgID, &p.GridID) {
			continue
		}
		p.Version++
		p.UpdatedAt = stamp
		if err := s.followExec(ctx, tx, `UPDATE persons SET org_id = $1, grid_id = $2, version = $3, updated_at = $4
			WHERE community_id = $5 AND id = $6 AND version = $7`,
			p.OrgID, nullID(p.GridID), p.Version, stamp, p.CommunityID, p.ID, old.Version); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, at, p.CommunityID, "person", p.ID, "update", p.Version, old, p); err != nil {
			return 0, err
		}
		moved++
	}

	orgs, err := s.queryOrganisations(ctx, tx, `SELECT `+organisationColumns+` FROM organisations o WHERE o.org_id `+under, r.Root)
	if err != nil {
		return 0, err
	}
	for _, old := range orgs {
		o := old
		if !place(&o.OrgID, &o.GridID) {
			continue
		}
		o.Version++
		if err := s.followExec(ctx, tx, `UPDATE organisations SET org_id = $1, grid_id = $2, version = $3, updated_at = $4
			WHERE community_id = $5 AND id = $6 AND version = $7`,
			o.OrgID, nullID(o.GridID), o.Version, stamp, o.CommunityID, o.ID, old.Version); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, at, o.CommunityID, "organisation", o.ID, "update", o.Version, old, o); err != nil {
			return 0, err
		}
		moved++
	}
	return moved, nil
}

// followExec runs one record's update. A record saved by someone else
// between the read and the write of this transaction is not overwritten:
// the whole move is refused as a conflict and can be tried again.
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
