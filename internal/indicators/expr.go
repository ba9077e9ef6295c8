package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"shequ/internal/fault"
)

// The filter of an indicator is a small expression over its entity's
// fields, written the way an administrator would say it:
//
//	性别 = 女 且 年龄 在 15 到 49
//	人口类别 属于 (户籍, 常住) 且 非 标签 含 低保
//	户人数 = 1 且 成员最小年龄 >= 60
//	(标签 含 低保 或 标签 含 特困) 且 年龄 >= 60
//
// Conditions: 字段 = 值, !=, <, <=, >, >= (numbers), 字段 在 a 到 b
// (inclusive), 字段 属于 (值, 值…), 字段 不属于 (…), 字段 含 值 and 字段 不含 值
// (multi-value fields such as 标签), and a yes/no field alone (有工作单位).
// They combine with 且, 或, 非 and parentheses; 全部 (or an empty filter)
// takes every record. Values are written as their Chinese names or codes;
// English words (and, or, not, in, has, between) and full-width symbols
// work too. Keywords stand apart from other words (spaces or brackets).

// ExprError is a mistake in a filter, at a character position (1-based).
type ExprError struct {
	Pos int
	Msg string
}

func (e *ExprError) Error() string { return fmt.Sprintf("第 %d 个字符处:%s", e.Pos, e.Msg) }

func errAt(pos int, format string, args ...any) *ExprError {
	return &ExprError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Op is a comparison of a condition.
type Op int

const (
	OpEq Op = iota
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpIn
	OpNotIn
	OpBetween
	OpHas
	OpNotHas
	OpTrue
)

// Node is a parsed filter.
type Node interface {
	eval(v *Values) bool
	String() string
}

type allNode struct{}

type andNode struct{ l, r Node }
type orNode struct{ l, r Node }
type notNode struct{ x Node }

// Cond is one condition on one field.
type Cond struct {
	Field *Field
	Op    Op
	Nums  []float64 // Number constants (one, or two for 在 … 到 …)
	Vals  []int     // Enum/Set value indices
	Pos   int
}

func (allNode) eval(*Values) bool     { return true }
func (allNode) String() string        { return kwAll }
func (n andNode) eval(v *Values) bool { return n.l.eval(v) && n.r.eval(v) }
func (n orNode) eval(v *Values) bool  { return n.l.eval(v) || n.r.eval(v) }
func (n notNode) eval(v *Values) bool { return !n.x.eval(v) }

func (n andNode) String() string { return wrapOr(n.l) + " 且 " + wrapOr(n.r) }
func (n orNode) String() string  { return n.l.String() + " 或 " + n.r.String() }
func (n notNode) String() string {
	if _, ok := n.x.(*Cond); ok {
		return "非 " + n.x.String()
	}
	return "非 (" + n.x.String() + ")"
}

func wrapOr(n Node) string {
	if _, ok := n.(orNode); ok {
		return "(" + n.String() + ")"
	}
	return n.String()
}

func (c *Cond) eval(v *Values) bool {
	f := c.Field
	switch f.Kind {
	case Enum, Bool:
		x := int(v.Enum[f.slot])
		switch c.Op {
		case OpEq, OpIn:
			return containsInt(c.Vals, x)
		case OpNe, OpNotIn:
			return !containsInt(c.Vals, x)
		case OpTrue:
			return x == 1
		}
	case Number:
		x := v.Num[f.slot]
		if math.IsNaN(x) {
			return c.Op == OpNe
		}
		switch c.Op {
		case OpEq:
			return x == c.Nums[0]
		case OpNe:
			return x != c.Nums[0]
		case OpLt:
			return x < c.Nums[0]
		case OpLe:
			return x <= c.Nums[0]
		case OpGt:
			return x > c.Nums[0]
		case OpGe:
			return x >= c.Nums[0]
		case OpBetween:
			return x >= c.Nums[0] && x <= c.Nums[1]
		}
	case Set:
		s := v.Set[f.slot]
		any := false
		for _, b := range c.Vals {
			if s&(1<<uint(b)) != 0 {
				any = true
				break
			}
		}
		if c.Op == OpNotHas {
			return !any
		}
		return any
	}
	return false
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

var opText = map[Op]string{OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">="}

// String renders the condition in the canonical Chinese form.
func (c *Cond) String() string {
	f := c.Field
	names := func() []string {
		var out []string
		for _, i := range c.Vals {
			out = append(out, quoteIfNeeded(f.Values[i].Name))
		}
		return out
	}
	switch c.Op {
	case OpTrue:
		return f.Label
	case OpBetween:
		return fmt.Sprintf("%s 在 %s 到 %s", f.Label, num(c.Nums[0]), num(c.Nums[1]))
	case OpIn, OpNotIn:
		kw := kwIn
		if c.Op == OpNotIn {
			kw = kwNotIn
		}
		return fmt.Sprintf("%s %s (%s)", f.Label, kw, strings.Join(names(), ", "))
	case OpHas, OpNotHas:
		kw := kwHas
		if c.Op == OpNotHas {
			kw = kwNotHas
		}
		n := names()
		if len(n) == 1 {
			return fmt.Sprintf("%s %s %s", f.Label, kw, n[0])
		}
		return fmt.Sprintf("%s %s (%s)", f.Label, kw, strings.Join(n, ", "))
	}
	if f.Kind == Number {
		return fmt.Sprintf("%s %s %s", f.Label, opText[c.Op], num(c.Nums[0]))
	}
	if f.Kind == Bool {
		v := "是"
		if c.Vals[0] == 0 {
			v = "否"
		}
		return fmt.Sprintf("%s %s %s", f.Label, opText[c.Op], v)
	}
	return fmt.Sprintf("%s %s %s", f.Label, opText[c.Op], strings.Join(names(), ", "))
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func quoteIfNeeded(s string) string {
	for _, r := range s {
		if !isWordRune(r) {
			return "「" + s + "」"
		}
	}
	if keyword(s) != "" {
		return "「" + s + "」"
	}
	return s
}

// Parse reads a filter for entity e. An empty filter is 全部.
func Parse(e *Entity, src string) (Node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{e: e, toks: toks}
	if p.peek().kind == tEOF {
		return allNode{}, nil
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, errAt(t.pos, "多余的右括号")
		}
		return nil, errAt(t.pos, "「%s」之前应有「且」或「或」连接两个条件", t.text)
	}
	return n, nil
}

type parser struct {
	e    *Entity
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isKw(kw string) bool {
	t := p.peek()
	return t.kind == tWord && keyword(t.text) == kw
}

func (p *parser) or() (Node, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isKw(kwOr) {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) and() (Node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isKw(kwAnd) {
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) unary() (Node, error) {
	if p.isKw(kwNot) {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	t := p.peek()
	switch {
	case t.kind == tLParen:
		p.next()
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tRParen {
			return nil, errAt(c.pos, "缺少与第 %d 个字符处左括号对应的右括号", t.pos)
		}
		p.next()
		return n, nil
	case t.kind == tWord && keyword(t.text) == kwAll:
		p.next()
		return allNode{}, nil
	case t.kind == tEOF:
		return nil, errAt(t.pos, "条件不完整,此处缺少条件")
	case t.kind != tWord && t.kind != tString:
		return nil, errAt(t.pos, "此处应为字段名,而不是「%s」", t.text)
	}
	return p.cond()
}

func (p *parser) cond() (Node, error) {
	ft := p.next()
	f := p.e.Field(ft.text)
	if f == nil {
		if kw := keyword(ft.text); kw != "" {
			return nil, errAt(ft.pos, "「%s」之前缺少条件", ft.text)
		}
		msg := fmt.Sprintf("%s没有字段「%s」。可用字段:%s", p.e.Label, ft.text, strings.Join(p.e.fieldNames(Enum, Number, Set, Bool), "、"))
		if kw := containsKeyword(ft.text); kw != "" {
			msg += fmt.Sprintf("。关键词「%s」前后请加空格", kw)
		}
		return nil, errAt(ft.pos, "%s", msg)
	}
	c := &Cond{Field: f, Pos: ft.pos}
	if f.Kind == Ref {
		return nil, errAt(ft.pos, "「%s」是关联记录,只能用于去重计数,不能作为条件", f.Label)
	}
	t := p.peek()
	// A yes/no field alone is true when yes.
	if f.Kind == Bool && (t.kind == tEOF || t.kind == tRParen || (t.kind == tWord && (keyword(t.text) == kwAnd || keyword(t.text) == kwOr))) {
		c.Op = OpTrue
		return c, nil
	}
	if t.kind == tWord && keyword(t.text) == kwNot {
		// 字段 非 属于 (…) / not in / not has
		p.next()
		nt := p.peek()
		switch keyword(nt.text) {
		case kwIn:
			p.toks[p.i].text = kwNotIn
		case kwHas:
			p.toks[p.i].text = kwNotHas
		default:
			return nil, errAt(nt.pos, "「非」之后应为「属于」或「含」")
		}
	}
	t = p.next()
	switch {
	case t.kind == tOp:
		return p.compare(c, t)
	case t.kind == tWord:
		switch keyword(t.text) {
		case kwIn, kwNotIn:
			if f.Kind != Enum {
				return nil, errAt(t.pos, "「%s」%s", f.Label, kindHint(f))
			}
			c.Op = OpIn
			if keyword(t.text) == kwNotIn {
				c.Op = OpNotIn
			}
			vals, err := p.valueList(f, true)
			if err != nil {
				return nil, err
			}
			c.Vals = vals
			return c, nil
		case kwHas, kwNotHas:
			if f.Kind != Set {
				return nil, errAt(t.pos, "「%s」%s", f.Label, kindHint(f))
			}
			c.Op = OpHas
			if keyword(t.text) == kwNotHas {
				c.Op = OpNotHas
			}
			vals, err := p.valueList(f, false)
			if err != nil {
				return nil, err
			}
			c.Vals = vals
			return c, nil
		case kwBetween:
			if f.Kind != Number {
				return nil, errAt(t.pos, "「%s」%s", f.Label, kindHint(f))
			}
			a, err := p.number(f)
			if err != nil {
				return nil, err
			}
			if !p.isKw(kwTo) && !p.isKw(kwAnd) {
				return nil, errAt(p.peek().pos, "「在 %s」之后应为「到」和上限,例如 %s 在 %s 到 49", num(a), f.Label, num(a))
			}
			p.next()
			b, err := p.number(f)
			if err != nil {
				return nil, err
			}
			if b < a {
				return nil, errAt(t.pos, "范围的下限 %s 大于上限 %s", num(a), num(b))
			}
			c.Op, c.Nums = OpBetween, []float64{a, b}
			return c, nil
		}
	}
	if t.kind == tEOF {
		return nil, errAt(t.pos, "「%s」之后缺少比较,%s", f.Label, kindHint(f))
	}
	return nil, errAt(t.pos, "「%s」之后应为比较符号,%s", f.Label, kindHint(f))
}

// kindHint says how a field of each kind is compared.
func kindHint(f *Field) string {
	switch f.Kind {
	case Number:
		return fmt.Sprintf("它是数值,例如 %s >= 60 或 %s 在 15 到 49", f.Label, f.Label)
	case Set:
		ex := "…"
		if len(f.Values) > 0 {
			ex = f.Values[0].Name
		}
		return fmt.Sprintf("它可有多个取值,请用「含」或「不含」,例如 %s 含 %s", f.Label, ex)
	case Bool:
		return fmt.Sprintf("它是是/否字段,例如 %s 或 非 %s", f.Label, f.Label)
	}
	ex := "…"
	if len(f.Values) > 0 {
		ex = f.Values[0].Name
	}
	return fmt.Sprintf("请用 =、!=、属于 或 不属于,例如 %s = %s", f.Label, ex)
}

func (p *parser) compare(c *Cond, t token) (Node, error) {
	f := c.Field
	switch t.text {
	case "=":
		c.Op = OpEq
	case "!=":
		c.Op = OpNe
	case "<":
		c.Op = OpLt
	case "<=":
		c.Op = OpLe
	case ">":
		c.Op = OpGt
	case ">=":
		c.Op = OpGe
	}
	switch f.Kind {
	case Number:
		x, err := p.number(f)
		if err != nil {
			return nil, err
		}
		c.Nums = []float64{x}
		return c, nil
	case Set:
		return nil, errAt(t.pos, "「%s」%s", f.Label, kindHint(f))
	case Bool:
		if c.Op != OpEq && c.Op != OpNe {
			return nil, errAt(t.pos, "「%s」%s", f.Label, kindHint(f))
		}
		v := p.next()
		switch v.text {
		case "是", "有", "true", "1":
			c.Vals = []int{1}
		case "否", "无", "false", "0":
			c.Vals = []int{0}
		default:
			return nil, errAt(v.pos, "「%s」的取值应为 是 或 否", f.Label)
		}
		return c, nil
	}
	if c.Op != OpEq && c.Op != OpNe {
		return nil, errAt(t.pos, "「%s」不是数值,不能用「%s」比较;%s", f.Label, t.text, kindHint(f))
	}
	v, err := p.value(f)
	if err != nil {
		return nil, err
	}
	c.Vals = []int{v}
	return c, nil
}

func (p *parser) number(f *Field) (float64, error) {
	t := p.next()
	if t.kind != tNumber {
		if t.kind == tEOF {
			return 0, errAt(t.pos, "「%s」之后缺少数字", f.Label)
		}
		return 0, errAt(t.pos, "「%s」应与数字比较,「%s」不是数字", f.Label, t.text)
	}
	x, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		return 0, errAt(t.pos, "「%s」不是数字", t.text)
	}
	return x, nil
}

func (p *parser) value(f *Field) (int, error) {
	t := p.next()
	if t.kind == tEOF {
		return 0, errAt(t.pos, "「%s」之后缺少取值", f.Label)
	}
	if t.kind != tWord && t.kind != tString && t.kind != tNumber {
		return 0, errAt(t.pos, "此处应为「%s」的取值,而不是「%s」", f.Label, t.text)
	}
	i := f.ValueIndex(t.text)
	if i < 0 {
		msg := fmt.Sprintf("「%s」没有取值「%s」。可选:%s", f.Label, t.text, valueNames(f))
		if kw := containsKeyword(t.text); kw != "" {
			msg += fmt.Sprintf("。关键词「%s」前后请加空格", kw)
		}
		return 0, errAt(t.pos, "%s", msg)
	}
	return i, nil
}

// valueList reads one value or a bracketed list of them.
func (p *parser) valueList(f *Field, needParens bool) ([]int, error) {
	if p.peek().kind != tLParen {
		if needParens {
			v, err := p.value(f)
			if err != nil {
				return nil, err
			}
			return []int{v}, nil
		}
		v, err := p.value(f)
		if err != nil {
			return nil, err
		}
		return []int{v}, nil
	}
	open := p.next()
	var out []int
	for {
		v, err := p.value(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		t := p.next()
		if t.kind == tRParen {
			return out, nil
		}
		if t.kind != tComma {
			return nil, errAt(t.pos, "取值之间用逗号分隔,并以右括号结束(左括号在第 %d 个字符)", open.pos)
		}
	}
}

func valueNames(f *Field) string {
	var out []string
	for i, v := range f.Values {
		if i == 40 {
			out = append(out, "…")
			break
		}
		out = append(out, v.Name)
	}
	return strings.Join(out, "、")
}

// conds lists the conditions of a filter.
func conds(n Node, out []*Cond) []*Cond {
	switch x := n.(type) {
	case *Cond:
		return append(out, x)
	case andNode:
		return conds(x.r, conds(x.l, out))
	case orNode:
		return conds(x.r, conds(x.l, out))
	case notNode:
		return conds(x.x, out)
	}
	return out
}

// Conds lists the conditions of a parsed filter, in the order written.
func Conds(n Node) []*Cond { return conds(n, nil) }

var nan = math.NaN()

// FaultKind makes a bad expression a fault.Invalid: it is the editor's
// input, answered next to the expression field.
func (e *ExprError) FaultKind() fault.Kind { return fault.Invalid }
