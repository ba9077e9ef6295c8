package visits

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// What a rule applies to.
const (
	AppliesAll  = "all"            // every household (普通户)
	AppliesKind = "household_kind" // households of one kind (流动户 …)
	AppliesTag  = "tag"            // households with a member holding a tag
)

// AppliesNames names what a rule applies to.
var AppliesNames = map[string]string{AppliesAll: "所有住户", AppliesKind: "某类住户", AppliesTag: "有某标签成员的住户"}

// Rule says which households are visited and when.
type Rule struct {
	ID           int64  `json:"id"`
	CommunityID  int64  `json:"community_id,omitempty"` // 0: everywhere
	Name         string `json:"name"`
	Applies      string `json:"applies"`
	Target       string `json:"target,omitempty"`
	IntervalDays int    `json:"interval_days,omitempty"`
	SeriesDays   []int  `json:"series_days,omitempty"`
	WindowDays   int    `json:"window_days"`
	GraceDays    int    `json:"grace_days"`
	Active       bool   `json:"active"`
	Sample       bool   `json:"sample"`
	Sort         int    `json:"sort"`
	Version      int    `json:"version"`
	UpdatedAt    string `json:"-"`
	UpdatedBy    string `json:"-"`
}

// Series reports whether the rule counts its visits from a start rather
// than from the last visit.
func (r Rule) Series() bool { return len(r.SeriesDays) > 0 }

// SeriesText is the series as the form writes it: "15,30,60,90".
func (r Rule) SeriesText() string {
	parts := make([]string, len(r.SeriesDays))
	for i, d := range r.SeriesDays {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

// Every says how often the rule visits, in words.
func (r Rule) Every() string {
	if r.Series() {
		return "开始后第 " + r.SeriesText() + " 天"
	}
	return "每 " + strconv.Itoa(r.IntervalDays) + " 天"
}

// appliesIn reports whether the rule holds in a community.
func (r Rule) appliesIn(community int64) bool {
	return r.Active && (r.CommunityID == 0 || r.CommunityID == community)
}

// ErrNoRule answers a rule that does not exist or that the editor may not
// keep.
var ErrNoRule = fault.New(fault.NotFound, "没有这条走访规则")

const ruleColumns = `id, COALESCE(community_id, 0), name, applies, target, interval_days, series_days, window_days,
	grace_days, active, sample, sort, version, updated_at, updated_by`

func scanRule(row interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var series string
	var active, sample int
	err := row.Scan(&r.ID, &r.CommunityID, &r.Name, &r.Applies, &r.Target, &r.IntervalDays, &series, &r.WindowDays,
		&r.GraceDays, &active, &sample, &r.Sort, &r.Version, &r.UpdatedAt, &r.UpdatedBy)
	r.Active, r.Sample = active != 0, sample != 0
	r.SeriesDays, _ = parseSeries(series)
	return r, err
}

// Rules lists the rules holding in the communities (nil: all rules), the
// shared ones first.
func (s *Service) Rules(ctx context.Context, communities []int64) ([]Rule, error) {
	return rulesOf(ctx, s.db, communities)
}

func rulesOf(ctx context.Context, q database.Querier, communities []int64) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM visit_rules ORDER BY COALESCE(community_id, 0), sort, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		if communities == nil || r.CommunityID == 0 || slices.Contains(communities, r.CommunityID) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, id int64) (Rule, error) {
	r, err := scanRule(s.db.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM visit_rules WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNoRule
	}
	return r, err
}

// RuleDraft is a rule as a form sends it.
type RuleDraft struct {
	CommunityID                     int64
	Name, Applies, Target           string
	Interval, Series, Window, Grace string
	Active                          bool
	Version                         int
}

// DraftOf is the form of a stored rule.
func DraftOf(r Rule) RuleDraft {
	d := RuleDraft{CommunityID: r.CommunityID, Name: r.Name, Applies: r.Applies, Target: r.Target,
		Series: r.SeriesText(), Window: strconv.Itoa(r.WindowDays), Grace: strconv.Itoa(r.GraceDays), Active: r.Active,
		Version: r.Version}
	if r.IntervalDays > 0 {
		d.Interval = strconv.Itoa(r.IntervalDays)
	}
	return d
}

// Keeper is who edits rules: the shared rules are the administrator's, a
// community's own are its head's.
type Keeper struct {
	Name      string
	Shared    bool             // may keep the rules holding everywhere
	Community func(int64) bool // may keep this community's rules
}

func (k Keeper) may(community int64) bool {
	if community == 0 {
		return k.Shared
	}
	return k.Shared || (k.Community != nil && k.Community(community))
}

func parseSeries(s string) ([]int, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ","), "、", ","))
	if s == "" {
		return nil, true
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 || n > 3650 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) <= 24
}

func dayCount(fe fault.Fields, field, s string, min, max int, required bool) int {
	return count(fe, field, s, min, max, required, "天数")
}

// count reads a whole number of what (天数, 户数 …) between min and max.
func count(fe fault.Fields, field, s string, min, max int, required bool, what string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			fe.Add(field, "请填写"+what)
		}
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		fe.Add(field, what+"应为 "+strconv.Itoa(min)+" 到 "+strconv.Itoa(max)+" 之间的整数")
	}
	return n
}

// checkRule validates a draft into a rule.
func (s *Service) checkRule(ctx context.Context, d RuleDraft) (Rule, error) {
	fe := fault.Fields{}
	r := Rule{CommunityID: d.CommunityID, Name: strings.TrimSpace(d.Name), Applies: d.Applies,
		Target: strings.TrimSpace(d.Target), Active: d.Active}
	if r.Name == "" {
		fe.Add("name", "请填写规则名称")
	} else if len([]rune(r.Name)) > 60 {
		fe.Add("name", "名称不超过 60 字")
	}
	switch r.Applies {
	case AppliesAll:
		r.Target = ""
	case AppliesKind:
		if !slices.Contains([]string{"registered", "floating", "collective"}, r.Target) {
			fe.Add("target", "请选择住户类别")
		}
	case AppliesTag:
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tag_kinds WHERE code = $1`, r.Target).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			fe.Add("target", "请选择标签")
		}
	default:
		fe.Add("applies", "请选择适用的住户")
	}
	r.IntervalDays = dayCount(fe, "interval", d.Interval, 1, 3650, false)
	series, ok := parseSeries(d.Series)
	if !ok {
		fe.Add("series", "应为逐个增大的天数,用逗号分开,如 15,30,60,90")
	}
	r.SeriesDays = series
	switch {
	case r.IntervalDays > 0 && len(series) > 0:
		fe.Add("interval", "间隔天数和随访序列只填一项")
	case r.IntervalDays == 0 && len(series) == 0 && fe["interval"] == "" && fe["series"] == "":
		fe.Add("interval", "请填写间隔天数,或填写随访序列")
	case len(series) > 0 && r.Applies != AppliesTag:
		fe.Add("series", "随访序列从标签开始日起算,只适用于按标签的规则")
	}
	r.WindowDays = dayCount(fe, "window", d.Window, 0, 365, true)
	r.GraceDays = dayCount(fe, "grace", d.Grace, 0, 365, true)
	if r.IntervalDays > 0 && r.WindowDays >= r.IntervalDays {
		fe.Add("window", "提前天数应小于间隔天数")
	}
	return r, fe.Err()
}

// SaveRule creates a rule (id 0) or saves one over the stored version. The
// schedules follow at the next recomputation (Recompute, or the follower's
// next pass, which recomputes everything after a rule changed).
func (s *Service) SaveRule(ctx context.Context, k Keeper, id int64, d RuleDraft) (Rule, error) {
	if !k.may(d.CommunityID) {
		return Rule{}, fault.New(fault.Forbidden, "全市通用的规则由管理员维护;社区只能维护本社区的规则")
	}
	r, err := s.checkRule(ctx, d)
	if err != nil {
		return r, err
	}
	stamp := database.FormatTime(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if id == 0 {
			r.ID, r.Version, r.Sort = database.NewID(), 1, 500
			_, err := tx.ExecContext(ctx, `INSERT INTO visit_rules (id, community_id, name, applies, target, interval_days,
				series_days, window_days, grace_days, active, sort, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				r.ID, nullID(r.CommunityID), r.Name, r.Applies, r.Target, r.IntervalDays, r.SeriesText(), r.WindowDays,
				r.GraceDays, boolInt(r.Active), r.Sort, stamp, k.Name)
			return err
		}
		old, err := scanRule(tx.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM visit_rules WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !k.may(old.CommunityID)) {
			return ErrNoRule
		}
		if err != nil {
			return err
		}
		if old.Version != d.Version {
			return fault.New(fault.Conflict, "这条规则已被"+old.UpdatedBy+"修改,请刷新后重新填写")
		}
		if old.CommunityID != r.CommunityID {
			return fault.Fields{"community": "规则的适用社区不能更改,请新建一条"}
		}
		r.ID, r.Version, r.Sort, r.Sample = id, old.Version+1, old.Sort, false
		res, err := tx.ExecContext(ctx, `UPDATE visit_rules SET name = $1, applies = $2, target = $3, interval_days = $4,
			series_days = $5, window_days = $6, grace_days = $7, active = $8, sample = 0, version = $9, updated_at = $10,
			updated_by = $11 WHERE id = $12 AND version = $13`,
			r.Name, r.Applies, r.Target, r.IntervalDays, r.SeriesText(), r.WindowDays, r.GraceDays, boolInt(r.Active),
			r.Version, stamp, k.Name, id, old.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "这条规则刚被他人修改,请刷新后重新填写")
		}
		return nil
	})
	if err == nil {
		s.rulesChanged.Store(true)
	}
	return r, err
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
