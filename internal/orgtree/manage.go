package orgtree

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Errors of the tree's management.
var (
	ErrStale   = fault.New(fault.Conflict, "该单元已被他人修改,未保存。请查看最新内容后重新操作")
	ErrRetired = fault.New(fault.Refused, "该单元已撤销,不能再修改")
)

// Manager changes the tree as administrators do: each change is checked,
// made in one transaction with the records that follow it, and recorded as
// a change of the unit.
type Manager struct {
	s      *Store
	follow Follower
	now    func() time.Time
}

// NewManager returns a Manager on the store s; f carries the register's
// records along when units move (nil only where no records hang on units).
func NewManager(s *Store, f Follower) *Manager {
	return &Manager{s: s, follow: f, now: time.Now}
}

// Store is the store the manager changes.
func (m *Manager) Store() *Store { return m.s }

// today is the day changes take effect, as the register writes dates.
func (m *Manager) today() string { return m.now().Format(database.DateLayout) }

// lock reads a unit in tx for a change made on version (anyVersion for a
// change that does not alter the unit itself) and refuses a retired unit
// or a stale version. A form that sent no version (0) is stale: it was not
// filled in on the unit as it stands.
func (m *Manager) lock(ctx context.Context, tx *sql.Tx, id int64, version int) (Unit, error) {
	us, err := m.s.queryUnits(ctx, tx, `WHERE u.id = $1`, id)
	if err != nil {
		return Unit{}, err
	}
	if len(us) == 0 {
		return Unit{}, ErrNotFound
	}
	u := us[0]
	if u.RetiredOn != "" {
		return u, ErrRetired
	}
	if version != anyVersion && u.Version != version {
		return u, ErrStale
	}
	return u, nil
}

const anyVersion = -1

// bump raises the unit's version, refusing the change if it was not at
// version any more (a concurrent change committed meanwhile).
func bump(ctx context.Context, tx *sql.Tx, id int64, version int, at time.Time, set string, args ...any) error {
	q := `UPDATE org_units SET version = version + 1, updated_at = $1`
	if set != "" {
		q += ", " + set
	}
	n := len(args)
	q += fmt.Sprintf(" WHERE id = $%d AND version = $%d", n+2, n+3)
	all := append([]any{database.FormatTime(at)}, args...)
	res, err := tx.ExecContext(ctx, q, append(all, id, version)...)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return ErrStale
	}
	return nil
}

// level finds a level by kind.
func (m *Manager) level(ctx context.Context, kind string) (Level, bool, error) {
	ls, err := m.s.Levels(ctx)
	if err != nil {
		return Level{}, false, err
	}
	for _, l := range ls {
		if l.Kind == kind {
			return l, true, nil
		}
	}
	return Level{}, false, nil
}

// siblingNamed reports whether parent has a serving child called name
// other than self.
func siblingNamed(ctx context.Context, q database.Querier, parent int64, name string, self int64) (bool, error) {
	var n int
	var err error
	if parent == 0 {
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE parent_id IS NULL AND name = $1
			AND id <> $2 AND retired_on IS NULL`, name, self).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE parent_id = $1 AND name = $2
			AND id <> $3 AND retired_on IS NULL`, parent, name, self).Scan(&n)
	}
	return n > 0, err
}

// Add creates a unit under u.ParentID (0: a new root), recording its
// creation.
func (m *Manager) Add(ctx context.Context, actor Actor, u *Unit) error {
	fe := fault.Fields{}
	u.Name, u.Code = strings.TrimSpace(u.Name), strings.TrimSpace(u.Code)
	if u.Name == "" {
		fe.Add("name", "请填写名称")
	} else if len([]rune(u.Name)) > 60 {
		fe.Add("name", "名称不能超过60个字")
	}
	lv, ok, err := m.level(ctx, u.Level)
	if err != nil {
		return err
	}
	if !ok {
		fe.Add("level", "请选择层级")
	}
	if err := ValidateCode(u.Level, u.Code); err != nil {
		fe.Add("code", err.Error())
	}
	if u.Boundary != "" {
		g, err := ParseGeometry(u.Boundary)
		if err != nil {
			fe.Add("boundary", err.Error())
		} else {
			u.Boundary = g.GeoJSON()
		}
	}
	var parent Unit
	if u.ParentID != 0 {
		parent, err = m.s.Get(ctx, u.ParentID)
		switch {
		case errors.Is(err, ErrNotFound):
			fe.Add("parent_id", "上级单元不存在")
		case err != nil:
			return err
		case parent.RetiredOn != "":
			fe.Add("parent_id", "上级单元已撤销")
		case ok:
			pl, _, err := m.level(ctx, parent.Level)
			if err != nil {
				return err
			}
			if lv.Rank <= pl.Rank {
				fe.Add("level", fmt.Sprintf("%s下只能添加比%s低的层级", parent.Name, pl.Name))
			}
		}
	}
	if u.Name != "" {
		dup, err := siblingNamed(ctx, m.s.db, u.ParentID, u.Name, 0)
		if err != nil {
			return err
		}
		if dup {
			fe.Add("name", "同一上级下已有同名单元")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u.ID = 0
		if err := m.s.Create(ctx, tx, u); err != nil {
			return err
		}
		changes := map[string][2]any{"name": {nil, u.Name}, "level": {nil, u.LevelName}}
		if u.ParentID != 0 {
			changes["parent"] = [2]any{nil, parent.Name}
		}
		if u.Code != "" {
			changes["code"] = [2]any{nil, u.Code}
		}
		if u.Boundary != "" {
			changes["boundary"] = [2]any{nil, boundarySummary(u.Boundary)}
		}
		return record(ctx, tx, actor, at, u.ID, "create", u.Version, changes)
	})
}

// Edit renames a unit and sets its code and place among its siblings,
// refusing the change if the unit was saved since version was read.
func (m *Manager) Edit(ctx context.Context, actor Actor, id int64, version int, name, code string, sort int) error {
	name, code = strings.TrimSpace(name), strings.TrimSpace(code)
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		fe := fault.Fields{}
		if name == "" {
			fe.Add("name", "请填写名称")
		} else if len([]rune(name)) > 60 {
			fe.Add("name", "名称不能超过60个字")
		} else if dup, err := siblingNamed(ctx, tx, u.ParentID, name, u.ID); err != nil {
			return err
		} else if dup {
			fe.Add("name", "同一上级下已有同名单元")
		}
		if err := ValidateCode(u.Level, code); err != nil {
			fe.Add("code", err.Error())
		}
		if err := fe.Err(); err != nil {
			return err
		}
		changes := map[string][2]any{}
		if name != u.Name {
			changes["name"] = [2]any{u.Name, name}
		}
		if code != u.Code {
			changes["code"] = [2]any{u.Code, code}
		}
		if sort != u.Sort {
			changes["sort"] = [2]any{u.Sort, sort}
		}
		if len(changes) == 0 {
			return nil
		}
		if err := bump(ctx, tx, id, version, at, "name = $2, code = $3, sort = $4", name, code, sort); err != nil {
			return err
		}
		return record(ctx, tx, actor, at, id, "update", version+1, changes)
	})
}

// SetBoundary stores a unit's boundary from GeoJSON text (a Polygon or
// MultiPolygon, bare or in a Feature or a one-feature FeatureCollection);
// empty text removes it.
func (m *Manager) SetBoundary(ctx context.Context, actor Actor, id int64, version int, text string) error {
	text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	boundary := ""
	if text != "" {
		g, err := ParseGeometry(text)
		if err != nil {
			return fault.Fields{"boundary": err.Error()}
		}
		boundary = g.GeoJSON()
	}
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if boundary == u.Boundary {
			return nil
		}
		if err := bump(ctx, tx, id, version, at, "boundary = $2", boundary); err != nil {
			return err
		}
		return record(ctx, tx, actor, at, id, "boundary", version+1,
			map[string][2]any{"boundary": {boundarySummary(u.Boundary), boundarySummary(boundary)}})
	})
}

// boundarySummary says what a boundary is in a few words, for the history:
// the GeoJSON itself is too long to read there.
func boundarySummary(s string) any {
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
