package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// Template is a report form: 大类 (Sections) > 小类 (Subs) > 项 (Items).
type Template struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Frequency   string `json:"frequency"`
	Department  string `json:"department,omitempty"`
	Description string `json:"description,omitempty"`
	Sample      bool   `json:"sample"`
	Sheet       string `json:"sheet"`
	TitleCell   string `json:"title_cell"`
	UnitCell    string `json:"unit_cell"`
	PeriodCell  string `json:"period_cell"`
	// WorkItemID is the catalogue item authorising the report; 0 is work
	// not admitted (未准入).
	WorkItemID int64      `json:"work_item_id,omitempty"`
	Version    int        `json:"version"`
	UpdatedAt  string     `json:"updated_at"`
	UpdatedBy  string     `json:"updated_by"`
	Sections   []*Section `json:"sections,omitempty"`
	// Form is the department's blank form, when one is uploaded (its
	// description; the file itself is read by BlankForm).
	Form *FormInfo `json:"form,omitempty"`
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
	title_cell, unit_cell, period_cell, COALESCE(work_item_id, 0), version, updated_at, updated_by`

func scanTemplate(row interface{ Scan(...any) error }) (*Template, error) {
	t := &Template{}
	var sample int
	err := row.Scan(&t.ID, &t.Code, &t.Name, &t.Frequency, &t.Department, &t.Description, &sample, &t.Sheet,
		&t.TitleCell, &t.UnitCell, &t.PeriodCell, &t.WorkItemID, &t.Version, &t.UpdatedAt, &t.UpdatedBy)
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
	if t.Form, err = s.formInfo(ctx, t.ID); err != nil {
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

// freqRank orders the frequencies from the most frequent.
var freqRank = map[string]int{indicators.Monthly: 1, indicators.Quarterly: 2, indicators.Yearly: 3}

var cellPattern = regexp.MustCompile(`^[A-Z]{1,3}[1-9][0-9]{0,6}$`)

// validateTemplate checks a template and its items against the indicators;
// errors are keyed by form field ("items.3.cell" for the fourth item).
func validateTemplate(t *Template, inds map[string]indicators.Indicator, depts map[string]bool) error {
	fe := fault.Fields{}
	t.Code, t.Name = strings.TrimSpace(t.Code), strings.TrimSpace(t.Name)
	if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,39}$`).MatchString(t.Code) {
		fe["code"] = "模板编码应以字母开头,由字母、数字、点、横线或下划线组成"
	}
	if t.Name == "" {
		fe["name"] = "请填写模板名称"
	} else if utf8.RuneCountInString(t.Name) > 100 {
		fe["name"] = "模板名称不超过 100 个字"
	}
	if utf8.RuneCountInString(t.Description) > 1000 {
		fe["description"] = "说明不超过 1000 个字"
	}
	if _, ok := indicators.FrequencyNames[t.Frequency]; !ok {
		fe["frequency"] = "报送频次应为 月报、季报 或 年报"
	}
	if t.Department != "" && !depts[t.Department] {
		fe["department"] = "部门不存在"
	}
	t.Sheet = strings.TrimSpace(t.Sheet)
	if t.Sheet == "" {
		t.Sheet = "报表"
	}
	// Excel's own rules for sheet names: a form whose sheet Excel cannot
	// name could never be uploaded.
	if utf8.RuneCountInString(t.Sheet) > 31 || strings.ContainsAny(t.Sheet, `:\/?*[]`) || strings.HasPrefix(t.Sheet, "'") ||
		strings.HasSuffix(t.Sheet, "'") {
		fe["sheet"] = "工作表名称不超过 31 个字,不能含 : \\ / ? * [ ],不能以单引号开头或结尾"
	}
	// The title, unit and period cells, then the items' cells: each cell
	// holds one thing, else one value would overwrite another on the form.
	cells := map[string]string{}
	for _, c := range []struct {
		field, what string
		cell        *string
	}{{"title_cell", "标题", &t.TitleCell}, {"unit_cell", "填报单位", &t.UnitCell}, {"period_cell", "报告期", &t.PeriodCell}} {
		*c.cell = strings.ToUpper(strings.TrimSpace(*c.cell))
		switch {
		case *c.cell == "":
		case !cellPattern.MatchString(*c.cell):
			fe[c.field] = fmt.Sprintf("单元格「%s」无效,应形如 A1", *c.cell)
		case cells[*c.cell] != "":
			fe[c.field] = fmt.Sprintf("单元格 %s 已用于%s", *c.cell, cells[*c.cell])
		default:
			cells[*c.cell] = c.what
		}
	}
	header := map[string]string{}
	for k, v := range cells {
		header[k] = v
	}
	fields := map[string]string{"标题": "title_cell", "填报单位": "unit_cell", "报告期": "period_cell"}
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
				} else if freqRank[it.Frequency] < freqRank[t.Frequency] {
					// A monthly item of a yearly form would never be due:
					// it would silently never appear.
					fe[key+".frequency"] = fmt.Sprintf("「%s」为%s,%s模板中永远不会报送;请改为%s或更长的频次", it.Label,
						indicators.FrequencyNames[it.Frequency], indicators.FrequencyNames[t.Frequency], indicators.FrequencyNames[t.Frequency])
				}
				if it.Department != "" && !depts[it.Department] {
					fe[key+".department"] = "部门不存在"
				}
				it.Cell = strings.ToUpper(strings.TrimSpace(it.Cell))
				if it.Cell != "" {
					if !cellPattern.MatchString(it.Cell) {
						fe[key+".cell"] = fmt.Sprintf("单元格「%s」无效,应形如 E12", it.Cell)
					} else if what, dup := header[it.Cell]; dup {
						// Said at both fields: the item's form and the
						// template's each show their own.
						fe[key+".cell"] = fmt.Sprintf("单元格 %s 已用于%s", it.Cell, what)
						fe[fields[what]] = fmt.Sprintf("单元格 %s 已用于报表项「%s」", it.Cell, it.Label)
					} else if other, dup := cells[it.Cell]; dup {
						fe[key+".cell"] = fmt.Sprintf("单元格 %s 已用于%s", it.Cell, other)
					}
					if _, dup := cells[it.Cell]; !dup {
						cells[it.Cell] = "「" + it.Label + "」"
					}
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
	if err := s.validate(ctx, t); err != nil {
		return err
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.saveTemplateTx(ctx, tx, by, now, t)
	})
}

// validate checks a template against the current indicators and
// departments (see validateTemplate).
func (s *Service) validate(ctx context.Context, t *Template) error {
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
	err = validateTemplate(t, inds, depts)
	if t.WorkItemID == 0 {
		return err
	}
	var n int
	if qerr := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_items WHERE id = $1 AND status = 'admitted'`,
		t.WorkItemID).Scan(&n); qerr != nil {
		return qerr
	}
	if n > 0 {
		return err
	}
	fe, _ := err.(fault.Fields)
	if fe == nil && err != nil {
		return err
	}
	if fe == nil {
		fe = fault.Fields{}
	}
	fe["work_item_id"] = "社区工作事项清单中没有这个已准入事项"
	return fe
}

// nullID stores an absent reference as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
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
			return fault.Fields{"code": fmt.Sprintf("模板编码 %s 已存在", t.Code)}
		}
		t.ID = database.NewID()
		t.Version = 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_templates (id, code, name, frequency, department, description,
			sample, sheet, title_cell, unit_cell, period_cell, version, updated_at, updated_by, work_item_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14)`,
			t.ID, t.Code, t.Name, t.Frequency, nullText(t.Department), t.Description, sample, t.Sheet,
			t.TitleCell, t.UnitCell, t.PeriodCell, now, by, nullID(t.WorkItemID)); err != nil {
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
		conflict := &ConflictError{What: "报表模板「" + t.Name + "」", By: curBy, At: curAt, Current: cur, Attempted: t.Version}
		if cur != t.Version {
			return conflict
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_templates WHERE code = $1 AND id <> $2`, t.Code, t.ID).
			Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fault.Fields{"code": fmt.Sprintf("模板编码 %s 已存在", t.Code)}
		}
		// The version in the WHERE: of two editors saving at once on
		// PostgreSQL, the second finds the row changed and conflicts.
		res, err := tx.ExecContext(ctx, `UPDATE report_templates SET code = $1, name = $2, frequency = $3, department = $4,
			description = $5, sheet = $6, title_cell = $7, unit_cell = $8, period_cell = $9, version = version + 1,
			updated_at = $10, updated_by = $11, work_item_id = $14 WHERE id = $12 AND version = $13`,
			t.Code, t.Name, t.Frequency, nullText(t.Department), t.Description, t.Sheet, t.TitleCell, t.UnitCell,
			t.PeriodCell, now, by, t.ID, t.Version, nullID(t.WorkItemID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict
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

// DeleteTemplate removes a template at the version the caller saw, with
// its sections, items and blank form. The sample is refused (the reports'
// pages fall back to it), and so is a template any community has signed
// off, even if the sign-off was later revoked: the sign-offs are the record
// of what was reported.
func (s *Service) DeleteTemplate(ctx context.Context, id int64, version int) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var name, by, at string
		var cur, sample int
		err := tx.QueryRowContext(ctx, `SELECT name, version, sample, updated_by, updated_at FROM report_templates WHERE id = $1`, id).
			Scan(&name, &cur, &sample, &by, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if sample != 0 {
			return &RefusedError{Reason: "示例模板不能删除"}
		}
		if cur != version {
			return &ConflictError{What: "报表模板「" + name + "」", By: by, At: at, Current: cur, Attempted: version}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_signoffs WHERE template_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &RefusedError{Reason: fmt.Sprintf("报表模板「%s」已有 %d 次社区确认记录(含已撤销的),不能删除", name, n)}
		}
		for _, table := range []string{"report_items", "report_sections", "report_forms"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE template_id = $1`, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM report_templates WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{What: "报表模板「" + name + "」", By: by, At: at, Current: cur, Attempted: version}
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
	return s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		for _, c := range t.Sections {
			for _, sub := range c.Subs {
				if it.ID == 0 && sub.ID == section {
					sub.Items = append(sub.Items, &Item{Label: it.Label, Indicator: it.Indicator, Department: it.Department,
						Frequency: it.Frequency, Cell: it.Cell})
					return nil
				}
				for _, x := range sub.Items {
					if it.ID != 0 && x.ID == it.ID {
						x.Label, x.Indicator, x.Department, x.Frequency, x.Cell = it.Label, it.Indicator, it.Department, it.Frequency, it.Cell
						return nil
					}
				}
			}
		}
		return ErrNotFound
	})
}

// DeleteItem removes an item from a template.
func (s *Service) DeleteItem(ctx context.Context, by string, templateID int64, version int, itemID int64) error {
	_, err := s.editTemplate(ctx, by, templateID, version, func(t *Template) error {
		for _, c := range t.Sections {
			for _, sub := range c.Subs {
				for i, x := range sub.Items {
					if x.ID == itemID {
						sub.Items = append(sub.Items[:i], sub.Items[i+1:]...)
						return nil
					}
				}
			}
		}
		return ErrNotFound
	})
	return err
}
