package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Category is a 大类 (Parent "") or a 小类 of events. A 小类's empty Level
// or Department is its 大类's.
type Category struct {
	Code        string `json:"code"`
	Parent      string `json:"parent,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Level       string `json:"level,omitempty"`      // default handling level: community, street, district
	Department  string `json:"department,omitempty"` // 归口部门
	Kind        string `json:"kind"`                 // general, dispute
	Public      bool   `json:"public"`
	Active      bool   `json:"active"`
	Sort        int    `json:"sort"`
	Version     int    `json:"version"`
}

// Category kinds.
const (
	KindGeneral = "general"
	KindDispute = "dispute" // 矛盾纠纷: the event carries a mediation record
)

// Limit is a time limit: Amount Units.
type Limit struct {
	Amount int    `json:"amount"`
	Unit   string `json:"unit"` // minutes, hours, days, work_hours, work_days
}

// Limit units.
const (
	UnitMinutes   = "minutes"
	UnitHours     = "hours"
	UnitDays      = "days"
	UnitWorkHours = "work_hours"
	UnitWorkDays  = "work_days"
)

// UnitNames gives the Chinese name of each unit.
var UnitNames = map[string]string{UnitMinutes: "分钟", UnitHours: "小时", UnitDays: "自然日",
	UnitWorkHours: "工作小时", UnitWorkDays: "工作日"}

func (l Limit) String() string {
	if l.Amount == 0 {
		return ""
	}
	return strconv.Itoa(l.Amount) + " " + UnitNames[l.Unit]
}

// From returns the deadline of the limit counted from t on the calendar.
func (l Limit) From(cal *workdays.Calendar, t time.Time) time.Time {
	switch l.Unit {
	case UnitMinutes:
		return t.Add(time.Duration(l.Amount) * time.Minute)
	case UnitHours:
		return t.Add(time.Duration(l.Amount) * time.Hour)
	case UnitDays:
		return t.AddDate(0, 0, l.Amount)
	case UnitWorkHours:
		return cal.AddWorkingHours(t, time.Duration(l.Amount)*time.Hour)
	case UnitWorkDays:
		return cal.AddWorkdays(t, l.Amount)
	}
	return time.Time{}
}

// Catalogue is the categories and time limits, read together.
type Catalogue struct {
	list     []Category
	byCode   map[string]*Category
	limits   map[string]Limit // category|step|urgency
	settings map[string]string
	loaded   time.Time
}

// Categories lists every category, 大类 followed by their 小类.
func (c *Catalogue) Categories() []Category { return append([]Category(nil), c.list...) }

// Get returns a category.
func (c *Catalogue) Get(code string) (Category, bool) {
	p, ok := c.byCode[code]
	if !ok {
		return Category{}, false
	}
	return *p, true
}

// Name is the category's name with its 大类: 市容环境/暴露垃圾.
func (c *Catalogue) Name(code string) string {
	p, ok := c.byCode[code]
	if !ok {
		return code
	}
	if par, ok := c.byCode[p.Parent]; ok {
		return par.Name + "/" + p.Name
	}
	return p.Name
}

// Effective is the category with its 大类's defaults filled in.
func (c *Catalogue) Effective(code string) Category {
	p, ok := c.byCode[code]
	if !ok {
		return Category{Code: code, Kind: KindGeneral, Level: LevelCommunity}
	}
	out := *p
	if par, ok := c.byCode[p.Parent]; ok {
		if out.Level == "" {
			out.Level = par.Level
		}
		if out.Department == "" {
			out.Department = par.Department
		}
	}
	if out.Level == "" {
		out.Level = LevelCommunity
	}
	return out
}

// Limit is the time limit of a step for a category and urgency: the
// 小类's own, else its 大类's, else the default.
func (c *Catalogue) Limit(category, step, urgency string) Limit {
	code := category
	for i := 0; i < 3 && code != ""; i++ {
		if l, ok := c.limits[code+"|"+step+"|"+urgency]; ok {
			return l
		}
		p, ok := c.byCode[code]
		if !ok {
			break
		}
		code = p.Parent
	}
	return c.limits["*|"+step+"|"+urgency]
}

// OwnLimits are the limits set on one category ("*" for the defaults),
// by step and urgency.
func (c *Catalogue) OwnLimits(category string) map[string]Limit {
	out := map[string]Limit{}
	for k, l := range c.limits {
		if cat, rest, _ := strings.Cut(k, "|"); cat == category {
			out[rest] = l
		}
	}
	return out
}

// Setting returns a supervision setting.
func (c *Catalogue) Setting(name string) string { return c.settings[name] }

// Children lists the 小类 of a 大类 ("" for the 大类 themselves).
func (c *Catalogue) Children(parent string) []Category {
	var out []Category
	for _, p := range c.list {
		if p.Parent == parent {
			out = append(out, p)
		}
	}
	return out
}

func loadCatalogue(ctx context.Context, q database.Querier) (*Catalogue, error) {
	c := &Catalogue{byCode: map[string]*Category{}, limits: map[string]Limit{}, settings: map[string]string{}}
	rows, err := q.QueryContext(ctx, `SELECT code, COALESCE(parent, ''), name, description, level, COALESCE(department, ''),
		kind, public, active, sort, version FROM event_categories`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p Category
		var pub, act int
		if err := rows.Scan(&p.Code, &p.Parent, &p.Name, &p.Description, &p.Level, &p.Department, &p.Kind,
			&pub, &act, &p.Sort, &p.Version); err != nil {
			rows.Close()
			return nil, err
		}
		p.Public, p.Active = pub != 0, act != 0
		c.list = append(c.list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// 大类 in order, each followed by its 小类 in order.
	sortKey := map[string][2]int{}
	for _, p := range c.list {
		if p.Parent == "" {
			sortKey[p.Code] = [2]int{p.Sort, -1}
		}
	}
	for _, p := range c.list {
		if p.Parent != "" {
			sortKey[p.Code] = [2]int{sortKey[p.Parent][0], p.Sort}
		}
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := sortKey[c.list[i].Code], sortKey[c.list[j].Code]
		if a != b {
			if a[0] != b[0] {
				return a[0] < b[0]
			}
			return a[1] < b[1]
		}
		return c.list[i].Code < c.list[j].Code
	})
	for i := range c.list {
		c.byCode[c.list[i].Code] = &c.list[i]
	}
	rows, err = q.QueryContext(ctx, `SELECT category, step, urgency, amount, unit FROM event_time_limits`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var cat, step, urg string
		var l Limit
		if err := rows.Scan(&cat, &step, &urg, &l.Amount, &l.Unit); err != nil {
			rows.Close()
			return nil, err
		}
		c.limits[cat+"|"+step+"|"+urg] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT name, value FROM event_settings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		c.settings[k] = v
	}
	return c, rows.Err()
}

var categoryCode = regexp.MustCompile(`^[a-z][a-z0-9_]{0,19}(\.[a-z0-9_]{1,30})?$`)

// SaveCategory creates or changes a category (events.manage). A change must
// carry the version it was read at; a stale one is refused.
func (s *Store) SaveCategory(ctx context.Context, p Category) error {
	fe := fault.Fields{}
	p.Code = strings.TrimSpace(p.Code)
	p.Name = strings.TrimSpace(p.Name)
	if !categoryCode.MatchString(p.Code) {
		fe["code"] = "编码应为小写字母开头的英文、数字,小类写作 大类.小类,如 env.garbage"
	}
	if p.Name == "" {
		fe["name"] = "请填写名称"
	}
	if p.Level != "" && LevelNames[p.Level] == "" {
		fe["level"] = "处置层级应为 社区、街道 或 区县"
	}
	if p.Kind == "" {
		p.Kind = KindGeneral
	}
	if p.Kind != KindGeneral && p.Kind != KindDispute {
		fe["kind"] = "类型应为 一般 或 矛盾纠纷"
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	if p.Parent != "" {
		par, ok := cat.Get(p.Parent)
		if !ok || par.Parent != "" {
			fe["parent"] = "所属大类不存在"
		} else if !strings.HasPrefix(p.Code, p.Parent+".") {
			fe["code"] = "小类编码应以所属大类编码加点开头,如 " + p.Parent + ".xxx"
		}
	} else if strings.Contains(p.Code, ".") {
		fe["code"] = "大类编码不能含点;小类请选择所属大类"
	}
	if p.Department != "" {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE code = $1`, p.Department).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe["department"] = "部门不存在"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	now := database.FormatTime(s.now())
	var dept any
	if p.Department != "" {
		dept = p.Department
	}
	var parent any
	if p.Parent != "" {
		parent = p.Parent
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var version int
		err := tx.QueryRowContext(ctx, `SELECT version FROM event_categories WHERE code = $1`, p.Code).Scan(&version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO event_categories (code, parent, name, description, level, department,
				kind, public, active, sort, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				p.Code, parent, p.Name, p.Description, p.Level, dept, p.Kind, b2i(p.Public), b2i(p.Active), p.Sort, now)
			return err
		case err != nil:
			return err
		}
		if p.Version != version {
			return fault.Fields{"version": fmt.Sprintf("该分类已被他人修改(当前第 %d 版),请刷新后再改", version)}
		}
		_, err = tx.ExecContext(ctx, `UPDATE event_categories SET name = $1, description = $2, level = $3, department = $4,
			kind = $5, public = $6, active = $7, sort = $8, version = version + 1, updated_at = $9 WHERE code = $10`,
			p.Name, p.Description, p.Level, dept, p.Kind, b2i(p.Public), b2i(p.Active), p.Sort, now, p.Code)
		return err
	})
	s.invalidate()
	return err
}

// SetLimit sets (or, with Amount 0, removes) a category's time limit for a
// step and urgency; category "*" is the default.
func (s *Store) SetLimit(ctx context.Context, category, step, urgency string, l Limit) error {
	fe := fault.Fields{}
	if StepNames[step] == "" {
		fe["step"] = "环节无效"
	}
	if UrgencyNames[urgency] == "" {
		fe["urgency"] = "紧急程度无效"
	}
	if l.Amount < 0 || l.Amount > 10000 {
		fe["amount"] = "时限应为 1 到 10000 之间的整数"
	}
	if l.Amount > 0 && UnitNames[l.Unit] == "" {
		fe["unit"] = "时限单位无效"
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	if _, ok := cat.Get(category); !ok && category != "*" {
		fe["category"] = "分类不存在"
	}
	if l.Amount == 0 && category == "*" {
		fe["amount"] = "默认时限不能删除"
	}
	if len(fe) > 0 {
		return fe
	}
	if l.Amount == 0 {
		_, err = s.db.ExecContext(ctx, `DELETE FROM event_time_limits WHERE category = $1 AND step = $2 AND urgency = $3`,
			category, step, urgency)
	} else {
		_, err = s.db.ExecContext(ctx, `INSERT INTO event_time_limits (category, step, urgency, amount, unit) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (category, step, urgency) DO UPDATE SET amount = excluded.amount, unit = excluded.unit`,
			category, step, urgency, l.Amount, l.Unit)
	}
	s.invalidate()
	return err
}

// SetSetting changes a supervision setting (warn_percent, red_after,
// red_after_unit).
func (s *Store) SetSetting(ctx context.Context, name, value string) error {
	switch name {
	case "warn_percent", "red_after":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || (name == "warn_percent" && n > 99) || n > 1000 {
			return fault.Fields{name: "应为正整数(预警百分比在 1 到 99 之间)"}
		}
	case "red_after_unit":
		if UnitNames[value] == "" {
			return fault.Fields{name: "时限单位无效"}
		}
	default:
		return fault.Fields{name: "未知的设置项"}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO event_settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	s.invalidate()
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
