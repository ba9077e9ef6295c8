package registerweb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/register"
	"shequ/internal/web"
)

// changeView is one change event as the history and conflict boxes show it.
type changeView struct {
	At     time.Time
	Actor  string
	Source string
	Op     string
	Fields []fieldView
}

type fieldView struct {
	Field  string
	Label  string
	Before string
	After  string
}

// Fields whose values are ids of other rows, shown by name instead.
var refFields = map[string]string{
	"community_id": "org_units",
	"building_id":  "org_units",
	"house_id":     "houses",
	"tenant_ids":   "persons",
	"org_id":       "org_units",
	"grid_id":      "org_units",
	"head_id":      "persons",
	"person_id":    "persons",
	"household_id": "households",
	"employer_id":  "organisations",
}

// changeViews turns change events into display rows: codes become their
// Chinese names and ids become names. The register has already masked or
// dropped what the viewer may not see.
func (h *handler) changeViews(ctx context.Context, rq *web.Request, cs []register.Change) ([]changeView, error) {
	ids := map[string][]int64{}
	for _, c := range cs {
		for _, f := range c.Fields {
			if t, ok := refFields[f.Field]; ok {
				for _, v := range []any{f.Before, f.After} {
					vs, _ := v.([]any)
					for _, x := range append(vs, v) {
						if n, ok := x.(float64); ok {
							ids[t] = append(ids[t], int64(n))
						}
					}
				}
			}
		}
	}
	names := map[string]map[int64]string{}
	for t, list := range ids {
		var err error
		switch t {
		case "households":
			var bs map[int64]register.HouseholdBrief
			if bs, err = h.Register.HouseholdBriefs(ctx, rq.Read(), list); err == nil {
				names[t] = map[int64]string{}
				for id, b := range bs {
					names[t][id] = "户号 " + b.Number
				}
			}
		case "persons":
			names[t], err = h.Register.PersonNames(ctx, rq.Read(), list)
		case "houses":
			names[t] = map[int64]string{}
			for _, id := range list {
				if ho, err := h.Register.House(ctx, rq.Read(), id); err == nil {
					names[t][id] = ho.Number
				}
			}
		case "organisations":
			names[t], err = h.Register.OrganisationNames(ctx, list)
		default:
			names[t], err = h.Org.Names(ctx, list)
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]changeView, 0, len(cs))
	for _, c := range cs {
		v := changeView{At: c.At, Actor: c.Actor, Source: h.kit.Label("source", c.Source), Op: h.kit.Label("op", c.Op)}
		monthBefore, monthAfter := birthMonths(c)
		for _, f := range c.Fields {
			if !register.ShownInHistory(c.Entity, f.Field) {
				continue
			}
			fv := fieldView{Field: f.Field, Label: register.FieldLabel(c.Entity, f.Field),
				Before: h.displayValue(c.Entity, f.Field, f.Before, names), After: h.displayValue(c.Entity, f.Field, f.After, names)}
			switch {
			case f.Field == "birth_date":
				fv.Before, fv.After = birthShown(fv.Before, monthBefore), birthShown(fv.After, monthAfter)
			case f.Field == "birth_precision" && (fv.Before == fv.After || c.Op == "create" && fv.After == "精确到日"):
				continue // recorded with the birth date; news only when it changes
			}
			if c.Op == "create" && fv.After == "" {
				continue // a new record's empty fields say nothing
			}
			v.Fields = append(v.Fields, fv)
		}
		out = append(out, v)
	}
	return out, nil
}

// displayValue renders one recorded value (as decoded from JSON).
func (h *handler) displayValue(entity, field string, v any, names map[string]map[int64]string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return h.displayText(entity, field, x)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case float64:
		if t, ok := refFields[field]; ok {
			if x == 0 {
				return ""
			}
			if n := names[t][int64(x)]; n != "" {
				return n
			}
			// A record the viewer may not see, or one since removed: its
			// id would tell a person nothing.
			return "(无权查看或已删除)"
		}
		if x == float64(int64(x)) {
			if x == 0 && strings.HasSuffix(field, "_id") {
				return ""
			}
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = h.displayValue(entity, field, e, names)
		}
		return strings.Join(parts, "、")
	default:
		return fmt.Sprint(x)
	}
}

// birthMonths says whether a person's birth was known to the month only
// before and after a change: its recorded birth_date is then the month's
// last day, which is no day anybody knows. The precision is recorded with
// every change of a birth known to the month (register.writePersonUpdate).
func birthMonths(c register.Change) (before, after bool) {
	if c.Entity != "person" {
		return false, false
	}
	for _, f := range c.Fields {
		if f.Field == "birth_precision" {
			b, _ := f.Before.(string)
			a, _ := f.After.(string)
			before, after = b == register.BirthByMonth, a == register.BirthByMonth
		}
	}
	return before, after
}

func birthShown(date string, month bool) string {
	if !month || date == "" {
		return date
	}
	return register.Person{BirthDate: date, BirthPrecision: register.BirthByMonth}.BirthShown()
}

// displayText names a coded value.
func (h *handler) displayText(entity, field, s string) string {
	switch field {
	case "birth_precision":
		return map[string]string{register.BirthByDay: "精确到日", register.BirthByMonth: "只知年月"}[s]
	case "ethnicity", "relation", "residence", "gender", "use":
		return h.kit.Label(field, s)
	case "doc_type":
		return h.kit.Label("doc", s)
	case "status":
		if entity == "household" {
			return h.kit.Label("hhstatus", s)
		}
		return h.kit.Label("status", s)
	case "kind":
		switch entity {
		case "household":
			return h.kit.Label("hhkind", s)
		case "organisation":
			return h.kit.Label("orgkind", s)
		case "building":
			return h.kit.Label("building", s)
		}
	}
	return s
}
