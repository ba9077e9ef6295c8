package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// ErrUnknownRole is returned for a role code that is not in the roles table.
var ErrUnknownRole = fault.New(fault.NotFound, "角色不存在")

// Roles returns every role with its permissions and field set, in display
// order. They are read from the database on each call; Viewer building uses
// the cached copy.
func (s *Service) Roles(ctx context.Context) ([]Role, error) {
	byCode, order, err := loadRoles(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make([]Role, 0, len(order))
	for _, c := range order {
		out = append(out, *byCode[c])
	}
	return out, nil
}

// Role returns one role.
func (s *Service) Role(ctx context.Context, code string) (Role, error) {
	roles, err := s.cachedRoles(ctx)
	if err != nil {
		return Role{}, err
	}
	r, ok := roles.byCode[code]
	if !ok {
		return Role{}, ErrUnknownRole
	}
	return *r, nil
}

func loadRoles(ctx context.Context, q database.Querier) (map[string]*Role, []string, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name, description, place, COALESCE(department, ''), all_fields, version
		FROM roles ORDER BY sort, code`)
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]*Role{}
	var order []string
	for rows.Next() {
		r := &Role{}
		var all int
		if err := rows.Scan(&r.Code, &r.Name, &r.Description, &r.Place, &r.Department, &all, &r.Version); err != nil {
			rows.Close()
			return nil, nil, err
		}
		r.AllFields = all != 0
		byCode[r.Code] = r
		order = append(order, r.Code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT role, permission FROM role_permissions ORDER BY role, permission`)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var role, perm string
		if err := rows.Scan(&role, &perm); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if r := byCode[role]; r != nil {
			r.Permissions = append(r.Permissions, perm)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT role, entity, field, view, edit FROM role_fields ORDER BY role, entity, field`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var role, view string
		var fr FieldRule
		var edit int
		if err := rows.Scan(&role, &fr.Entity, &fr.Field, &view, &edit); err != nil {
			return nil, nil, err
		}
		if fr.View, err = ParseView(view); err != nil {
			return nil, nil, err
		}
		fr.Edit = edit != 0
		if r := byCode[role]; r != nil {
			r.Fields = append(r.Fields, fr)
		}
	}
	return byCode, order, rows.Err()
}

// Permission is an entry of the permissions table.
type Permission struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Permissions lists the permissions roles may carry.
func (s *Service) Permissions(ctx context.Context) ([]Permission, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM permissions ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Permission
	for rows.Next() {
		var p Permission
		if err := rows.Scan(&p.Code, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Departments lists the functional departments.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM departments ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ErrConflict is returned when a role was changed by someone else since it
// was read.
var ErrConflict = fault.New(fault.Conflict, "该角色已被他人修改,请刷新后重试")

// SaveRole creates or replaces a role's name, description, place,
// permissions and field set. To replace, r.Version must be the version the
// editor read; otherwise ErrConflict. A changed role takes effect for every
// user holding it at their next request (in other processes within
// cacheFor).
func (s *Service) SaveRole(ctx context.Context, r Role, entities map[string][]string) error {
	fe := fault.Fields{}
	r.Code = strings.TrimSpace(r.Code)
	r.Name = strings.TrimSpace(r.Name)
	if !roleCode.MatchString(r.Code) {
		fe["code"] = "角色代码应为2到40位小写字母、数字或下划线,以字母开头"
	}
	if r.Name == "" {
		fe["name"] = "请填写角色名称"
	}
	if _, ok := PlaceNames[r.Place]; !ok {
		fe["place"] = "请选择授权范围类型"
	}
	perms, err := s.Permissions(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, p := range perms {
		known[p.Code] = true
	}
	for _, p := range r.Permissions {
		if !known[p] {
			fe["permissions"] = fmt.Sprintf("未知权限 %q", p)
		}
	}
	for _, f := range r.Fields {
		names, ok := entities[f.Entity]
		if !ok {
			fe["fields"] = fmt.Sprintf("未知的信息类别 %q", f.Entity)
			continue
		}
		if f.Field != Wildcard && !slices.Contains(names, f.Field) {
			fe["fields"] = fmt.Sprintf("%s 没有字段 %q", f.Entity, f.Field)
		}
	}
	if len(fe) > 0 {
		return fe
	}
	var dept any
	if r.Department != "" {
		dept = r.Department
	}
	all := 0
	if r.AllFields {
		all = 1
	}
	now := database.FormatTime(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var version int
		err := tx.QueryRowContext(ctx, `SELECT version FROM roles WHERE code = $1`, r.Code).Scan(&version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO roles (code, name, description, place, department, all_fields, sort, version, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 500, 1, $7)`, r.Code, r.Name, r.Description, r.Place, dept, all, now); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if r.Version != version {
				return ErrConflict
			}
			if _, err := tx.ExecContext(ctx, `UPDATE roles SET name = $1, description = $2, place = $3, department = $4,
				all_fields = $5, version = version + 1, updated_at = $6 WHERE code = $7`,
				r.Name, r.Description, r.Place, dept, all, now, r.Code); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role = $1`, r.Code); err != nil {
			return err
		}
		for _, p := range r.Permissions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO role_permissions (role, permission) VALUES ($1, $2)`, r.Code, p); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_fields WHERE role = $1`, r.Code); err != nil {
			return err
		}
		for _, f := range r.Fields {
			edit := 0
			if f.Edit {
				edit = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO role_fields (role, entity, field, view, edit) VALUES ($1, $2, $3, $4, $5)`,
				r.Code, f.Entity, f.Field, f.View.String(), edit); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.invalidate()
	}
	return err
}
