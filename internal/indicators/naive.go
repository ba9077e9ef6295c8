package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// The naive way to compute an indicator: one SQL query per indicator per
// org unit, the filter translated into a WHERE clause over the live
// tables. It reads the register as it stands now, with ages and tags taken
// on the period's last day, so it agrees with the engine for 期末 values of
// a period after which nothing changed. It exists to check the engine
// (the tests compare both on random registers) and to measure what the
// engine saves (shequ bench --only reports); reports never use it.

// NaiveSQL returns the query computing c for one unit (its id is $1).
func NaiveSQL(c *Compiled, u orgtree.Unit, p Period) (string, error) {
	end, start := "'"+p.End()+"'", "'"+p.Start()+"'"
	e := c.Entity
	var from, alias, place, presence string
	switch e.Name {
	case "person":
		from, alias = "persons p", "p"
	case "household":
		from, alias = "households h", "h"
	case "house":
		from, alias = "houses u", "u"
	case "building":
		from, alias = "buildings b", "b"
		place = "b.id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)"
	case "organisation":
		from, alias = "organisations o", "o"
	case "rental":
		from, alias = "rentals r JOIN houses ru ON ru.community_id = r.community_id AND ru.id = r.house_id", "ru"
		presence = inForceNaive("r", end)
	case "orgunit":
		from, alias = "org_units g", "g"
		place = "g.id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1) AND g.community_id IS NOT NULL"
	case "staff":
		from, alias = "org_staff st", "st"
		place = "st.unit_id IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)"
		presence = inForceNaive("st", end)
	default:
		return "", fmt.Errorf("实体 %s 不支持逐条查询", e.Name)
	}
	if place == "" {
		place = orgtree.ScopeFilter(database.ArgsAfter(1), u, alias) // u.ID is $1
	}
	where := []string{place}
	if presence != "" {
		where = append(where, presence)
	}
	filter, err := naiveNode(c.Filter, e, end, start)
	if err != nil {
		return "", err
	}
	where = append(where, filter)
	if c.active != nil {
		f, err := naiveNode(c.active, e, end, start)
		if err != nil {
			return "", err
		}
		where = append(where, f)
	}
	var measure string
	switch c.Measure {
	case Count, Share:
		measure = "COUNT(*)"
	case Distinct:
		col, err := naiveField(e.Name, c.Field.Name, end, start)
		if err != nil {
			return "", err
		}
		measure = "COUNT(DISTINCT " + col + ")"
	case Sum, Avg:
		col, err := naiveField(e.Name, c.Field.Name, end, start)
		if err != nil {
			return "", err
		}
		measure = strings.ToUpper(c.Measure) + "(" + col + ")"
	default:
		return "", fmt.Errorf("度量 %s 不支持逐条查询", c.Measure)
	}
	return "SELECT " + measure + " FROM " + from + " WHERE " + strings.Join(where, " AND "), nil
}

// NaiveValue runs NaiveSQL; shares divide by den, the denominator's value.
func NaiveValue(ctx context.Context, db *database.DB, c *Compiled, u orgtree.Unit, p Period, den float64) (float64, error) {
	q, err := NaiveSQL(c, u, p)
	if err != nil {
		return 0, err
	}
	var v sql.NullFloat64
	if err := db.QueryRowContext(ctx, q, u.ID).Scan(&v); err != nil {
		return 0, fmt.Errorf("%s: %w", q, err)
	}
	if !v.Valid {
		if c.Measure == Avg {
			return math.NaN(), nil
		}
		return 0, nil
	}
	if c.Measure == Share {
		if den > 0 {
			return v.Float64 / den * ShareScale(c.Unit), nil
		}
		return math.NaN(), nil
	}
	return v.Float64, nil
}

func inForceNaive(alias, day string) string {
	return fmt.Sprintf("%s.started_on <= %s AND (%s.ended_on IS NULL OR %s.ended_on >= %s)", alias, day, alias, alias, day)
}

func ageSQL(col, day string) string {
	return fmt.Sprintf("(CAST(substr(%s, 1, 4) AS INTEGER) - CAST(substr(%s, 1, 4) AS INTEGER) - CASE WHEN substr(%s, 6, 5) > substr(%s, 6, 5) THEN 1 ELSE 0 END)",
		day, col, col, day)
}

// naiveField is the SQL of a field (not Set fields, see naiveNode).
// start is the period's first day, for the fields relative to the period.
func naiveField(entity, field, day, start string) (string, error) {
	activeMember := func(h string) string {
		return "q.community_id = " + h + ".community_id AND q.household_id = " + h + ".id AND q.status = 'active'"
	}
	switch entity + "." + field {
	case "person.gender", "person.residence", "person.status", "person.ethnicity", "person.relation":
		return "p." + field, nil
	case "person.age":
		return "CASE WHEN length(p.birth_date) = 10 THEN " + ageSQL("p.birth_date", day) + " END", nil
	case "person.born_in_period":
		return "CASE WHEN length(p.birth_date) = 10 AND p.birth_date >= " + start + " AND p.birth_date <= " + day + " THEN 1 ELSE 0 END", nil
	case "person.household_kind":
		return "(SELECT h.kind FROM households h WHERE h.community_id = p.community_id AND h.id = p.household_id AND h.status = 'active')", nil
	case "person.household_size":
		return "CASE WHEN p.household_id IS NOT NULL THEN (SELECT COUNT(*) FROM persons q WHERE q.community_id = p.community_id AND q.household_id = p.household_id AND q.status = 'active') END", nil
	case "person.employed":
		return "CASE WHEN p.employer_id IS NULL THEN 0 ELSE 1 END", nil
	case "person.tenant":
		return "CASE WHEN EXISTS (SELECT 1 FROM households h JOIN rentals r ON r.community_id = h.community_id AND r.house_id = h.house_id WHERE h.community_id = p.community_id AND h.id = p.household_id AND " + inForceNaive("r", day) + ") THEN 1 ELSE 0 END", nil
	case "person.household_id", "person.employer_id":
		return "p." + field, nil
	case "household.kind", "household.status":
		return "h." + field, nil
	case "household.size":
		return "(SELECT COUNT(*) FROM persons q WHERE " + activeMember("h") + ")", nil
	case "household.min_age":
		return "(SELECT MIN(" + ageSQL("q.birth_date", day) + ") FROM persons q WHERE " + activeMember("h") + ")", nil
	case "household.max_age":
		return "(SELECT MAX(" + ageSQL("q.birth_date", day) + ") FROM persons q WHERE " + activeMember("h") + ")", nil
	case "household.rented":
		return "CASE WHEN EXISTS (SELECT 1 FROM rentals r WHERE r.community_id = h.community_id AND r.house_id = h.house_id AND " + inForceNaive("r", day) + ") THEN 1 ELSE 0 END", nil
	case "household.house_id":
		return "h.house_id", nil
	case "house.use":
		return "u.use", nil
	case "house.area":
		return "CASE WHEN u.area_m2 > 0 THEN u.area_m2 END", nil
	case "house.building_kind":
		return "(SELECT b.kind FROM buildings b WHERE b.community_id = u.community_id AND b.id = u.building_id)", nil
	case "house.occupied":
		return "CASE WHEN EXISTS (SELECT 1 FROM households h WHERE h.community_id = u.community_id AND h.house_id = u.id AND h.status = 'active') THEN 1 ELSE 0 END", nil
	case "house.households":
		return "(SELECT COUNT(*) FROM households h WHERE h.community_id = u.community_id AND h.house_id = u.id AND h.status = 'active')", nil
	case "house.residents", "house.floating_residents":
		extra := ""
		if field == "floating_residents" {
			extra = " AND q.residence = 'floating'"
		}
		return "(SELECT COUNT(*) FROM persons q JOIN households h ON h.community_id = q.community_id AND h.id = q.household_id WHERE h.community_id = u.community_id AND h.house_id = u.id AND h.status = 'active' AND q.status = 'active'" + extra + ")", nil
	case "house.in_rental":
		return "CASE WHEN EXISTS (SELECT 1 FROM rentals r WHERE r.community_id = u.community_id AND r.house_id = u.id AND " + inForceNaive("r", day) + ") THEN 1 ELSE 0 END", nil
	case "house.building_id":
		return "u.building_id", nil
	case "building.kind":
		return "b.kind", nil
	case "building.floors":
		return "NULLIF(b.floors, 0)", nil
	case "building.built_year":
		return "NULLIF(b.built_year, 0)", nil
	case "building.houses":
		return "(SELECT COUNT(*) FROM houses u WHERE u.community_id = b.community_id AND u.building_id = b.id)", nil
	case "organisation.kind", "organisation.status":
		return "o." + field, nil
	case "organisation.staff":
		return "o.staff_count", nil
	case "organisation.has_uscc":
		return "CASE WHEN o.uscc <> '' THEN 1 ELSE 0 END", nil
	case "rental.rent":
		return "(NULLIF(r.monthly_rent_fen, 0) / 100.0)", nil // 元, as the field is declared
	case "rental.tenants":
		return "(SELECT COUNT(*) FROM rental_tenants rt WHERE rt.community_id = r.community_id AND rt.rental_id = r.id)", nil
	case "rental.house_id":
		return "r.house_id", nil
	case "orgunit.level":
		return "g.level", nil
	case "staff.role":
		return "st.role", nil
	}
	return "", fmt.Errorf("字段 %s.%s 不支持逐条查询", entity, field)
}

func naiveNode(n Node, e *Entity, day, start string) (string, error) {
	switch x := n.(type) {
	case allNode:
		return "1 = 1", nil
	case andNode:
		l, err := naiveNode(x.l, e, day, start)
		if err != nil {
			return "", err
		}
		r, err := naiveNode(x.r, e, day, start)
		return "(" + l + " AND " + r + ")", err
	case orNode:
		l, err := naiveNode(x.l, e, day, start)
		if err != nil {
			return "", err
		}
		r, err := naiveNode(x.r, e, day, start)
		return "(" + l + " OR " + r + ")", err
	case notNode:
		in, err := naiveNode(x.x, e, day, start)
		// NOT over NULL is NULL; the engine's unknown values fail every
		// test but !=, so a negated unknown is true.
		return "(NOT COALESCE(" + in + ", FALSE))", err
	case *Cond:
		return naiveCond(x, e, day, start)
	}
	return "", fmt.Errorf("unknown node %T", n)
}

func naiveCond(c *Cond, e *Entity, day, start string) (string, error) {
	f := c.Field
	if f.Kind == Set {
		var codes []string
		for _, v := range c.Vals {
			codes = append(codes, "'"+f.Values[v].Code+"'")
		}
		var q string
		switch e.Name + "." + f.Name {
		case "person.tags":
			q = "EXISTS (SELECT 1 FROM person_tags t WHERE t.community_id = p.community_id AND t.person_id = p.id AND t.tag IN (" +
				strings.Join(codes, ", ") + ") AND " + inForceNaive("t", day) + ")"
		case "household.member_tags":
			q = "EXISTS (SELECT 1 FROM persons q JOIN person_tags t ON t.community_id = q.community_id AND t.person_id = q.id WHERE q.community_id = h.community_id AND q.household_id = h.id AND q.status = 'active' AND t.tag IN (" +
				strings.Join(codes, ", ") + ") AND " + inForceNaive("t", day) + ")"
		default:
			return "", fmt.Errorf("字段 %s 不支持逐条查询", f.Label)
		}
		if c.Op == OpNotHas {
			return "NOT " + q, nil
		}
		return q, nil
	}
	col, err := naiveField(e.Name, f.Name, day, start)
	if err != nil {
		return "", err
	}
	switch f.Kind {
	case Number:
		ops := map[Op]string{OpEq: "=", OpNe: "<>", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">="}
		if c.Op == OpBetween {
			return fmt.Sprintf("(%s BETWEEN %v AND %v)", col, c.Nums[0], c.Nums[1]), nil
		}
		if c.Op == OpNe {
			return fmt.Sprintf("(%s IS NULL OR %s <> %v)", col, col, c.Nums[0]), nil
		}
		return fmt.Sprintf("(%s %s %v)", col, ops[c.Op], c.Nums[0]), nil
	case Bool:
		v := 1
		if c.Op == OpEq && c.Vals[0] == 0 || c.Op == OpNe && c.Vals[0] == 1 {
			v = 0
		}
		return fmt.Sprintf("(%s = %d)", col, v), nil
	}
	var codes []string
	for _, v := range c.Vals {
		codes = append(codes, "'"+strings.ReplaceAll(f.Values[v].Code, "'", "''")+"'")
	}
	in := "(" + col + " IN (" + strings.Join(codes, ", ") + "))"
	if c.Op == OpNe || c.Op == OpNotIn {
		return "(" + col + " IS NULL OR NOT " + in + ")", nil
	}
	return in, nil
}
