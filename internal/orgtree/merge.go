package orgtree

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/fault"
)

// MergeGrids merges the grid from into the grid into (two grids of one
// community drawn as one): the buildings and other units of from move
// under into, its register records (households, persons, houses,
// organisations) follow with their change events, its boundary joins
// into's, its staff's assignments end, and from is retired. version is
// from's version as the form showed it.
func (m *Manager) MergeGrids(ctx context.Context, actor Actor, from int64, version int, into int64) error {
	at := m.now()
	today := m.today()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		src, err := m.lock(ctx, tx, from, version)
		if err != nil {
			return err
		}
		if src.Level != LevelGrid {
			return fault.New(fault.Refused, "只能合并网格")
		}
		if into == 0 {
			return fault.Fields{"into": "请选择要并入的网格"}
		}
		if into == from {
			return fault.Fields{"into": "不能并入自身"}
		}
		dst, err := m.lock(ctx, tx, into, anyVersion)
		switch {
		case errors.Is(err, ErrNotFound):
			return fault.Fields{"into": "要并入的网格不存在"}
		case errors.Is(err, ErrRetired):
			return fault.Fields{"into": "要并入的网格已撤销"}
		case err != nil:
			return err
		case dst.Level != LevelGrid:
			return fault.Fields{"into": "只能并入另一个网格"}
		case dst.CommunityID != src.CommunityID:
			return fault.Fields{"into": "只能并入同一社区的网格"}
		}
		moved := 0
		if m.follow != nil {
			f, err := m.follow.FollowUnits(ctx, tx, actor, at, Repoint{Root: src.ID, Grid: dst.ID, From: src.ID, To: dst.ID})
			if err != nil {
				return err
			}
			moved = f.Total()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_units SET grid_id = $1
			WHERE id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $2 AND depth > 0)`, dst.ID, src.ID); err != nil {
			return err
		}
		kids, err := m.s.queryUnits(ctx, tx, `WHERE u.parent_id = $1 ORDER BY u.id`, src.ID)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if err := reparent(ctx, tx, k.ID, dst.ID); err != nil {
				return err
			}
			if err := bump(ctx, tx, k.ID, k.Version, at, "parent_id = $2", dst.ID); err != nil {
				return err
			}
			// Recorded for a retired unit too: reports of the periods when
			// it was alive put it back under the grid it was in then.
			if err := record(ctx, tx, actor, at, k.ID, "move", k.Version+1, map[string][2]any{
				"parent_id": {src.ID, dst.ID}, "parent": {src.Name, dst.Name}, "grid_id": {src.ID, dst.ID}}); err != nil {
				return err
			}
		}
		boundary := dst.Boundary
		if src.Boundary != "" {
			boundary = unionBoundary(dst.Boundary, src.Boundary)
		}
		if err := bump(ctx, tx, dst.ID, dst.Version, at, "boundary = $2", boundary); err != nil {
			return err
		}
		changes := map[string][2]any{"merged_from": {nil, src.Name}}
		if moved > 0 {
			changes["moved"] = [2]any{nil, moved}
		}
		if boundary != dst.Boundary {
			changes["boundary"] = [2]any{boundarySummary(dst.Boundary), boundarySummary(boundary)}
		}
		if err := record(ctx, tx, actor, at, dst.ID, "merge", dst.Version+1, changes); err != nil {
			return err
		}
		if err := bump(ctx, tx, src.ID, src.Version, at, "retired_on = $2", today); err != nil {
			return err
		}
		if err := endStaffUnder(ctx, tx, src.ID, today); err != nil {
			return err
		}
		return record(ctx, tx, actor, at, src.ID, "retire", src.Version+1, map[string][2]any{
			"retired_on": {nil, today}, "merged_into": {nil, dst.Name}})
	})
}

// unionBoundary joins two stored boundaries into one MultiPolygon; an
// unreadable one is dropped rather than spoiling the other.
func unionBoundary(a, b string) string {
	var polys [][][][2]float64
	for _, s := range []string{a, b} {
		if s == "" {
			continue
		}
		if g, err := ParseGeometry(s); err == nil {
			polys = append(polys, g.Polygons...)
		}
	}
	if len(polys) == 0 {
		return ""
	}
	return Geometry{Polygons: polys}.GeoJSON()
}
