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
// So they do when the unit lands in another community (a grid redrawn into
// a neighbouring one): every record under it, and what other capabilities
// keep of those records, takes the new community in the same transaction.
// The register refuses what it cannot carry whole (a record linked to one
// outside the unit); a move that would leave records in no community at
// all is refused here.
// What is the old community's own past work stays with it: events (事件)
// and service applications it handled, certificates it issued, report
// sign-offs and manual values, the imports it ran, notifications and the
// audit log.
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
		communityChanged, gridChanged := community != u.CommunityID, grid != u.GridID
		switch {
		case communityChanged && (community == 0 || m.follow == nil):
			// Records need a community, and only the register can carry them.
			if err := refuseRecordsLeaving(ctx, tx, u); err != nil {
				return err
			}
		case (communityChanged || gridChanged) && m.follow != nil:
			r := Repoint{Root: u.ID, Grid: grid, KeepGrid: !gridChanged}
			if communityChanged {
				r.Community = community
			}
			f, err := m.follow.FollowUnits(ctx, tx, actor, at, r)
			if err != nil {
				return err
			}
			if n := f.Total(); n > 0 {
				changes["moved"] = [2]any{nil, n}
				if c := carried(f); c != "" {
					changes["carried"] = [2]any{nil, c}
				}
			}
		}
		if communityChanged {
			if _, err := tx.ExecContext(ctx, `UPDATE org_units SET community_id = $1
				WHERE id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $2)`, nullID(community), u.ID); err != nil {
				return err
			}
			changes["community_id"] = [2]any{u.CommunityID, community}
			names, err := m.s.Names(ctx, []int64{u.CommunityID, community})
			if err != nil {
				return err
			}
			changes["community"] = [2]any{nameOrNil(names, u.CommunityID), nameOrNil(names, community)}
		}
		if gridChanged {
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

// refuseRecordsLeaving refuses to carry register records out of their
// community where nothing can take them along, saying what lies under the
// unit.
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
	return fault.New(fault.Refused, fmt.Sprintf("%s下登记有%s,不能移到社区以外:基础信息的每条记录都属于一个社区,请移到某个社区之下",
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

// carried says what followed a move, as the flash after it and the unit's
// history show it: "3栋楼、120户、310人".
func carried(f Followed) string {
	var parts []string
	for _, c := range []struct {
		entity, unit string
	}{{"building", "栋楼"}, {"house", "套房屋"}, {"household", "户"}, {"person", "人"}, {"organisation", "个单位"}} {
		if n := f[c.entity]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", n, c.unit))
		}
	}
	return strings.Join(parts, "、")
}

func nameOrNil(names map[int64]string, id int64) any {
	if n, ok := names[id]; ok {
		return n
	}
	return nil
}

// MoveSummary says what a move carried along and where, for the page shown
// after it ("已连同3栋楼、120户、310人移到城南社区"); "" for another change or
// a move that carried no records.
func (c Change) MoveSummary() string {
	if c.Op != "move" {
		return ""
	}
	var what, where string
	for _, f := range c.Fields {
		switch f.Field {
		case "carried":
			what, _ = f.After.(string)
		case "community":
			if s, ok := f.After.(string); ok {
				where = s
			}
		case "parent":
			if s, ok := f.After.(string); ok && where == "" {
				where = s
			}
		}
	}
	if what == "" || where == "" {
		return ""
	}
	return "已连同" + what + "移到" + where
}
