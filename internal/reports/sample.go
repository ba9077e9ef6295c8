package reports

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"shequ/internal/database"
	"shequ/internal/indicators"
)

// The sample template (示例): a monthly community report of 13 大类, 56 小类
// and 358 项 — the size of the report one Shenzhen community filed every
// month — built from the register's fields, in sample/monthly.txt.

//go:embed sample/monthly.txt
var sampleMonthly string

// SampleCode is the code of the sample template.
const SampleCode = "SQ-MONTHLY"

// sampleDef is the parsed sample file.
type sampleDef struct {
	template   Template
	indicators []indicators.Indicator
	rules      []Rule
}

var freqOf = map[string]string{"月": indicators.Monthly, "季": indicators.Quarterly, "年": indicators.Yearly}

// parseSample reads the sample file format (see its header).
func parseSample(text string) (*sampleDef, error) {
	d := &sampleDef{}
	var cat, sub *Section
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		bad := func(msg string) error { return fmt.Errorf("示例模板第 %d 行:%s", n+1, msg) }
		switch f[0] {
		case "模板":
			if len(f) != 7 {
				return nil, bad("模板行应有 7 个字段")
			}
			d.template = Template{Code: f[1], Name: f[2], Frequency: freqOf[f[3]], Department: f[4], Sheet: f[5],
				Description: f[6], Sample: true, TitleCell: "A1", UnitCell: "A2", PeriodCell: "D2"}
		case "大类":
			cat = &Section{Name: f[1]}
			d.template.Sections = append(d.template.Sections, cat)
		case "小类":
			if cat == nil {
				return nil, bad("小类之前缺少大类")
			}
			sub = &Section{Name: f[1]}
			cat.Subs = append(cat.Subs, sub)
		case "项":
			if sub == nil || len(f) != 11 && len(f) != 12 {
				return nil, bad("项应在小类之下,有 11 或 12 个字段")
			}
			ind := indicators.Indicator{Code: f[1], Name: f[2], Filter: f[4], Unit: f[7], Department: f[8]}
			m, arg, err := indicators.ParseMeasure(f[5])
			if err != nil {
				return nil, bad(err.Error())
			}
			ind.Measure = m
			ind.Decimals = indicators.DefaultDecimals(m)
			if len(f) == 12 {
				if ind.Decimals, err = strconv.Atoi(f[11]); err != nil || ind.Decimals < 0 || ind.Decimals > indicators.MaxDecimals {
					return nil, bad("小数位应为 0 到 4")
				}
			}
			switch m {
			case indicators.Share:
				ind.Of = arg
			default:
				ind.Field = arg
			}
			if m != indicators.Manual {
				if ind.Rule, err = indicators.ParseRule(f[6]); err != nil {
					return nil, bad(err.Error())
				}
				ind.Entity = f[3]
			} else {
				ind.Rule, ind.Filter = indicators.AtEnd, ""
			}
			if ind.Filter == "全部" {
				ind.Filter = ""
			}
			d.indicators = append(d.indicators, ind)
			sub.Items = append(sub.Items, &Item{Label: f[2], Indicator: f[1], Department: f[8], Frequency: freqOf[f[9]], Cell: f[10]})
		case "校验":
			if len(f) != 3 {
				return nil, bad("校验行应有 3 个字段")
			}
			d.rules = append(d.rules, Rule{Expr: f[1], Message: f[2], Sample: true})
		default:
			return nil, bad("无法识别的行")
		}
	}
	return d, nil
}

// InstallSample installs the sample template, its indicators and rules,
// unless a template with its code exists. It reports whether it installed.
func (s *Service) InstallSample(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_templates WHERE code = $1`, SampleCode).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	d, err := parseSample(sampleMonthly)
	if err != nil {
		return false, err
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		return false, err
	}
	known := map[string]indicators.Indicator{}
	for _, ind := range d.indicators {
		known[ind.Code] = ind
	}
	for i := range d.indicators {
		c, err := indicators.Compile(reg, d.indicators[i], func(code string) (indicators.Indicator, bool) {
			o, ok := known[code]
			return o, ok
		})
		if err != nil {
			return false, fmt.Errorf("示例指标 %s:%w", d.indicators[i].Code, err)
		}
		d.indicators[i].Entity, d.indicators[i].Field = c.Indicator.Entity, c.Indicator.Field
	}
	now := database.FormatTime(s.now())
	by := "示例"
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		existing, err := s.indicatorMap(ctx, tx)
		if err != nil {
			return err
		}
		for _, ind := range d.indicators {
			if _, ok := existing[ind.Code]; ok {
				continue // an administrator's indicator with the same code is kept
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO indicators (code, name, entity, filter_expr, measure, field,
				denominator, period_rule, unit, decimals, department, note, sample, version, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', 1, 1, $12, $13)`,
				ind.Code, ind.Name, ind.Entity, ind.Filter, ind.Measure, ind.Field, ind.Of, ind.Rule, ind.Unit, ind.Decimals,
				nullText(ind.Department), now, by); err != nil {
				return err
			}
		}
		t := d.template
		if err := s.saveTemplateTx(ctx, tx, by, now, &t); err != nil {
			return err
		}
		for _, r := range d.rules {
			if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_rules (id, expr, message, sample, version, updated_at, updated_by)
				VALUES ($1, $2, $3, 1, 1, $4, $5)`, database.NewID(), r.Expr, r.Message, now, by); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}
