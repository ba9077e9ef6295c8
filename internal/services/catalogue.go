package services

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// Levels of the handling chain and their queues.
const (
	LevelCommunity = "community" // 社区
	LevelStreet    = "street"    // 街道
	LevelDistrict  = "district"  // 区县
)

// LevelNames gives the Chinese name of each level.
var LevelNames = map[string]string{LevelCommunity: "社区", LevelStreet: "街道", LevelDistrict: "区县"}

// Permissions of the service hall (migration 030).
const (
	PermRead      = "services.read"
	PermIntake    = "services.intake"
	PermCertify   = "services.certify"
	PermManage    = "services.manage"
	permHandle    = "services.handle."
	PermCommunity = permHandle + LevelCommunity
	PermStreet    = permHandle + LevelStreet
	PermDistrict  = permHandle + LevelDistrict
)

// HandlePerm is the permission that handles stages of a level.
func HandlePerm(level string) string { return permHandle + level }

// Material is one item of an application's materials list.
type Material struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
	// Register names what the register holds instead of a photocopy:
	// "person" (the identity record), "household" (the household record),
	// "tag:CODE" (a service tag such as dibao), "certificate:CODE" (a
	// certificate the community issues itself).
	Register string `json:"register,omitempty"`
	Optional bool   `json:"optional,omitempty"`
}

// Stage is one step of the handling chain.
type Stage struct {
	Level string `json:"level"`
	Name  string `json:"name"`
	Days  int    `json:"days"` // working days allowed
}

// Item is a service item of the catalogue (服务事项).
type Item struct {
	Code        string     `json:"code"`
	Name        string     `json:"name"`
	Category    string     `json:"category"`
	Department  string     `json:"department,omitempty"`
	Conditions  string     `json:"conditions"`
	Materials   []Material `json:"materials"`
	Chain       []Stage    `json:"chain"`
	TimeLimit   int        `json:"time_limit"` // 法定时限, working days
	Fee         string     `json:"fee"`
	Forms       string     `json:"forms,omitempty"`
	Basis       string     `json:"basis,omitempty"`
	Certificate string     `json:"certificate,omitempty"`
	// GrantsTag is the register tag (tag_kinds.code) that approving an
	// application gives the applicant — 低保, 特困, 残疾 … —, "" for none.
	GrantsTag string `json:"grants_tag,omitempty"`
	Active    bool   `json:"active"`
	Sort      int    `json:"sort"`
	Version   int    `json:"version"`
	UpdatedAt string `json:"updated_at,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

// Levels returns the names of the chain's levels joined by arrows, e.g.
// "社区受理 → 街道审核 → 区级审批".
func (it Item) ChainText() string {
	var names []string
	for _, s := range it.Chain {
		names = append(names, s.Name)
	}
	return strings.Join(names, " → ")
}

// ErrNotFound is returned for an item, application or certificate that does
// not exist or lies outside the caller's scope.
var ErrNotFound = fault.New(fault.NotFound, "记录不存在")

const itemColumns = `code, name, category, COALESCE(department, ''), conditions, materials, chain, time_limit,
	fee, forms, basis, certificate, grants_tag, active, sort, version, updated_at, updated_by`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var mats, chain string
	var active int
	err := row.Scan(&it.Code, &it.Name, &it.Category, &it.Department, &it.Conditions, &mats, &chain, &it.TimeLimit,
		&it.Fee, &it.Forms, &it.Basis, &it.Certificate, &it.GrantsTag, &active, &it.Sort, &it.Version, &it.UpdatedAt, &it.UpdatedBy)
	if err != nil {
		return it, err
	}
	it.Active = active != 0
	if err := json.Unmarshal([]byte(mats), &it.Materials); err != nil {
		return it, fmt.Errorf("事项 %s 的材料清单无法解析: %w", it.Code, err)
	}
	if err := json.Unmarshal([]byte(chain), &it.Chain); err != nil {
		return it, fmt.Errorf("事项 %s 的办理流程无法解析: %w", it.Code, err)
	}
	return it, nil
}

// Items lists the catalogue in its order; inactive items only when all.
func (s *Service) Items(ctx context.Context, all bool) ([]Item, error) {
	q := `SELECT ` + itemColumns + ` FROM service_items`
	if !all {
		q += ` WHERE active <> 0`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Item returns one item of the catalogue.
func (s *Service) Item(ctx context.Context, code string) (Item, error) {
	return s.itemTx(ctx, s.db, code)
}

func (s *Service) itemTx(ctx context.Context, q database.Querier, code string) (Item, error) {
	if !itemCode.MatchString(code) {
		return Item{}, ErrNotFound // not a code: no need to ask (nor to send the database bytes it refuses)
	}
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM service_items WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return it, ErrNotFound
	}
	return it, err
}

var itemCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// validate checks an item as edited; messages are keyed by form field.
func (it *Item) validate() error {
	fe := fault.Fields{}
	it.Name = strings.TrimSpace(it.Name)
	it.Category = strings.TrimSpace(it.Category)
	if !itemCode.MatchString(it.Code) {
		fe["code"] = "事项编码应为2–32位小写字母、数字或下划线,以字母开头"
	}
	if it.Name == "" {
		fe["name"] = "请填写事项名称"
	}
	if it.Category == "" {
		fe["category"] = "请填写事项类别"
	}
	for field, v := range map[string]struct {
		text  string
		limit int
	}{"name": {it.Name, 100}, "category": {it.Category, 30}, "conditions": {it.Conditions, 2000}, "fee": {it.Fee, 100},
		"forms": {it.Forms, 200}, "basis": {it.Basis, 200}} {
		if n := utf8.RuneCountInString(v.text); n > v.limit && fe[field] == "" {
			fe[field] = fmt.Sprintf("请不超过%d字(现为%d字)", v.limit, n)
		}
	}
	if len(it.Chain) == 0 {
		fe["chain"] = "办理流程至少要有一个环节"
	}
	if len(it.Chain) > 10 {
		fe["chain"] = "办理流程最多10个环节"
	}
	if len(it.Materials) > 40 {
		fe["materials"] = "材料最多40项"
	}
	sum := 0
	for i, st := range it.Chain {
		if _, ok := LevelNames[st.Level]; !ok {
			fe["chain"] = fmt.Sprintf("第%d个环节的层级应为社区、街道或区县", i+1)
			break
		}
		if strings.TrimSpace(st.Name) == "" || utf8.RuneCountInString(st.Name) > 60 {
			fe["chain"] = fmt.Sprintf("第%d个环节缺少名称或名称过长(不超过60字)", i+1)
			break
		}
		if st.Days < 1 || st.Days > 120 {
			fe["chain"] = fmt.Sprintf("第%d个环节(%s)的时限应为1–120个工作日", i+1, st.Name)
			break
		}
		sum += st.Days
	}
	if it.TimeLimit < 1 || it.TimeLimit > 365 {
		fe["time_limit"] = "法定时限应为1–365个工作日"
	} else if _, bad := fe["chain"]; !bad && sum > it.TimeLimit {
		fe["chain"] = fmt.Sprintf("各环节时限合计%d个工作日,超过法定时限%d个工作日", sum, it.TimeLimit)
	}
	seen := map[string]bool{}
	for i, m := range it.Materials {
		switch {
		case strings.TrimSpace(m.Name) == "":
			fe["materials"] = fmt.Sprintf("第%d项材料缺少名称", i+1)
		case m.Code == "" || seen[m.Code]:
			fe["materials"] = fmt.Sprintf("第%d项材料(%s)的编码为空或重复", i+1, m.Name)
		case utf8.RuneCountInString(m.Name) > 100 || utf8.RuneCountInString(m.Note) > 100 || len(m.Code) > 32:
			fe["materials"] = fmt.Sprintf("第%d项材料的名称或说明过长(各不超过100字)", i+1)
		case m.Register != "" && !validRegisterSource(m.Register):
			fe["materials"] = fmt.Sprintf("第%d项材料(%s)的基础信息库来源无效", i+1, m.Name)
		}
		seen[m.Code] = true
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// SaveItem creates or changes a catalogue item. An edit sends the version it
// read; a stale one is refused with who changed the item meanwhile.
func (s *Service) SaveItem(ctx context.Context, v *access.Viewer, it *Item) error {
	if !v.Can(PermManage) {
		return access.ErrForbidden
	}
	if err := it.validate(); err != nil {
		return err
	}
	if err := s.checkReferences(ctx, it); err != nil {
		return err
	}
	mats, _ := json.Marshal(it.Materials)
	chain, _ := json.Marshal(it.Chain)
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.itemTx(ctx, tx, it.Code)
		switch {
		case errors.Is(err, ErrNotFound):
			if it.Version != 0 {
				return ErrNotFound
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO service_items (code, name, category, department, conditions,
				materials, chain, time_limit, fee, forms, basis, certificate, active, sort, version, updated_at, updated_by,
				grants_tag)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $17)`,
				it.Code, it.Name, it.Category, nullText(it.Department), it.Conditions, string(mats), string(chain),
				it.TimeLimit, it.Fee, it.Forms, it.Basis, it.Certificate, boolInt(it.Active), it.Sort, now, v.Name,
				it.GrantsTag)
			it.Version = 1
			return err
		case err != nil:
			return err
		}
		if it.Version != cur.Version {
			return &ConflictError{What: "服务事项", By: cur.UpdatedBy, At: cur.UpdatedAt}
		}
		_, err = tx.ExecContext(ctx, `UPDATE service_items SET name = $1, category = $2, department = $3, conditions = $4,
			materials = $5, chain = $6, time_limit = $7, fee = $8, forms = $9, basis = $10, certificate = $11,
			active = $12, sort = $13, version = version + 1, updated_at = $14, updated_by = $15, grants_tag = $18
			WHERE code = $16 AND version = $17`,
			it.Name, it.Category, nullText(it.Department), it.Conditions, string(mats), string(chain), it.TimeLimit,
			it.Fee, it.Forms, it.Basis, it.Certificate, boolInt(it.Active), it.Sort, now, v.Name, it.Code, it.Version,
			it.GrantsTag)
		it.Version++
		return err
	})
}

var registerSource = regexp.MustCompile(`^(person|household|tag:[a-z_]{1,30}|certificate:[a-z_]{1,30})$`)

func validRegisterSource(s string) bool { return registerSource.MatchString(s) }

// checkReferences checks the department and certificate template an item
// names, so that a typo is a message at the field, not a refused row.
func (s *Service) checkReferences(ctx context.Context, it *Item) error {
	fe := fault.Fields{}
	var n int
	if it.Department != "" {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE code = $1`, it.Department).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe["department"] = "请从列表中选择主管部门"
		}
	}
	if it.Certificate != "" {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificate_templates WHERE code = $1`, it.Certificate).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe["certificate"] = "请从列表中选择证明类型"
		}
	}
	if it.GrantsTag != "" {
		kinds, err := s.GrantableTags(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(kinds, func(k register.TagKind) bool { return k.Code == it.GrantsTag }) {
			fe["grants_tag"] = "请从列表中选择办结后登记的服务对象标签"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// GrantableTags lists the tag kinds an item may grant: the service tags
// (服务对象), not the special groups, which no application confers.
func (s *Service) GrantableTags(ctx context.Context) ([]register.TagKind, error) {
	kinds, err := s.reg.TagKinds(ctx)
	return slices.DeleteFunc(kinds, func(k register.TagKind) bool { return k.Category != "service" }), err
}

// ConflictError refuses a save made on a stale version: someone changed the
// record after it was read.
type ConflictError struct {
	What string // 办件, 服务事项 …
	By   string
	At   string
}

func (e *ConflictError) Error() string {
	return e.Text(func(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") })
}

// Text is the message with the time of the other change shown by when —
// the deployment's clock on a page (the stored time is UTC).
func (e *ConflictError) Text(when func(time.Time) string) string {
	at := e.At
	if t := database.ParseTime(e.At); !t.IsZero() {
		at = when(t)
	}
	return fmt.Sprintf("保存冲突:该%s在您打开后已被%s于 %s 处理或修改,您的操作未保存。请查看最新状态后重试。", e.What, e.By, at)
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FaultKind makes a stale save a fault.Conflict.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }
