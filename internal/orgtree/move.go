package orgtree

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Move puts a unit, with everything under it, under a new parent. The
// closure follows, and so do the community and grid every unit below
// carries; when the unit changes grid (a building moved to another grid)
// the register's records below follow too, each with its change event.
// A move that would carry register records into another community is
// refused: the register keeps each record in its community for good (its
// keys begin with it), so they are moved household by household first.
func (m *Manager) Move(ctx context.Context, actor Actor, id int64, version int, parentID int64) error {
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if parentID == 0 {
			return fault.Fields{"parent_id": "请选择新的上级"}
		}
		ps, err := m.s.queryUnits(ctx, tx, `WHERE u.id = $1`, parentID)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return fault.Fields{"parent_id": "新的上级不存在"}
		}
		p := ps[0]
		switch {
		case p.RetiredOn != "":
			return fault.Fields{"parent_id": "新的上级已撤销"}
		case p.ID == u.ParentID:
			return fault.Fields{"parent_id": "该单元已在" + p.Name + "之下"}
		}
		var inside int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND unit_id = $2`,
			u.ID, p.ID).Scan(&inside); err != nil {
			return err
		}
		if inside > 0 {
			return fault.Fields{"parent_id": "不能移到本单元或其下级之下"}
		}
		if err := m.checkRank(ctx, p, u); err != nil {
			return err
		}
		community, grid := p.CommunityID, p.GridID
		switch u.Level {
		case LevelCommunity:
			community = u.ID
		case LevelGrid:
			grid = u.ID
		}
		changes := map[string][2]any{"parent_id": {u.ParentID, p.ID}, "parent": {nil, p.Name}}
		if u.ParentID != 0 {
			names, err := m.s.Names(ctx, []int64{u.ParentID})
			if err != nil {
				return err
			}
			changes["parent"] = [2]any{names[u.ParentID], p.Name}
		}
		if community != u.CommunityID {
			if err := refuseRecordsLeaving(ctx, tx, u); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE org_units SET community_id = $1
				WHERE id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $2)`, nullID(community), u.ID); err != nil {
				return err
			}
			changes["community_id"] = [2]any{u.CommunityID, community}
		}
		if grid != u.GridID {
			if m.follow != nil {
				n, err := m.follow.FollowUnits(ctx, tx, actor, at, Repoint{Root: u.ID, Grid: grid})
				if err != nil {
					return err
				}
				if n > 0 {
					changes["moved"] = [2]any{nil, n}
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE org_units SET grid_id = $1
				WHERE id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $2)`, nullID(grid), u.ID); err != nil {
				return err
			}
			changes["grid_id"] = [2]any{u.GridID, grid}
		}
		if err := reparent(ctx, tx, u.ID, p.ID); err != nil {
			return err
		}
		if err := bump(ctx, tx, u.ID, u.Version, at, "parent_id = $2", p.ID); err != nil {
			return err
		}
		return record(ctx, tx, actor, at, u.ID, "move", u.Version+1, changes)
	})
}

// checkRank refuses a parent whose level is not above the unit's.
func (m *Manager) checkRank(ctx context.Context, p, u Unit) error {
	pl, _, err := m.level(ctx, p.Level)
	if err != nil {
		return err
	}
	ul, _, err := m.level(ctx, u.Level)
	if err != nil {
		return err
	}
	if pl.Rank >= ul.Rank {
		return fault.Fields{"parent_id": fmt.Sprintf("%s不能放在%s之下,请选择更高一级的单元", u.LevelName, p.LevelName)}
	}
	return nil
}

// reparent rewrites the closure of the subtree of id for its new parent:
// the paths from the old ancestors into the subtree go, the paths from the
// new parent's ancestors (and itself) come.
func reparent(ctx context.Context, tx *sql.Tx, id, parent int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM org_closure
		WHERE unit_id IN (SELECT d.unit_id FROM org_closure d WHERE d.ancestor_id = $1)
		AND ancestor_id IN (SELECT a.ancestor_id FROM org_closure a WHERE a.unit_id = $1 AND a.depth > 0)`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, unit_id, depth)
		SELECT p.ancestor_id, d.unit_id, p.depth + d.depth + 1
		FROM org_closure p CROSS JOIN org_closure d WHERE p.unit_id = $1 AND d.ancestor_id = $2`, parent, id)
	return err
}

// refuseRecordsLeaving refuses to carry register records into another
// community, saying what lies under the unit.
func refuseRecordsLeaving(ctx context.Context, tx *sql.Tx, u Unit) error {
	var households, persons, houses, orgs int
	under := `IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)`
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM households WHERE org_id `+under+`),
		(SELECT COUNT(*) FROM persons WHERE org_id `+under+`),
		(SELECT COUNT(*) FROM houses WHERE org_id `+under+`),
		(SELECT COUNT(*) FROM organisations WHERE org_id `+under+`)`, u.ID).
		Scan(&households, &persons, &houses, &orgs); err != nil {
		return err
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{households, "户"}, {persons, "人"}, {houses, "套房屋"}, {orgs, "个单位"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return fault.New(fault.Refused, fmt.Sprintf("%s下登记有%s,不能移到其他社区:请先在基础信息中把这些记录迁出,或在本社区内移动",
		u.Name, strings.Join(parts, "、")))
}

// Occupancy is where households still live under a unit that is to be
// retired.
type Occupancy struct {
	UnitID     int64
	Name       string
	Households int
	Persons    int
}

// OccupiedError refuses to retire a unit with households under it and
// says where they are.
type OccupiedError struct {
	Unit   string
	Places []Occupancy
}

func (e *OccupiedError) Error() string {
	h, p := 0, 0
	var where []string
	for _, o := range e.Places {
		h += o.Households
		p += o.Persons
		where = append(where, fmt.Sprintf("%s %d户%d人", o.Name, o.Households, o.Persons))
	}
	return fmt.Sprintf("%s下还有%d户、%d人在册,不能撤销。请先把住户迁到其他网格:%s", e.Unit, h, p, strings.Join(where, ";"))
}

// FaultKind makes the refusal a Refused error.
func (e *OccupiedError) FaultKind() fault.Kind { return fault.Refused }

// Retire retires a unit and every unit under it (撤销): they leave the tree
// as it is shown, their staff's assignments end, and they stay in the
// database for the records and reports of the past. A unit with
// households or persons still in the register under it is refused with
// where they are (*OccupiedError).
func (m *Manager) Retire(ctx context.Context, actor Actor, id int64, version int) error {
	at := m.now()
	today := m.today()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		places, err := occupancy(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if len(places) > 0 {
			return &OccupiedError{Unit: u.Name, Places: places}
		}
		if err := bump(ctx, tx, u.ID, u.Version, at, "retired_on = $2", today); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE org_units SET retired_on = $1, version = version + 1, updated_at = $2
			WHERE retired_on IS NULL AND id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $3 AND depth > 0)`,
			today, database.FormatTime(at), u.ID)
		if err != nil {
			return err
		}
		below, _ := res.RowsAffected()
		if err := endStaffUnder(ctx, tx, u.ID, today); err != nil {
			return err
		}
		changes := map[string][2]any{"retired_on": {nil, today}}
		if below > 0 {
			changes["units"] = [2]any{nil, below}
		}
		return record(ctx, tx, actor, at, u.ID, "retire", u.Version+1, changes)
	})
}

// occupancy counts the households and persons in the register under a
// unit, by the grid (or unit) they hang on.
func occupancy(ctx context.Context, tx *sql.Tx, id int64) ([]Occupancy, error) {
	rows, err := tx.QueryContext(ctx, `SELECT place, SUM(h), SUM(p) FROM (
			SELECT COALESCE(grid_id, org_id) AS place, 1 AS h, 0 AS p FROM households
			WHERE status = 'active' AND org_id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)
			UNION ALL
			SELECT COALESCE(grid_id, org_id), 0, 1 FROM persons
			WHERE status = 'active' AND org_id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)
		) x GROUP BY place ORDER BY place`, id)
	if err != nil {
		return nil, err
	}
	var out []Occupancy
	for rows.Next() {
		var o Occupancy
		if err := rows.Scan(&o.UnitID, &o.Households, &o.Persons); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1`, out[i].UnitID).
			Scan(&out[i].Name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return out, nil
}

// endStaffUnder ends the current assignments of the units under id (and
// id itself) on day.
func endStaffUnder(ctx context.Context, tx *sql.Tx, id int64, day string) error {
	_, err := tx.ExecContext(ctx, `UPDATE org_staff SET ended_on = $1
		WHERE ended_on IS NULL AND unit_id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $2)`, day, id)
	return err
}
