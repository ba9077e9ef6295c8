package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Rule is a validation rule (校验规则): two sums of indicator values
// compared, e.g. D001 <= D002 or A001 = A002 + A003 + A004 + A005. Where a
// report holds every indicator a rule names and the comparison fails, the
// report shows the rule's message as a warning.
type Rule struct {
	ID        int64  `json:"id"`
	Expr      string `json:"expr"`
	Message   string `json:"message"`
	Sample    bool   `json:"sample"`
	Version   int    `json:"version"`
	UpdatedAt string `json:"updated_at"`
	UpdatedBy string `json:"updated_by"`

	left, right []term
	op          string
}

type term struct {
	sign float64
	code string // "" for a number
	num  float64
}

// parseRule reads the expression of a rule; errors are in Chinese.
func parseRule(expr string) (left []term, op string, right []term, err error) {
	s := strings.NewReplacer("≤", "<=", "≥", ">=", "≠", "!=", "＝", "=", "＋", "+", "－", "-", "＜", "<", "＞", ">", "　", " ").Replace(expr)
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '+' || r == '-':
			toks = append(toks, string(r))
			i++
		case r == '<' || r == '>' || r == '=' || r == '!':
			t := string(r)
			if i+1 < len(rs) && rs[i+1] == '=' {
				t += "="
				i++
			}
			if t == "==" {
				t = "="
			}
			if t == "!" {
				return nil, "", nil, fmt.Errorf("第 %d 个字符处:「!」后应为「=」", i+1)
			}
			toks = append(toks, t)
			i++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == '_' || (rs[j] == '-' && j > i && unicode.IsLetter(rs[i]))) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			return nil, "", nil, fmt.Errorf("第 %d 个字符处:无法识别「%c」", i+1, r)
		}
	}
	sides := [2][]term{}
	side := 0
	sign := 1.0
	expect := true // expecting an operand
	for _, t := range toks {
		switch t {
		case "+", "-":
			if expect && len(sides[side]) > 0 {
				return nil, "", nil, fmt.Errorf("「%s」之前缺少指标编码或数字", t)
			}
			if t == "-" {
				sign = -sign
			}
			expect = true
		case "<", "<=", ">", ">=", "=", "!=":
			if op != "" {
				return nil, "", nil, fmt.Errorf("只能有一个比较符号(已有「%s」)", op)
			}
			if len(sides[0]) == 0 || expect {
				return nil, "", nil, fmt.Errorf("比较符号「%s」左边缺少指标编码", t)
			}
			op, side, sign, expect = t, 1, 1, true
		default:
			if !expect {
				return nil, "", nil, fmt.Errorf("「%s」之前缺少「+」或「-」", t)
			}
			if x, err := strconv.ParseFloat(t, 64); err == nil {
				sides[side] = append(sides[side], term{sign: sign, num: x})
			} else {
				sides[side] = append(sides[side], term{sign: sign, code: t})
			}
			sign, expect = 1, false
		}
	}
	if op == "" {
		return nil, "", nil, errors.New("缺少比较符号,例如 D001 <= D002")
	}
	if len(sides[1]) == 0 || expect {
		return nil, "", nil, fmt.Errorf("比较符号「%s」右边缺少指标编码或数字", op)
	}
	return sides[0], op, sides[1], nil
}

func (r *Rule) parse() error {
	l, op, rt, err := parseRule(r.Expr)
	if err != nil {
		return err
	}
	r.left, r.op, r.right = l, op, rt
	return nil
}

// Codes lists the indicator codes the rule names.
func (r *Rule) Codes() []string {
	var out []string
	for _, t := range append(append([]term(nil), r.left...), r.right...) {
		if t.code != "" {
			out = append(out, t.code)
		}
	}
	return out
}

func (r *Rule) uses(code string) bool {
	for _, c := range r.Codes() {
		if c == code {
			return true
		}
	}
	return false
}

// Check evaluates the rule on values by indicator code: ok is false when
// the comparison fails; applicable is false when a value is missing.
func (r *Rule) Check(values map[string]float64) (left, right float64, ok, applicable bool) {
	sum := func(ts []term) (float64, bool) {
		var s float64
		for _, t := range ts {
			v := t.num
			if t.code != "" {
				x, found := values[t.code]
				if !found || math.IsNaN(x) {
					return 0, false
				}
				v = x
			}
			s += t.sign * v
		}
		return s, true
	}
	l, okL := sum(r.left)
	rt, okR := sum(r.right)
	if !okL || !okR {
		return l, rt, true, false
	}
	const eps = 1e-9
	switch r.op {
	case "<":
		ok = l < rt
	case "<=":
		ok = l <= rt+eps
	case ">":
		ok = l > rt
	case ">=":
		ok = l+eps >= rt
	case "=":
		ok = math.Abs(l-rt) <= eps
	case "!=":
		ok = math.Abs(l-rt) > eps
	}
	return l, rt, ok, true
}

// Rules lists the validation rules.
func (s *Service) Rules(ctx context.Context) ([]*Rule, error) { return s.rulesTx(ctx, s.db) }

func (s *Service) rulesTx(ctx context.Context, q database.Querier) ([]*Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, expr, message, sample, version, updated_at, updated_by
		FROM indicator_rules ORDER BY sample DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Rule
	for rows.Next() {
		r := &Rule{}
		var sample int
		if err := rows.Scan(&r.ID, &r.Expr, &r.Message, &sample, &r.Version, &r.UpdatedAt, &r.UpdatedBy); err != nil {
			return nil, err
		}
		r.Sample = sample != 0
		if r.parse() != nil {
			continue // a rule saved before a parser change; shown in the editor
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveRule creates (ID 0) or changes a rule after checking its expression
// names existing indicators.
func (s *Service) SaveRule(ctx context.Context, by string, r *Rule) error {
	fe := fault.Fields{}
	r.Expr, r.Message = strings.TrimSpace(r.Expr), strings.TrimSpace(r.Message)
	if err := r.parse(); err != nil {
		fe["expr"] = err.Error()
	} else {
		inds, err := s.indicatorMap(ctx, s.db)
		if err != nil {
			return err
		}
		for _, c := range r.Codes() {
			if _, ok := inds[c]; !ok {
				fe["expr"] = fmt.Sprintf("指标 %s 不存在", c)
				break
			}
		}
	}
	if r.Message == "" {
		fe["message"] = "请填写不满足规则时显示的提示"
	}
	if len(fe) > 0 {
		return fe
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if r.ID == 0 {
			r.ID, r.Version = database.NewID(), 1
			_, err := tx.ExecContext(ctx, `INSERT INTO indicator_rules (id, expr, message, sample, version, updated_at, updated_by)
				VALUES ($1, $2, $3, 0, 1, $4, $5)`, r.ID, r.Expr, r.Message, now, by)
			return err
		}
		var cur int
		var curBy, curAt string
		err := tx.QueryRowContext(ctx, `SELECT version, updated_by, updated_at FROM indicator_rules WHERE id = $1`, r.ID).Scan(&cur, &curBy, &curAt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if cur != r.Version {
			return &ConflictError{What: "校验规则", By: curBy, At: curAt, Current: cur, Attempted: r.Version}
		}
		_, err = tx.ExecContext(ctx, `UPDATE indicator_rules SET expr = $1, message = $2, version = version + 1,
			updated_at = $3, updated_by = $4 WHERE id = $5`, r.Expr, r.Message, now, by, r.ID)
		r.Version++
		return err
	})
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM indicator_rules WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
