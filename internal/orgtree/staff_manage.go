package orgtree

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// staffLevels are the levels a role is assigned at, for the roles bound to
// one: a 网格员 serves a grid, a 楼栋长 a building.
var staffLevels = map[string]string{
	RoleGridWorker:   LevelGrid,
	RoleBuildingHead: LevelBuilding,
}

// Assign assigns a person to a unit (任命) and records it on the unit.
func (m *Manager) Assign(ctx context.Context, actor Actor, st *Staff) error {
	st.Name, st.Phone, st.StartedOn = strings.TrimSpace(st.Name), strings.TrimSpace(st.Phone), strings.TrimSpace(st.StartedOn)
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, st.UnitID, anyVersion)
		if err != nil {
			return err
		}
		fe := fault.Fields{}
		if st.Name == "" {
			fe.Add("name", "请填写姓名")
		} else if len([]rune(st.Name)) > 30 {
			fe.Add("name", "姓名不能超过30个字")
		}
		if _, ok := StaffRoleNames[st.Role]; !ok {
			fe.Add("role", "请选择岗位")
		} else if lv := staffLevels[st.Role]; lv != "" && u.Level != lv {
			fe.Add("role", StaffRoleNames[st.Role]+"只能任命在"+levelWord[lv]+"上")
		}
		if st.Phone != "" {
			p, err := ident.ParsePhone(st.Phone)
			if err != nil {
				fe.Add("phone", "电话号码格式不正确")
			} else {
				st.Phone = p
			}
		}
		if st.StartedOn == "" {
			st.StartedOn = m.today()
		} else if _, err := time.Parse(database.DateLayout, st.StartedOn); err != nil {
			fe.Add("started_on", "日期应为 年-月-日,如 2024-03-01")
		}
		if st.Name != "" && st.Role != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_staff WHERE unit_id = $1 AND role = $2
				AND name = $3 AND ended_on IS NULL`, u.ID, st.Role, st.Name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				fe.Add("name", st.Name+"已在本单元任"+StaffRoleNames[st.Role])
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		st.ID = 0
		if err := m.s.AddStaff(ctx, tx, st); err != nil {
			return err
		}
		return record(ctx, tx, actor, at, u.ID, "assign", u.Version, map[string][2]any{
			"staff": {nil, StaffRoleNames[st.Role] + " " + st.Name + "(" + st.StartedOn + "起)"}})
	})
}

var levelWord = map[string]string{LevelGrid: "网格", LevelBuilding: "楼栋"}

// ErrAssignmentEnded is a second end of an assignment already ended.
var ErrAssignmentEnded = fault.New(fault.Conflict, "该任职已经结束")

// EndAssignment ends a person's assignment to a unit (免任) on endedOn
// ("" for today).
func (m *Manager) EndAssignment(ctx context.Context, actor Actor, unit, staff int64, endedOn string) error {
	endedOn = strings.TrimSpace(endedOn)
	if endedOn == "" {
		endedOn = m.today()
	} else if _, err := time.Parse(database.DateLayout, endedOn); err != nil {
		return fault.Fields{"ended_on": "日期应为 年-月-日,如 2024-03-01"}
	}
	at := m.now()
	return m.s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := m.lock(ctx, tx, unit, anyVersion)
		if err != nil {
			return err
		}
		var role, name, started string
		var ended sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT role, name, started_on, ended_on FROM org_staff WHERE id = $1 AND unit_id = $2`,
			staff, unit).Scan(&role, &name, &started, &ended)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.NotFound, "该任职不存在")
		}
		if err != nil {
			return err
		}
		if ended.Valid {
			return ErrAssignmentEnded
		}
		if endedOn < started {
			return fault.Fields{"ended_on": "免任日期不能早于任职日期 " + started}
		}
		res, err := tx.ExecContext(ctx, `UPDATE org_staff SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL`, endedOn, staff)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAssignmentEnded
		}
		return record(ctx, tx, actor, at, u.ID, "unassign", u.Version, map[string][2]any{
			"staff": {StaffRoleNames[role] + " " + name, nil}, "ended_on": {nil, endedOn}})
	})
}

// StaffOf lists the current staff assigned to the unit itself, by role.
func (s *Store) StaffOf(ctx context.Context, unit int64) ([]Staff, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, unit_id, COALESCE(community_id, 0), role, name, phone,
		COALESCE(user_id, 0), started_on FROM org_staff WHERE unit_id = $1 AND ended_on IS NULL ORDER BY role, started_on, name`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.ID, &st.UnitID, &st.CommunityID, &st.Role, &st.Name, &st.Phone, &st.UserID, &st.StartedOn); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
