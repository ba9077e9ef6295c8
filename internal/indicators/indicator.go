package indicators

import (
	"fmt"
	"regexp"
	"strings"

	"shequ/internal/fault"
)

// Measures: what an indicator does with the records its filter selects.
const (
	Count    = "count"    // 计数: how many records
	Distinct = "distinct" // 去重计数(字段): how many different values of a reference field (households of the persons)
	Sum      = "sum"      // 求和(字段)
	Avg      = "avg"      // 平均(字段)
	Share    = "share"    // 占比(指标编码): this count as a percentage of another indicator
	Manual   = "manual"   // 手工填报: not computed; typed by the community
)

// MeasureNames gives the Chinese name of each measure.
var MeasureNames = map[string]string{Count: "计数", Distinct: "去重计数", Sum: "求和", Avg: "平均", Share: "占比", Manual: "手工填报"}

// Period rules: which records of the period an indicator counts.
const (
	AtEnd  = "end"    // 期末: as the register stood at the end of the period
	During = "during" // 期内: at any time during the period (at its start, at its end or in between)
	New    = "new"    // 期内新增: meeting the filter at the end but not at the start
	Left   = "left"   // 期内减少: meeting it at the start but not at the end
)

// RuleNames gives the Chinese name of each period rule.
var RuleNames = map[string]string{AtEnd: "期末", During: "期内", New: "期内新增", Left: "期内减少"}

// Units with a meaning of their own: a share is computed per hundred (%,
// and 比 — a ratio such as 性别比 男/女×100, shown without a percent sign)
// or per thousand (‰).
const (
	UnitPercent  = "%"
	UnitPermille = "‰"
	UnitRatio    = "比"
	// UnitPerMyriad is per ten thousand (‱): 每万人社区社会组织数.
	UnitPerMyriad = "‱"
)

// ShareScale is what a share's quotient is multiplied by for its unit.
func ShareScale(unit string) float64 {
	if unit == UnitPermille {
		return 1000
	}
	if unit == UnitPerMyriad {
		return 10000
	}
	return 100
}

// DefaultDecimals is the precision an indicator gets when none is given:
// whole numbers for counts and sums, two places for shares and averages.
func DefaultDecimals(measure string) int {
	if measure == Share || measure == Avg {
		return 2
	}
	return 0
}

// MaxDecimals bounds an indicator's precision.
const MaxDecimals = 4

// Indicator is one indicator as stored and edited: readable fields that
// are parsed and checked against the entity when saved and when computed.
type Indicator struct {
	Code    string `json:"code"`    // stable key, e.g. P0101
	Name    string `json:"name"`    // 实有人口
	Entity  string `json:"entity"`  // person, household … ("" for manual items)
	Filter  string `json:"filter"`  // see expr.go
	Measure string `json:"measure"` // count, distinct, sum, avg, share, manual
	Field   string `json:"field,omitempty"`
	Of      string `json:"of,omitempty"` // the denominator of a share
	Rule    string `json:"rule"`         // end, during, new, left
	Unit    string `json:"unit"`
	// Decimals is how many decimal places the value is shown with (a
	// count 0, a share or an average usually 2).
	Decimals   int    `json:"decimals"`
	Department string `json:"department,omitempty"`
	Note       string `json:"note,omitempty"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at,omitempty"`
	UpdatedBy  string `json:"updated_by,omitempty"`
}

// Definition renders the indicator as one readable line, e.g.
// 人口 | 性别 = 女 且 年龄 在 15 到 49 | 计数 | 期末.
func (ind Indicator) Definition(r *Registry) string {
	if ind.Measure == Manual {
		return "手工填报"
	}
	entity := ind.Entity
	if e := r.Entity(ind.Entity); e != nil {
		entity = e.Label
	}
	filter := strings.TrimSpace(ind.Filter)
	if filter == "" {
		filter = kwAll
	}
	m := MeasureNames[ind.Measure]
	switch ind.Measure {
	case Distinct, Sum, Avg:
		label := ind.Field
		if e := r.Entity(ind.Entity); e != nil {
			if f := e.Field(ind.Field); f != nil {
				label = f.Label
			}
		}
		m += "(" + label + ")"
	case Share:
		m += "(" + ind.Of + ")"
	}
	return fmt.Sprintf("%s | %s | %s | %s", entity, filter, m, RuleNames[ind.Rule])
}

var codePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,31}$`)

// Compiled is an indicator checked against its entity, ready to compute.
type Compiled struct {
	Indicator
	Entity *Entity
	Filter Node
	Field  *Field // measured field of distinct, sum, avg
	// active is the entity's implicit condition, when the filter does not
	// name its field.
	active *Cond
}

// Computed reports whether the engine computes the indicator (not manual,
// not a share, which is derived after).
func (c *Compiled) Computed() bool { return c.Measure != Manual && c.Measure != Share }

// Matches reports whether a record state meets the filter (and the
// entity's active condition).
func (c *Compiled) Matches(v *Values) bool {
	if c.active != nil && !c.active.eval(v) {
		return false
	}
	return c.Filter.eval(v)
}

// Compile checks an indicator and parses its filter. Errors name the form
// field at fault (code, name, entity, filter, measure, field, of, rule),
// in Chinese. known reports whether another indicator code exists, for
// shares; it may be nil when shares are checked elsewhere.
func Compile(r *Registry, ind Indicator, known func(code string) (Indicator, bool)) (*Compiled, error) {
	fe := fault.Fields{}
	ind.Code = strings.TrimSpace(ind.Code)
	ind.Name = strings.TrimSpace(ind.Name)
	if !codePattern.MatchString(ind.Code) {
		fe["code"] = "编码应以字母开头,由字母、数字、点、横线或下划线组成,最长 32 位,例如 P0101"
	}
	if ind.Name == "" {
		fe["name"] = "请填写指标名称"
	} else if len([]rune(ind.Name)) > 100 {
		fe["name"] = "指标名称不能超过 100 个字"
	}
	if ind.Decimals < 0 || ind.Decimals > MaxDecimals {
		fe["decimals"] = fmt.Sprintf("小数位数应为 0 到 %d", MaxDecimals)
	}
	c := &Compiled{Indicator: ind, Filter: allNode{}}
	if ind.Measure == Manual {
		if len(fe) > 0 {
			return nil, fe
		}
		return c, nil
	}
	if _, ok := MeasureNames[ind.Measure]; !ok {
		fe["measure"] = "度量应为 计数、去重计数、求和、平均、占比 或 手工填报"
	}
	if _, ok := RuleNames[ind.Rule]; !ok {
		fe["rule"] = "时点应为 期末、期内、期内新增 或 期内减少"
	}
	if ind.Measure == Share {
		switch {
		case strings.TrimSpace(ind.Of) == "":
			fe["of"] = "占比需要填写作为分母的指标编码"
		case ind.Of == ind.Code:
			fe["of"] = "占比的分母不能是指标本身"
		case known != nil:
			if o, ok := known(ind.Of); !ok {
				fe["of"] = fmt.Sprintf("指标 %s 不存在", ind.Of)
			} else if o.Measure == Share || o.Measure == Manual {
				fe["of"] = fmt.Sprintf("分母指标 %s 应为计算得出的指标(不能是占比或手工填报)", ind.Of)
			}
		}
	}
	e := r.Entity(ind.Entity)
	if e == nil {
		var names []string
		for _, x := range r.order {
			names = append(names, x.Label)
		}
		fe["entity"] = "统计对象应为 " + strings.Join(names, "、") + " 之一"
		if len(fe) > 0 {
			return nil, fe
		}
	}
	c.Entity = e
	c.Indicator.Entity = e.Name
	if n, err := Parse(e, ind.Filter); err != nil {
		fe["filter"] = err.Error()
	} else {
		c.Filter = n
	}
	switch ind.Measure {
	case Distinct, Sum, Avg:
		f := e.Field(strings.TrimSpace(ind.Field))
		switch {
		case strings.TrimSpace(ind.Field) == "":
			fe["field"] = MeasureNames[ind.Measure] + "需要指定字段"
		case f == nil:
			fe["field"] = fmt.Sprintf("%s没有字段「%s」", e.Label, ind.Field)
		case ind.Measure == Distinct && f.Kind != Ref:
			fe["field"] = fmt.Sprintf("去重计数的字段应为关联记录(%s)", strings.Join(e.fieldNames(Ref), "、"))
		case ind.Measure != Distinct && f.Kind != Number:
			fe["field"] = fmt.Sprintf("%s的字段应为数值(%s)", MeasureNames[ind.Measure], strings.Join(e.fieldNames(Number), "、"))
		default:
			c.Field = f
			c.Indicator.Field = f.Name
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	if a := e.Active; a != nil {
		mentioned := false
		for _, cd := range Conds(c.Filter) {
			if cd.Field.Name == a.Field {
				mentioned = true
			}
		}
		if !mentioned {
			f := e.Field(a.Field)
			c.active = &Cond{Field: f, Op: OpEq, Vals: []int{f.CodeIndex(a.Code)}}
		}
	}
	return c, nil
}

// conds lists the conditions the engine must distinguish for c, including
// the implicit one.
func (c *Compiled) conds() []*Cond {
	out := Conds(c.Filter)
	if c.active != nil {
		out = append(out, c.active)
	}
	return out
}

// Tags lists the codes of the Set values the filter mentions (the tags it
// is about), so that a ledger can check the viewer may see them.
func (c *Compiled) Tags() []string {
	var out []string
	seen := map[string]bool{}
	for _, cd := range Conds(c.Filter) {
		if cd.Field.Kind != Set {
			continue
		}
		for _, i := range cd.Vals {
			code := cd.Field.Values[i].Code
			if !seen[code] {
				seen[code] = true
				out = append(out, code)
			}
		}
	}
	return out
}

// ParseMeasure reads a measure as typed: 计数, 去重计数(所属户), 求和(面积),
// 平均(年龄), 占比(P0101), 手工填报, or the English forms count, sum(area) ….
// It returns the measure, its field or denominator.
func ParseMeasure(s string) (measure, arg string, err error) {
	s = strings.TrimSpace(strings.NewReplacer("(", "(", ")", ")").Replace(s))
	name, rest, hasArg := strings.Cut(s, "(")
	name = strings.TrimSpace(name)
	if hasArg {
		if !strings.HasSuffix(rest, ")") {
			return "", "", fmt.Errorf("度量「%s」缺少右括号", s)
		}
		arg = strings.TrimSpace(strings.TrimSuffix(rest, ")"))
	}
	for code, label := range MeasureNames {
		if name == code || name == label {
			measure = code
		}
	}
	switch measure {
	case "":
		return "", "", fmt.Errorf("度量「%s」无效,应为 计数、去重计数(字段)、求和(字段)、平均(字段)、占比(指标编码) 或 手工填报", s)
	case Count, Manual:
		if arg != "" {
			return "", "", fmt.Errorf("%s不带括号参数", MeasureNames[measure])
		}
	default:
		if arg == "" {
			return "", "", fmt.Errorf("%s需要括号中的%s,例如 %s", MeasureNames[measure], map[bool]string{true: "指标编码", false: "字段"}[measure == Share], map[string]string{Distinct: "去重计数(所属户)", Sum: "求和(面积)", Avg: "平均(年龄)", Share: "占比(P0101)"}[measure])
		}
	}
	return measure, arg, nil
}

// ParseRule reads a period rule as typed: 期末, 期内, 期内新增, 期内减少 or the
// English codes.
func ParseRule(s string) (string, error) {
	s = strings.TrimSpace(s)
	for code, label := range RuleNames {
		if s == code || s == label {
			return code, nil
		}
	}
	switch s {
	case "新增":
		return New, nil
	case "减少":
		return Left, nil
	}
	return "", fmt.Errorf("时点「%s」无效,应为 期末、期内、期内新增 或 期内减少", s)
}
