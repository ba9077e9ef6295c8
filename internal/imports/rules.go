package imports

import (
	"context"

	"shequ/internal/database"
)

// Source rules (字段权威来源): what happens when a department's value
// differs from the register's.
const (
	RuleSource   = "source"   // the department is the authority: its value replaces the register's
	RuleRegister = "register" // the register's value stays; the department's only fills an empty field
	RuleReview   = "review"   // a person decides, in the conflict queue
)

// RuleNames gives the Chinese name of each rule.
var RuleNames = map[string]string{
	RuleSource:   "以该部门为准",
	RuleRegister: "以登记为准",
	RuleReview:   "人工核实",
}

// rules holds the import_source_rules table.
type rules map[[3]string]string

func loadRules(ctx context.Context, db *database.DB) (rules, error) {
	rows, err := db.QueryContext(ctx, `SELECT department, entity, field, rule FROM import_source_rules`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := rules{}
	for rows.Next() {
		var d, e, f, r string
		if err := rows.Scan(&d, &e, &f, &r); err != nil {
			return nil, err
		}
		out[[3]string{d, e, f}] = r
	}
	return out, rows.Err()
}

// rule returns the rule for a department's value of a field: the most
// specific row — the department's for the field, the department's for any
// field, anyone's for the field, anyone's for any — and review without one.
func (r rules) rule(department, entity, field string) string {
	for _, k := range [][3]string{
		{department, entity, field}, {department, entity, "*"}, {"*", entity, field}, {"*", entity, "*"},
	} {
		if v, ok := r[k]; ok {
			return v
		}
	}
	return RuleReview
}
