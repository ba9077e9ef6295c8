package workaccess

import (
	"strings"

	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Kinds of catalogue items.
const (
	Duty       = "duty"       // 履职事项
	Assistance = "assistance" // 协助事项
	Negative   = "negative"   // 负面清单
)

// Kinds are the item kinds in the order pages show them.
var Kinds = []Label{{Duty, "履职事项"}, {Assistance, "协助事项"}, {Negative, "负面清单"}}

// Funding rules: how the money follows the work (费随事转).
const (
	PerOccurrence = "occurrence"
	PerHousehold  = "household"
	PerYear       = "year"
	Unfunded      = "none"
)

// FundingRules are the funding rules in the order forms offer them.
var FundingRules = []Label{{PerOccurrence, "按次"}, {PerHousehold, "按户"}, {PerYear, "按年"}, {Unfunded, "无经费"}}

// Label is a code and its Chinese name.
type Label struct{ Code, Name string }

func nameOf(ls []Label, code string) string {
	for _, l := range ls {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// KindName is the Chinese name of a kind.
func KindName(kind string) string { return nameOf(Kinds, kind) }

// FundingName is the Chinese name of a funding rule.
func FundingName(rule string) string { return nameOf(FundingRules, rule) }

// Terms are what a catalogue item and a request for one both say.
type Terms struct {
	Kind           string `json:"kind"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Title          string `json:"title"`
	LegalBasis     string `json:"legal_basis"`
	Content        string `json:"content"`
	Frequency      string `json:"frequency"`
	StaffMinutes   int    `json:"-"` // per occurrence per community
	FundingRule    string `json:"-"`
	FundingFen     int64  `json:"-"`         // per occurrence, household or year by FundingRule
	Authority      string `json:"authority"` // authority delegated to the community, if any
	ValidFrom      string `json:"valid_from"`
	ValidTo        string `json:"valid_to"` // "" open-ended
	// System is the department's own software (部门业务系统) in which the
	// community must still enter the work; "" when shequ is enough.
	System string `json:"system"`
}

// FundingText says the funding rule in words: "按户 12.5 元", "无经费".
func (t *Terms) FundingText() string {
	if t.FundingRule == Unfunded || t.FundingRule == "" {
		return FundingName(Unfunded)
	}
	return FundingName(t.FundingRule) + " " + Yuan(t.FundingFen) + " 元"
}

// StaffHours is the staff-hours per occurrence in words.
func (t *Terms) StaffHours() string { return Hours(t.StaffMinutes) }

// Draft is the terms as typed into a form or an API body.
type Draft struct {
	Kind, Department, Title, LegalBasis, Content, Frequency string
	StaffHours                                              string // hours, up to two decimals
	FundingRule                                             string
	FundingYuan                                             string // 元, up to two decimals
	Authority, ValidFrom, ValidTo                           string
	System                                                  string
}

// DraftOf is the draft that shows t in a form.
func DraftOf(t Terms) Draft {
	d := Draft{Kind: t.Kind, Department: t.Department, Title: t.Title, LegalBasis: t.LegalBasis, Content: t.Content,
		Frequency: t.Frequency, FundingRule: t.FundingRule, Authority: t.Authority, ValidFrom: t.ValidFrom, ValidTo: t.ValidTo,
		System: t.System}
	if t.StaffMinutes > 0 || t.Kind != Negative {
		d.StaffHours = Hours(t.StaffMinutes)
	}
	if t.FundingRule != Unfunded {
		d.FundingYuan = Yuan(t.FundingFen)
	}
	return d
}

// terms checks a draft and reads it; fe gets a Chinese message at each bad
// field. The negative list names work a community must not do: it needs no
// staff-hours or funding.
func (d Draft) terms(departments map[string]string, fe fault.Fields) Terms {
	t := Terms{Kind: d.Kind, Department: d.Department, Title: strings.TrimSpace(d.Title),
		LegalBasis: strings.TrimSpace(d.LegalBasis), Content: strings.TrimSpace(d.Content),
		Frequency: strings.TrimSpace(d.Frequency), FundingRule: d.FundingRule, Authority: strings.TrimSpace(d.Authority),
		ValidFrom: strings.TrimSpace(d.ValidFrom), ValidTo: strings.TrimSpace(d.ValidTo), System: strings.TrimSpace(d.System)}
	if nameOf(Kinds, t.Kind) == t.Kind {
		fe.Add("kind", "请选择事项类别")
	}
	if name, ok := departments[t.Department]; ok {
		t.DepartmentName = name
	} else {
		fe.Add("department", "请选择提出部门")
	}
	if t.Title == "" {
		fe.Add("title", "请填写事项名称")
	}
	if t.LegalBasis == "" {
		fe.Add("legal_basis", "请填写法律法规或政策依据")
	}
	if t.Kind != Negative {
		switch m, ok := parseDecimal(d.StaffHours, 2); {
		case strings.TrimSpace(d.StaffHours) == "":
			fe.Add("staff_hours", "请填写每个社区每次所需工时")
		case !ok || m == 0:
			fe.Add("staff_hours", "工时应为大于 0 的小时数,最多两位小数,如 1.5")
		default:
			t.StaffMinutes = int((m*60 + 50) / 100)
		}
		switch {
		case t.FundingRule == "":
			fe.Add("funding_rule", "请选择经费规则(按次、按户、按年或无经费)")
		case nameOf(FundingRules, t.FundingRule) == t.FundingRule:
			fe.Add("funding_rule", "经费规则无效")
		case t.FundingRule != Unfunded:
			fen, ok := parseDecimal(d.FundingYuan, 2)
			if !ok || fen == 0 {
				fe.Add("funding_yuan", "请填写经费金额(元,最多两位小数)")
			}
			t.FundingFen = fen
		}
	} else {
		t.FundingRule = Unfunded
	}
	if len([]rune(t.System)) > 60 {
		fe.Add("system", "业务系统名称不超过 60 个字")
	}
	var from, to string
	if f, err := workdays.ParseDate(t.ValidFrom); err != nil {
		fe.Add("valid_from", "请填写有效期起始日期,如 2026-10-01")
	} else {
		from = f.Format("2006-01-02")
		t.ValidFrom = from
	}
	if t.ValidTo != "" {
		if e, err := workdays.ParseDate(t.ValidTo); err != nil {
			fe.Add("valid_to", "有效期截止日期应为 年-月-日,不限期请留空")
		} else {
			to = e.Format("2006-01-02")
			t.ValidTo = to
			if from != "" && to < from {
				fe.Add("valid_to", "截止日期不能早于起始日期")
			}
		}
	}
	return t
}
