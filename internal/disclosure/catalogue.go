package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// What a row computes at publication from what shequ holds.
const (
	ComputedNone     = ""
	ComputedRegister = "register" // the community's persons and households
	ComputedDibao    = "dibao"    // the number of 低保 households: counts only, never names
	// The 低保 households as the 公示 rules allow: the head's name masked
	// (王**), how many of them hold 低保, the totals; no ID number, phone or
	// address.
	ComputedDibaoList = "dibao_list"
	// Report figures of the publication's period (figures.go).
	ComputedSatisfaction = "satisfaction" // 群众满意度 and its four parts
	ComputedHandling     = "handling"     // events and applications taken in and finished
	ComputedFinances     = "finances"     // 财务收支: the period's statement from the funds' ledger
)

// ComputedNames names them.
var ComputedNames = map[string]string{ComputedNone: "无", ComputedRegister: "实有人口与户数(来自登记)", ComputedDibao: "低保户数(来自登记)",
	ComputedDibaoList: "低保户名单(姓名隐去,来自登记)", ComputedSatisfaction: "群众满意度(来自报表)",
	ComputedHandling: "事件处置与办事情况(来自报表)", ComputedFinances: "财务收支(来自社区经费账)"}

// ComputedKinds lists them in the order the form offers them.
var ComputedKinds = []string{ComputedNone, ComputedRegister, ComputedDibao, ComputedDibaoList, ComputedSatisfaction, ComputedHandling, ComputedFinances}

// Item is a catalogue row.
type Item struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id,omitempty"` // 0: the sample, everywhere
	Category    string `json:"category"`
	Item        string `json:"item"`
	Content     string `json:"content"`
	Basis       string `json:"basis"`
	Rule        string `json:"rule"`
	RuleDays    int    `json:"rule_days,omitempty"`
	Responsible string `json:"responsible"`
	Channel     string `json:"channel"`
	Computed    string `json:"computed,omitempty"`
	StartsOn    string `json:"starts_on"`
	Active      bool   `json:"active"`
	Sample      bool   `json:"sample"`
	Sort        int    `json:"sort"`
	Version     int    `json:"version"`
}

// Periodic reports whether the daily pass schedules the row's periods.
func (it Item) Periodic() bool { return it.Rule == RuleMonthly || it.Rule == RuleQuarter }

// Deadline says the rule in words.
func (it Item) Deadline() string {
	switch it.Rule {
	case RuleMonthly:
		return "每月,次月 " + strconv.Itoa(MonthlyDueDay) + " 日前"
	case RuleQuarter:
		return "每季度,季后首月 " + strconv.Itoa(QuarterlyDueDay) + " 日前"
	case RuleDecision:
		return "决定后 " + strconv.Itoa(it.RuleDays) + " 日内"
	case RuleAtOnce:
		return "随时公开(决定次日前)"
	}
	return it.Rule
}

// ErrNoItem answers a row that does not exist or lies outside the caller's part.
var ErrNoItem = fault.New(fault.NotFound, "没有这条公开目录")

const itemColumns = `id, COALESCE(community_id, 0), category, item, content, basis, rule, rule_days, responsible,
	channel, computed, starts_on, active, sample, sort, version`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var active, sample int
	err := row.Scan(&it.ID, &it.CommunityID, &it.Category, &it.Item, &it.Content, &it.Basis, &it.Rule, &it.RuleDays,
		&it.Responsible, &it.Channel, &it.Computed, &it.StartsOn, &active, &sample, &it.Sort, &it.Version)
	it.Active, it.Sample = active != 0, sample != 0
	return it, err
}

// Catalogue lists the rows holding in a community: the sample's and its
// own, in their order.
func (s *Service) Catalogue(ctx context.Context, community int64) ([]Item, error) {
	return catalogueOf(ctx, s.db, community)
}

func catalogueOf(ctx context.Context, q database.Querier, community int64) ([]Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+itemColumns+` FROM disclosure_items
		WHERE community_id IS NULL OR community_id = $1 ORDER BY sort, id`, community)
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

// Item returns one row.
func (s *Service) Item(ctx context.Context, id int64) (Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM disclosure_items WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return it, ErrNoItem
	}
	return it, err
}

// ItemDraft is a row as the form sends it.
type ItemDraft struct {
	CommunityID                                        int64
	Category, Item, Content, Basis, Rule, Days         string
	Responsible, Channel, Computed, StartsOn, SortText string
	Active                                             bool
	Version                                            int
}

// DraftOf is the form of a stored row.
func DraftOf(it Item) ItemDraft {
	return ItemDraft{CommunityID: it.CommunityID, Category: it.Category, Item: it.Item, Content: it.Content,
		Basis: it.Basis, Rule: it.Rule, Days: strconv.Itoa(it.RuleDays), Responsible: it.Responsible,
		Channel: it.Channel, Computed: it.Computed, StartsOn: it.StartsOn, SortText: strconv.Itoa(it.Sort),
		Active: it.Active, Version: it.Version}
}

func text(fe fault.Fields, field, v, what string, max int, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" && required {
		fe.Add(field, "请填写"+what)
	} else if len([]rune(v)) > max {
		fe.Add(field, what+"不超过 "+strconv.Itoa(max)+" 个字")
	}
	return v
}

func checkItem(d ItemDraft) (Item, error) {
	fe := fault.Fields{}
	it := Item{CommunityID: d.CommunityID, Active: d.Active, Version: d.Version,
		Category:    text(fe, "category", d.Category, "类别", 10, true),
		Item:        text(fe, "item", d.Item, "公开事项", 60, true),
		Content:     text(fe, "content", d.Content, "公开内容", 500, true),
		Basis:       text(fe, "basis", d.Basis, "公开依据", 200, false),
		Responsible: text(fe, "responsible", d.Responsible, "责任岗位", 40, true),
		Channel:     text(fe, "channel", d.Channel, "公开渠道", 60, true),
		Rule:        d.Rule, Computed: d.Computed, StartsOn: strings.TrimSpace(d.StartsOn)}
	if _, ok := RuleNames[it.Rule]; !ok {
		fe.Add("rule", "请选择公开时限")
	}
	if _, ok := ComputedNames[it.Computed]; !ok {
		fe.Add("computed", "请选择自动生成的内容")
	}
	if it.Rule == RuleDecision {
		n, err := strconv.Atoi(strings.TrimSpace(d.Days))
		if err != nil || n < 1 || n > 90 {
			fe.Add("days", "决定后公开的天数应为 1 到 90 之间的整数")
		}
		it.RuleDays = n
	}
	if _, ok := parseDay(it.StartsOn); !ok {
		fe.Add("starts_on", "请按 2026-01-01 的格式填写起始日期")
	}
	if st := strings.TrimSpace(d.SortText); st != "" {
		n, err := strconv.Atoi(st)
		if err != nil || n < 0 || n > 9999 {
			fe.Add("sort", "排序应为 0 到 9999 之间的整数")
		}
		it.Sort = n
	}
	return it, fe.Err()
}

func (st Staff) mayKeep(community int64) bool {
	if community == 0 {
		return st.Shared
	}
	return st.Shared || st.Scope.Contains(access.Place{Community: community})
}

// SaveItem adds a row (id 0) or edits one on the version the form was
// read at; an edit made meanwhile by someone else conflicts.
func (s *Service) SaveItem(ctx context.Context, st Staff, id int64, d ItemDraft) (Item, error) {
	it, err := checkItem(d)
	if err != nil {
		return it, err
	}
	if !st.mayKeep(it.CommunityID) {
		return it, ErrNoItem
	}
	var community any
	if it.CommunityID != 0 {
		community = it.CommunityID
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if id == 0 {
			it.ID, it.Version = database.NewID(), 1
			_, err := tx.ExecContext(ctx, `INSERT INTO disclosure_items (id, community_id, category, item, content, basis,
				rule, rule_days, responsible, channel, computed, starts_on, active, sample, sort, version, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, 1, $15, $16)`,
				it.ID, community, it.Category, it.Item, it.Content, it.Basis, it.Rule, it.RuleDays, it.Responsible,
				it.Channel, it.Computed, it.StartsOn, boolInt(it.Active), it.Sort, s.stamp(), st.Name)
			return err
		}
		old, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM disclosure_items WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (old.CommunityID != it.CommunityID || !st.mayKeep(old.CommunityID))) {
			return ErrNoItem
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE disclosure_items SET category = $1, item = $2, content = $3, basis = $4,
			rule = $5, rule_days = $6, responsible = $7, channel = $8, computed = $9, starts_on = $10, active = $11,
			sort = $12, version = version + 1, updated_at = $13, updated_by = $14 WHERE id = $15 AND version = $16`,
			it.Category, it.Item, it.Content, it.Basis, it.Rule, it.RuleDays, it.Responsible, it.Channel, it.Computed,
			it.StartsOn, boolInt(it.Active), it.Sort, s.stamp(), st.Name, id, d.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChanged
		}
		it.ID, it.Version, it.Sample = id, d.Version+1, old.Sample
		return nil
	})
	return it, err
}

// ErrChanged answers a save on a version someone else changed meanwhile.
var ErrChanged = fault.New(fault.Conflict, "这条记录已被他人修改,请刷新后重试")

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
