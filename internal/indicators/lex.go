package indicators

import (
	"strings"
	"unicode"
)

// The filter language is lexed into words, numbers, quoted strings,
// comparison operators, parentheses and commas. Full-width forms typed with
// a Chinese input method (＝ （ ） ， ≥ 、) are read as their ASCII
// counterparts so that 年龄≥60 and 年龄 >= 60 mean the same.

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tNumber
	tString
	tOp     // = != < <= > >=
	tLParen // (
	tRParen // )
	tComma  // , or 、
)

type token struct {
	kind tokKind
	text string // as written (normalised), without quotes for strings
	pos  int    // 1-based rune position in the expression
}

// normalRune maps full-width ASCII and CJK punctuation to ASCII.
func normalRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + 0x21
	case r == 0x3000:
		return ' '
	case r == '、':
		return ','
	}
	return r
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '·'
}

// lex splits an expression into tokens or returns an error at the first
// character it cannot read.
func lex(src string) ([]token, error) {
	rs := []rune(src)
	for i, r := range rs {
		rs[i] = normalRune(r)
	}
	var out []token
	i := 0
	for i < len(rs) {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, token{tLParen, "(", pos})
			i++
		case r == ')':
			out = append(out, token{tRParen, ")", pos})
			i++
		case r == ',':
			out = append(out, token{tComma, ",", pos})
			i++
		case r == '≤':
			out = append(out, token{tOp, "<=", pos})
			i++
		case r == '≥':
			out = append(out, token{tOp, ">=", pos})
			i++
		case r == '≠':
			out = append(out, token{tOp, "!=", pos})
			i++
		case r == '=' || r == '<' || r == '>' || r == '!':
			op := string(r)
			if i+1 < len(rs) && (rs[i+1] == '=' || (r == '<' && rs[i+1] == '>')) {
				op += string(rs[i+1])
			}
			i += len([]rune(op))
			switch op {
			case "==":
				op = "="
			case "<>":
				op = "!="
			case "!":
				out = append(out, token{tWord, "非", pos})
				continue
			}
			out = append(out, token{tOp, op, pos})
		case r == '&' || r == '|':
			if i+1 < len(rs) && rs[i+1] == r {
				w := "且"
				if r == '|' {
					w = "或"
				}
				out = append(out, token{tWord, w, pos})
				i += 2
				continue
			}
			return nil, errAt(pos, "无法识别的符号「%c」", r)
		case r == '"' || r == '\'' || r == '“' || r == '「' || r == '‘' || r == '『':
			closeR := map[rune]rune{'"': '"', '\'': '\'', '“': '”', '「': '」', '‘': '’', '『': '』'}[r]
			j := i + 1
			for j < len(rs) && rs[j] != closeR {
				j++
			}
			if j >= len(rs) {
				return nil, errAt(pos, "引号没有闭合")
			}
			out = append(out, token{tString, string(rs[i+1 : j]), pos})
			i = j + 1
		case isWordRune(r) || (r == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1])):
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			kind := tWord
			if isNumber(w) {
				kind = tNumber
			}
			out = append(out, token{kind, w, pos})
			i = j
		default:
			return nil, errAt(pos, "无法识别的字符「%c」", r)
		}
	}
	out = append(out, token{tEOF, "", len(rs) + 1})
	return out, nil
}

func isNumber(s string) bool {
	digits, dot := 0, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dot++
		case r == '-' && i == 0:
		default:
			return false
		}
	}
	return digits > 0 && dot <= 1
}

// Keywords of the filter language, Chinese first, as typed.
const (
	kwAnd     = "且"
	kwOr      = "或"
	kwNot     = "非"
	kwHas     = "含"
	kwNotHas  = "不含"
	kwIn      = "属于"
	kwNotIn   = "不属于"
	kwBetween = "在"
	kwTo      = "到"
	kwAll     = "全部"
)

var keywords = map[string]string{
	"且": kwAnd, "并且": kwAnd, "and": kwAnd,
	"或": kwOr, "或者": kwOr, "or": kwOr,
	"非": kwNot, "not": kwNot,
	"含": kwHas, "包含": kwHas, "has": kwHas,
	"不含": kwNotHas, "不包含": kwNotHas,
	"属于": kwIn, "in": kwIn,
	"不属于": kwNotIn,
	"在":   kwBetween, "between": kwBetween,
	"到": kwTo, "至": kwTo,
	"全部": kwAll, "所有": kwAll, "all": kwAll,
}

// keyword returns the canonical keyword a word stands for, or "".
func keyword(w string) string { return keywords[strings.ToLower(w)] }

// containsKeyword reports a keyword glued to other text (性别=女且年龄),
// to suggest spaces in the error message.
func containsKeyword(w string) string {
	for _, k := range []string{"且", "或", "不含", "含", "属于", "到"} {
		if strings.Contains(w, k) && w != k {
			return k
		}
	}
	return ""
}
