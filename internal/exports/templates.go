// Package exports gives departments the register back in their own layout
// (一次采集、多方共享): export templates (导出模板) — a department's columns, in
// its order, with its headers — filled from the register with only the
// fields the department's role may see, as xlsx or csv, each export
// audited with its row count; and the change feed's cursor per department
// system, so that a system pulls what changed since its last confirmed
// pull.
package exports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Perm is the permission to export in a department's layout.
const Perm = "exports.department"

// Column is one column of a template.
type Column struct {
	Field  string `json:"field"`
	Header string `json:"header"`
}

// Template is a department's export layout.
type Template struct {
	ID             int64    `json:"id"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name,omitempty"`
	Name           string   `json:"name"`
	Tag            string   `json:"tag,omitempty"` // only the holders of this tag today
	Columns        []Column `json:"columns"`
	// WorkItemID is the catalogue item authorising the work this layout
	// serves; 0 is work not admitted (未准入).
	WorkItemID int64  `json:"work_item_id,omitempty"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at,omitempty"`
	UpdatedBy  string `json:"updated_by,omitempty"`
}

// Field is what a column may show.
type Field struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Entity string `json:"-"` // whose field set decides it: person, household, tag
}

// Fields lists what a template's columns may show.
var Fields = func() []Field {
	var out []Field
	for _, f := range register.Fields["person"] {
		if f == "employer_id" {
			continue
		}
		out = append(out, Field{Key: f, Label: register.FieldLabel("person", f), Entity: "person"})
	}
	return append(out,
		Field{Key: "household_number", Label: "户号", Entity: "household"},
		Field{Key: "community", Label: "所属社区", Entity: "unit"},
		Field{Key: "grid", Label: "所属网格", Entity: "unit"},
		Field{Key: "tag_started_on", Label: "标签开始日期", Entity: "tag"},
		Field{Key: "tag_ended_on", Label: "标签结束日期", Entity: "tag"},
		Field{Key: "tag_note", Label: "标签备注", Entity: "tag"},
	)
}()

func fieldOf(key string) (Field, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// ErrNotFound is returned for a template that does not exist or that the
// viewer may not use.
var ErrNotFound = fault.New(fault.NotFound, "导出模板不存在")

// Service keeps templates, runs exports and keeps feed cursors.
type Service struct {
	db  *database.DB
	reg *register.Store
	org *orgtree.Store
	now func() time.Time
}

// NewService returns a Service on db.
func NewService(db *database.DB) *Service {
	return &Service{db: db, reg: register.NewStore(db), org: orgtree.NewStore(db), now: time.Now}
}

const templateColumns = `t.id, t.department, COALESCE(d.name, t.department), t.name, t.tag, t.columns,
	COALESCE(t.work_item_id, 0), t.version, t.updated_at, t.updated_by`

func scanTemplate(row interface{ Scan(...any) error }) (*Template, error) {
	t := &Template{}
	var cols string
	if err := row.Scan(&t.ID, &t.Department, &t.DepartmentName, &t.Name, &t.Tag, &cols, &t.WorkItemID, &t.Version, &t.UpdatedAt,
		&t.UpdatedBy); err != nil {
		return nil, err
	}
	return t, json.Unmarshal([]byte(cols), &t.Columns)
}

// Templates lists the templates of the given departments (nil: every
// department), by department and name.
func (s *Service) Templates(ctx context.Context, departments []string) ([]*Template, error) {
	q := `SELECT ` + templateColumns + ` FROM export_templates t LEFT JOIN departments d ON d.code = t.department`
	a := s.db.Args()
	if departments != nil {
		if len(departments) == 0 {
			return nil, nil
		}
		q += ` WHERE ` + a.In("t.department", database.AnyOf(departments)...)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY COALESCE(d.sort, 0), t.name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Template returns one template.
func (s *Service) Template(ctx context.Context, id int64) (*Template, error) {
	t, err := scanTemplate(s.db.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM export_templates t
		LEFT JOIN departments d ON d.code = t.department WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return t, err
}

// SaveTemplate creates a template (ID 0) or changes one at the version it
// was read at, checking its name, columns and tag.
func (s *Service) SaveTemplate(ctx context.Context, by string, t *Template) error {
	fe := fault.Fields{}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 40 {
		fe["name"] = "模板名称不能为空,且不超过40字"
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE code = $1`, t.Department).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		fe["department"] = "部门不存在"
	}
	if t.Tag != "" {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tag_kinds WHERE code = $1`, t.Tag).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe["tag"] = "标签不存在"
		}
	}
	var item any
	if t.WorkItemID != 0 {
		item = t.WorkItemID
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_items WHERE id = $1 AND status = 'admitted'`, t.WorkItemID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe["work_item_id"] = "社区工作事项清单中没有这个已准入事项"
		}
	}
	var cols []Column
	for _, c := range t.Columns {
		c.Header = strings.TrimSpace(c.Header)
		if c.Field == "" && c.Header == "" {
			continue
		}
		f, ok := fieldOf(c.Field)
		switch {
		case !ok:
			fe["columns"] = "第 " + fmt.Sprint(len(cols)+1) + " 列的字段无效"
		case f.Entity == "tag" && t.Tag == "":
			fe["columns"] = "“" + f.Label + "”只能用于某一标签人员的模板,请先选择标签"
		}
		if c.Header == "" {
			c.Header = f.Label
		}
		if utf8.RuneCountInString(c.Header) > 30 {
			fe["columns"] = "列名不能超过30字"
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		fe["columns"] = "至少要有一列"
	}
	if len(fe) > 0 {
		return fe
	}
	t.Columns = cols
	cj, _ := json.Marshal(cols)
	now := database.FormatTime(s.now())
	if t.ID == 0 {
		t.ID, t.Version, t.UpdatedAt, t.UpdatedBy = database.NewID(), 1, now, by
		_, err := s.db.ExecContext(ctx, `INSERT INTO export_templates (id, department, name, tag, columns, version,
			updated_at, updated_by, work_item_id) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)`, t.ID, t.Department, t.Name, t.Tag,
			string(cj), now, by, item)
		if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
			return fault.Fields{"name": "该部门已有同名模板"}
		}
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE export_templates SET name = $1, tag = $2, columns = $3, version = version + 1,
		updated_at = $4, updated_by = $5, work_item_id = $9 WHERE id = $6 AND version = $7 AND department = $8`,
		t.Name, t.Tag, string(cj), now, by, t.ID, t.Version, t.Department, item)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return fault.Fields{"name": "该部门已有同名模板"}
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Fields{"version": "该模板在您打开后已被修改,请刷新后重新编辑"}
	}
	t.Version++
	t.UpdatedAt, t.UpdatedBy = now, by
	return nil
}
