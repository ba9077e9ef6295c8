package orgtree

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// writeUpdates saves the units an import changed, each at the version it
// was read at, with its change record.
func (s *Store) writeUpdates(ctx context.Context, tx *sql.Tx, actor Actor, at time.Time, t *tree, nodes []*node) error {
	now := database.FormatTime(at)
	for _, n := range nodes {
		res, err := tx.ExecContext(ctx, `UPDATE org_units SET name = $1, code = $2, boundary = $3, version = version + 1,
			updated_at = $4 WHERE id = $5 AND version = $6`, n.name, n.code, n.boundary, now, n.id, n.version)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			was := n.was.Name
			if n.parent != nil {
				was = t.path(n.parent) + "/" + was
			}
			return fault.New(fault.Conflict, fmt.Sprintf("“%s”在导入期间被他人修改,未导入任何单元,请重新导入", was))
		}
		changes := map[string][2]any{}
		if n.name != n.was.Name {
			changes["name"] = [2]any{n.was.Name, n.name}
		}
		if n.code != n.was.Code {
			changes["code"] = [2]any{n.was.Code, n.code}
		}
		op := "update"
		if n.boundary != n.was.Boundary {
			changes["boundary"] = [2]any{boundaryBrief(n.was.Boundary), boundaryBrief(n.boundary)}
			if len(changes) == 1 {
				op = "boundary" // as the boundary page records a new shape
			}
		}
		if err := record(ctx, tx, actor, at, n.id, op, n.version+1, changes); err != nil {
			return err
		}
	}
	return nil
}

// rowsPerInsert keeps a multi-row INSERT well under both engines' limits
// on parameters.
const rowsPerInsert = 400

// writeCreated inserts the units an import adds — parents before children,
// as the import placed them — with their closure rows and their creation
// records, many rows a statement.
func (s *Store) writeCreated(ctx context.Context, tx *sql.Tx, actor Actor, at time.Time, t *tree, nodes []*node) error {
	now := database.FormatTime(at)
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	source := actor.Source
	if source == "" {
		source = "cli"
	}
	units := make([][]any, 0, len(nodes))
	changes := make([][]any, 0, len(nodes))
	var closure [][]any
	for _, n := range nodes {
		var parent any
		if n.parent != nil {
			parent = n.parent.id
		}
		units = append(units, []any{n.id, parent, n.level, n.name, n.code, nullID(n.community), nullID(n.grid),
			n.boundary, 0, 1, now, now})
		for a, depth := n, 0; a != nil; a, depth = a.parent, depth+1 {
			closure = append(closure, []any{a.id, n.id, depth})
		}
		c := map[string][2]any{"name": {nil, n.name}, "level": {nil, t.levels[n.level].Name}}
		if n.parent != nil {
			c["parent"] = [2]any{nil, n.parent.name}
		}
		if n.code != "" {
			c["code"] = [2]any{nil, n.code}
		}
		if n.boundary != "" {
			c["boundary"] = [2]any{nil, boundaryBrief(n.boundary)}
		}
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		changes = append(changes, []any{database.NewID(), n.id, now, actorID, actor.Name, source, "create", 1, string(b)})
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO org_units (id, parent_id, level, name, code, community_id, grid_id,
		boundary, sort, version, created_at, updated_at) VALUES `, units); err != nil {
		return err
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES `, closure); err != nil {
		return err
	}
	return s.insertRows(ctx, tx, `INSERT INTO org_changes (id, unit_id, at, actor_id, actor, source, op, version, changes) VALUES `,
		changes)
}

func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any) error {
	for len(rows) > 0 {
		batch := rows[:min(rowsPerInsert, len(rows))]
		rows = rows[len(batch):]
		q := s.db.InOrder()
		var b strings.Builder
		b.WriteString(head)
		for i, r := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q.Row(r...))
		}
		if _, err := tx.ExecContext(ctx, b.String(), q.Values()...); err != nil {
			return err
		}
	}
	return nil
}

// boundaryBrief says what a boundary is in a few words, for a change
// record: the GeoJSON itself is too long to read there.
func boundaryBrief(s string) any {
	if s == "" {
		return nil
	}
	g, err := ParseGeometry(s)
	if err != nil {
		return "无效边界"
	}
	points := 0
	for _, p := range g.Polygons {
		for _, r := range p {
			points += len(r) - 1
		}
	}
	return fmt.Sprintf("%d个多边形,%d个顶点", len(g.Polygons), points)
}
