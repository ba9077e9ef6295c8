package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// China is the zone of civil dates the law counts in — ages, report
// periods — whatever zone the deployment shows its clock times in
// (Config.Zone); a fixed offset needs no time zone database.
var China = time.FixedZone("CST", 8*3600)

// baseLabels are the names of codes that pages of every capability show:
// the register's enumerations, who made a change and how, what the audit
// log records.
var baseLabels = map[string]map[string]string{
	"source":    {"web": "网页", "api": "接口", "cli": "命令行", "demo": "演示数据", "import": "导入"},
	"op":        {"create": "新建", "update": "修改", "delete": "删除"},
	"action":    audit.ActionNames,
	"place":     access.PlaceNames,
	"residence": register.ResidenceNames,
	"hhkind":    register.HouseholdKindNames,
	"use":       register.HouseUseNames,
	"orgkind":   register.OrganisationKindNames,
	"building":  register.BuildingKindNames,
	"gender":    register.GenderNames,
	"status":    register.PersonStatusNames,
	"staff":     orgtree.StaffRoleNames,
	"hhstatus":  {"active": "在册", "dissolved": "已注销"},
	// Kinds of records the audit log names besides the register's own.
	"entity": {"unit": "组织单元", "user": "账号", "role": "角色", "event": "事件", "application": "办件",
		"certificate": "证明", "import": "导入批次", "conflict": "待核实冲突"},
}

// Label returns the Chinese name of a code: codes of the national lists
// (ethnicity, relation, doc) or of the enumerations capabilities added with
// AddLabels.
func (k *Kit) Label(kind, code string) string {
	if code == "" {
		return ""
	}
	switch kind {
	case "ethnicity":
		if n, ok := codes.EthnicityName(code); ok {
			return n
		}
	case "relation":
		if n, ok := codes.RelationName(code); ok {
			return n
		}
	case "doc":
		if l := ident.DocType(code).Label(); l != "" {
			return l
		}
	case "entity":
		if l := register.EntityLabel(code); l != code {
			return l
		}
	case "source":
		if k, _, ok := strings.Cut(code, ":"); ok && k == "import" {
			return "导入(" + strings.TrimPrefix(code, "import:") + ")"
		}
		if strings.HasPrefix(code, "visit:") {
			return "入户走访" // a correction found in a visit (visits.Source)
		}
	}
	if n, ok := k.labels[kind][code]; ok {
		return n
	}
	return code
}

// Mask hides the middle of an ID number or phone number.
func Mask(kind, v string) string {
	if v == "" {
		return ""
	}
	if kind == "phone" {
		return ident.MaskPhone(v)
	}
	return ident.MaskID(v)
}

// Age in whole years on today's date in China, "" for an unknown birth date.
func Age(birth string) string {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return ""
	}
	now := time.Now().In(China)
	y := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		y--
	}
	if y < 0 {
		return ""
	}
	return fmt.Sprintf("%d岁", y)
}

// When shows a time to the minute in the deployment's zone, the way every
// page shows one; "" for the zero time.
func (k *Kit) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(k.Zone).Format("2006-01-02 15:04")
}

// Stamp shows a stored time string (database.TimeLayout, UTC) as When does.
func (k *Kit) Stamp(s string) string { return k.When(database.ParseTime(s)) }

// funcs are the template functions every page may use.
func (k *Kit) funcs() template.FuncMap {
	return template.FuncMap{
		"label":  k.Label,
		"mask":   Mask,
		"age":    Age,
		"when":   k.When,
		"stamp":  k.Stamp,
		"area":   func(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") },
		"round":  func(f float64) int { return int(math.Round(f)) },
		"mul100": func(f float64) float64 { return f * 100 },
		"inc":    func(i int) int { return i + 1 },
		// describedBy lists the ids of a field's hint and error for
		// aria-describedby, so screen readers read the message with the field.
		"describedBy": func(field, err, hint string) string {
			var ids []string
			if hint != "" {
				ids = append(ids, "hint-"+field)
			}
			if err != "" {
				ids = append(ids, "err-"+field)
			}
			return strings.Join(ids, " ")
		},
		// dict passes several named values to a shared form-field template.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}
