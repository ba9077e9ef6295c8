package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/register"
)

// Template is a report form: 大类 (Sections) > 小类 (Subs) > 项 (Items).
type Template struct {
	ID          int64      `json:"id"`
	Code        string     `json:"code"`
	Name        string     `json:"name"`
	Frequency   string     `json:"frequency"`
	Department  string     `json:"department,omitempty"`
	Description string     `json:"description,omitempty"`
	Sample      bool       `json:"sample"`
	Sheet       string     `json:"sheet"`
	TitleCell   string     `json:"title_cell"`
	UnitCell    string     `json:"unit_cell"`
	PeriodCell  string     `json:"period_cell"`
	Version     int        `json:"version"`
	UpdatedAt   string     `json:"updated_at"`
	UpdatedBy   string     `json:"updated_by"`
	Sections    []*Section `json:"sections,omitempty"`
}

// Section is a 大类 (with Subs) or a 小类 (with Items).
type Section struct {
	ID       int64      `json:"id"`
	ParentID int64      `json:"parent_id,omitempty"`
	Name     string     `json:"name"`
	Sort     int        `json:"sort"`
	Subs     []*Section `json:"subs,omitempty"`
	Items    []*Item    `json:"items,omitempty"`
}

// Item is a 项: one indicator on the form.
type Item struct {
	ID         int64  `json:"id"`
	SectionID  int64  `json:"section_id"`
	Sort       int    `json:"sort"`
	Label      string `json:"label"`
	Indicator  string `json:"indicator"`
	Department string `json:"department,omitempty"`
	Frequency  string `json:"frequency"`
	Cell       string `json:"cell"`
}

// Items lists the template's items in form order.
func (t *Template) Items() []*Item {
	var out []*Item
	for _, c := range t.Sections {
		for _, s := range c.Subs {
			out = append(out, s.Items...)
		}
	}
	return out
}

// Counts returns how many 大类, 小类 and 项 the template has.
func (t *Template) Counts() (categories, subs, items int) {
	for _, c := range t.Sections {
		categories++
		for _, s := range c.Subs {
			subs++
			items += len(s.Items)
		}
	}
	return
}

const templateColumns = `id, code, name, frequency, COALESCE(department, ''), description, sample, sheet,
	title_cell, unit_cell, period_cell, version, updated_at, updated_by`

func scanTemplate(row interface{ Scan(...any) error }) (*Template, error) {
	t := &Template{}
	var sample int
	err := row.Scan(&t.ID, &t.Code, &t.Name, &t.Frequency, &t.Department, &t.Description, &sample, &t.Sheet,
		&t.TitleCell, &t.UnitCell, &t.PeriodCell, &t.Version, &t.UpdatedAt, &t.UpdatedBy)
	t.Sample = sample != 0
	return t, err
}

// Templates lists the templates (without their sections).
func (s *Service) Templates(ctx context.Context) ([]*Template, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+templateColumns+` FROM report_templates ORDER BY sample, name, id`)
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

// Template returns a template with its sections and items, by id or code.
func (s *Service) Template(ctx context.Context, idOrCode string) (*Template, error) {
	var row *sql.Row
	var id int64
	if _, err := fmt.Sscan(idOrCode, &id); err == nil && fmt.Sprint(id) == idOrCode {
		row = s.db.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM report_templates WHERE id = $1 OR code = $2`, id, idOrCode)
	} else {
		row = s.db.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM report_templates WHERE code = $1`, idOrCode)
	}
	t, err := scanTemplate(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return t, s.loadSections(ctx, s.db, t)
}

func (s *Service) loadSections(ctx context.Context, q database.Querier, t *Template) error {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), name, sort FROM report_sections
		WHERE template_id = $1 ORDER BY sort, id`, t.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*Section{}
	var all []*Section
	for rows.Next() {
		sec := &Section{}
		if err := rows.Scan(&sec.ID, &sec.ParentID, &sec.Name, &sec.Sort); err != nil {
			rows.Close()
			return err
		}
		byID[sec.ID] = sec
		all = append(all, sec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.Sections = nil
	for _, sec := range all {
		if sec.ParentID == 0 {
			t.Sections = append(t.Sections, sec)
		} else if p := byID[sec.ParentID]; p != nil {
			p.Subs = append(p.Subs, sec)
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT id, section_id, sort, label, indicator, COALESCE(department, ''), frequency, cell
		FROM report_items WHERE template_id = $1 ORDER BY sort, id`, t.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		it := &Item{}
		if err := rows.Scan(&it.ID, &it.SectionID, &it.Sort, &it.Label, &it.Indicator, &it.Department, &it.Frequency, &it.Cell); err != nil {
			return err
		}
		if sec := byID[it.SectionID]; sec != nil {
			sec.Items = append(sec.Items, it)
		}
	}
	return rows.Err()
}

var cellPattern = regexp.MustCompile(`^[A-Z]{1,3}[1-9][0-9]{0,6}$`)

// validateTemplate checks a template and its items against the indicators;
// errors are keyed by form field ("items.3.cell" for the fourth item).
func validateTemplate(t *Template, inds map[string]indicators.Indicator, depts map[string]bool) error {
	fe := register.FieldErrors{}
	t.Code, t.Name = strings.TrimSpace(t.Code), strings.TrimSpace(t.Name)
	if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,39}$`).MatchString(t.Code) {
		fe["code"] = "模板编码应以字母开头,由字母、数字、点、横线或下划线组成"
	}
	if t.Name == "" {
		fe["name"] = "请填写模板名称"
	}
	if _, ok := indicators.FrequencyNames[t.Frequency]; !ok {
		fe["frequency"] = "报送频次应为 月报、季报 或 年报"
	}
	if t.Department != "" && !depts[t.Department] {
		fe["department"] = "部门不存在"
	}
	if t.Sheet == "" {
		t.Sheet = "报表"
	}
	for _, c := range []struct {
		field string
		cell  *string
	}{{"title_cell", &t.TitleCell}, {"unit_cell", &t.UnitCell}, {"period_cell", &t.PeriodCell}} {
		*c.cell = strings.ToUpper(strings.TrimSpace(*c.cell))
		if *c.cell != "" && !cellPattern.MatchString(*c.cell) {
			fe[c.field] = fmt.Sprintf("单元格「%s」无效,应形如 A1", *c.cell)
		}
	}
	cells := map[string]string{}
	n := 0
	for _, c := range t.Sections {
		if strings.TrimSpace(c.Name) == "" {
			fe[fmt.Sprintf("sections.%d.name", c.Sort)] = "大类名称不能为空"
		}
		for _, sub := range c.Subs {
			if strings.TrimSpace(sub.Name) == "" {
				fe[fmt.Sprintf("sections.%d.name", sub.Sort)] = "小类名称不能为空"
			}
			for _, it := range sub.Items {
				key := fmt.Sprintf("items.%d", n)
				n++
				ind, ok := inds[it.Indicator]
				if !ok {
					fe[key+".indicator"] = fmt.Sprintf("指标 %s 不存在", it.Indicator)
				}
				if it.Label == "" && ok {
					it.Label = ind.Name
				}
				if it.Frequency == "" {
					it.Frequency = t.Frequency
				}
				if _, ok := indicators.FrequencyNames[it.Frequency]; !ok {
					fe[key+".frequency"] = "频次应为 月报、季报 或 年报"
				}
				if it.Department != "" && !depts[it.Department] {
					fe[key+".department"] = "部门不存在"
				}
				it.Cell = strings.ToUpper(strings.TrimSpace(it.Cell))
				if it.Cell != "" {
					if !cellPattern.MatchString(it.Cell) {
						fe[key+".cell"] = fmt.Sprintf("单元格「%s」无效,应形如 E12", it.Cell)
					} else if other, dup := cells[it.Cell]; dup {
						fe[key+".cell"] = fmt.Sprintf("单元格 %s 已用于「%s」", it.Cell, other)
					}
					cells[it.Cell] = it.Label
				}
			}
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// SaveTemplate creates (ID 0) or replaces a template with its sections and
// items, in one transaction, refusing a stale version.
func (s *Service) SaveTemplate(ctx context.Context, by string, t *Template) error {
	inds, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return err
	}
	ds, err := s.Departments(ctx)
	if err != nil {
		return err
	}
	depts := map[string]bool{}
	for _, d := range ds {
		depts[d.Code] = true
	}
	if err := validateTemplate(t, inds, depts); err != nil {
		return err
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.saveTemplateTx(ctx, tx, by, now, t)
	})
}

func (s *Service) saveTemplateTx(ctx context.Context, tx *sql.Tx, by, now string, t *Template) error {
	sample := 0
	if t.Sample {
		sample = 1
	}
	if t.ID == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_templates WHERE code = $1`, t.Code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return register.FieldErrors{"code": fmt.Sprintf("模板编码 %s 已存在", t.Code)}
		}
		t.ID = database.NewID()
		t.Version = 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_templates (id, code, name, frequency, department, description,
			sample, sheet, title_cell, unit_cell, period_cell, version, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13)`,
			t.ID, t.Code, t.Name, t.Frequency, nullText(t.Department), t.Description, sample, t.Sheet,
			t.TitleCell, t.UnitCell, t.PeriodCell, now, by); err != nil {
			return err
		}
	} else {
		var cur int
		var curBy, curAt string
		err := tx.QueryRowContext(ctx, `SELECT version, updated_by, updated_at FROM report_templates WHERE id = $1`, t.ID).
			Scan(&cur, &curBy, &curAt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cur != t.Version {
			return &ConflictError{What: "报表模板「" + t.Name + "」", By: curBy, At: curAt, Current: cur, Attempted: t.Version}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report_templates SET code = $1, name = $2, frequency = $3, department = $4,
			description = $5, sheet = $6, title_cell = $7, unit_cell = $8, period_cell = $9, version = version + 1,
			updated_at = $10, updated_by = $11 WHERE id = $12`,
			t.Code, t.Name, t.Frequency, nullText(t.Department), t.Description, t.Sheet, t.TitleCell, t.UnitCell,
			t.PeriodCell, now, by, t.ID); err != nil {
			return err
		}
		t.Version++
		for _, table := range []string{"report_items", "report_sections"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE template_id = $1`, t.ID); err != nil {
				return err
			}
		}
	}
	t.UpdatedAt, t.UpdatedBy = now, by
	sort := 0
	for _, c := range t.Sections {
		sort++
		if c.ID == 0 {
			c.ID = database.NewID()
		}
		c.Sort = sort
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_sections (template_id, id, parent_id, name, sort)
			VALUES ($1, $2, NULL, $3, $4)`, t.ID, c.ID, c.Name, c.Sort); err != nil {
			return err
		}
		for _, sub := range c.Subs {
			sort++
			if sub.ID == 0 {
				sub.ID = database.NewID()
			}
			sub.ParentID, sub.Sort = c.ID, sort
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_sections (template_id, id, parent_id, name, sort)
				VALUES ($1, $2, $3, $4, $5)`, t.ID, sub.ID, c.ID, sub.Name, sub.Sort); err != nil {
				return err
			}
			for _, it := range sub.Items {
				sort++
				if it.ID == 0 {
					it.ID = database.NewID()
				}
				it.SectionID, it.Sort = sub.ID, sort
				if _, err := tx.ExecContext(ctx, `INSERT INTO report_items (template_id, id, section_id, sort, label,
					indicator, department, frequency, cell) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					t.ID, it.ID, sub.ID, it.Sort, it.Label, it.Indicator, nullText(it.Department), it.Frequency, it.Cell); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// DeleteTemplate removes a template that no community has signed.
func (s *Service) DeleteTemplate(ctx context.Context, id int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_signoffs WHERE template_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("该模板已有 %d 次确认记录,不能删除", n)
		}
		for _, table := range []string{"report_items", "report_sections"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE template_id = $1`, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM report_templates WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// sortedCodes lists map keys in order, for stable messages.
func sortedCodes(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SaveItem changes an item of a template (ID set) or adds one to the 小类
// section (ID 0), refusing a stale template version.
func (s *Service) SaveItem(ctx context.Context, by string, templateID int64, version int, section int64, it Item) (*Template, error) {
	t, err := s.Template(ctx, fmt.Sprint(templateID))
	if err != nil {
		return nil, err
	}
	if t.Version != version {
		return nil, &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	found := false
	for _, c := range t.Sections {
		for _, sub := range c.Subs {
			if it.ID == 0 && sub.ID == section {
				sub.Items = append(sub.Items, &Item{Label: it.Label, Indicator: it.Indicator, Department: it.Department,
					Frequency: it.Frequency, Cell: it.Cell})
				found = true
			}
			for _, x := range sub.Items {
				if it.ID != 0 && x.ID == it.ID {
					x.Label, x.Indicator, x.Department, x.Frequency, x.Cell = it.Label, it.Indicator, it.Department, it.Frequency, it.Cell
					found = true
				}
			}
		}
	}
	if !found {
		return nil, ErrNotFound
	}
	return t, s.SaveTemplate(ctx, by, t)
}

// DeleteItem removes an item from a template.
func (s *Service) DeleteItem(ctx context.Context, by string, templateID int64, version int, itemID int64) error {
	t, err := s.Template(ctx, fmt.Sprint(templateID))
	if err != nil {
		return err
	}
	if t.Version != version {
		return &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	found := false
	for _, c := range t.Sections {
		for _, sub := range c.Subs {
			for i, x := range sub.Items {
				if x.ID == itemID {
					sub.Items = append(sub.Items[:i], sub.Items[i+1:]...)
					found = true
					break
				}
			}
		}
	}
	if !found {
		return ErrNotFound
	}
	return s.SaveTemplate(ctx, by, t)
}
