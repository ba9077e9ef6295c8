package pdfdoc

import (
	"strings"
	"unicode"
)

// fpdf's own splitting (SplitText, MultiCell) treats a Chinese character at
// a break like a space and drops it, so every wrapped line lost one
// character. Lines are broken here instead: between any two Chinese
// characters, at spaces between Latin words, and inside a word only when it
// is wider than the line. Only spaces at a break are dropped.

// noStart are the marks that may not begin a line (行首禁则): closing
// brackets and quotes, and punctuation that follows what it closes.
const noStart = ",.;:?!)]}%\u3001\u3002\u300b\u300d\u300f\u3011\u3015\u3009\u201d\u2019\u2026\u00b7\uff0c\uff0e\uff1b\uff1a\uff1f\uff01\uff09\uff3d\uff5d\uff05"

// noEnd are the marks that may not end a line (行尾禁则): opening brackets
// and quotes, which belong with what follows.
const noEnd = "([{\u300a\u300c\u300e\u3010\u3014\u3008\u201c\u2018\uff08\uff3b\uff5b"

// breakable reports whether a line may break after r without a space: the
// CJK scripts and their punctuation.
func breakable(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) || r == '—' || r == '…' ||
		strings.ContainsRune("\u201c\u201d\u2018\u2019", r)
}

// tokens cuts a paragraph (no line feeds) into the pieces a line may not
// break inside: a CJK character with the punctuation that must stay with it,
// a Latin word, or a run of spaces.
func tokens(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = nil
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t':
			flush()
			j := i
			for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t') {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j - 1
		case strings.ContainsRune(noStart, r) && len(out) > 0 && len(cur) == 0 && !isSpace(out[len(out)-1]):
			// A closing mark joins the piece before it.
			out[len(out)-1] += string(r)
		case strings.ContainsRune(noStart, r):
			cur = append(cur, r)
		case strings.ContainsRune(noEnd, r):
			flush()
			cur = append(cur, r)
			// The opening mark and whatever follows it up to the next
			// break form one piece.
			for i+1 < len(rs) && strings.ContainsRune(noEnd, rs[i+1]) {
				i++
				cur = append(cur, rs[i])
			}
			if i+1 < len(rs) && rs[i+1] != ' ' {
				i++
				cur = append(cur, rs[i])
				if !breakable(rs[i]) {
					for i+1 < len(rs) && rs[i+1] != ' ' && !breakable(rs[i+1]) && !strings.ContainsRune(noEnd, rs[i+1]) {
						i++
						cur = append(cur, rs[i])
					}
				}
			}
			flush()
		case breakable(r):
			flush()
			out = append(out, string(r))
		default:
			cur = append(cur, r)
			if i+1 < len(rs) && (breakable(rs[i+1]) || rs[i+1] == ' ' || rs[i+1] == '\t' || strings.ContainsRune(noEnd, rs[i+1])) {
				flush()
			}
		}
	}
	flush()
	return out
}

func isSpace(tok string) bool { return strings.TrimLeft(tok, " \t") == "" }

// wrap breaks text into lines no wider than w mm as measured by width.
// Line feeds in text break lines. Each line is the run of text it holds,
// spaces at its end included: the lines of a paragraph put together give
// the paragraph back, character for character (draw them with the end
// spaces trimmed). An empty text is one empty line.
func wrap(text string, w float64, width func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		lines = append(lines, wrapPara(para, w, w, width)...)
	}
	return lines
}

// wrapPara breaks one paragraph: its first line no wider than first mm (an
// indented line), the others no wider than rest.
func wrapPara(para string, first, rest float64, width func(string) float64) []string {
	var lines []string
	var line strings.Builder
	lw, w := 0.0, first
	ink := false // the line holds more than spaces
	emit := func() {
		lines = append(lines, line.String())
		line.Reset()
		lw, w, ink = 0, rest, false
	}
	for _, tok := range tokens(para) {
		tw := width(tok)
		if isSpace(tok) {
			if !ink && len(lines) > 0 {
				// Spaces at a break stay at the end of the line before.
				lines[len(lines)-1] += tok
				continue
			}
			line.WriteString(tok)
			lw += tw
			continue
		}
		if lw+tw <= w+1e-9 {
			line.WriteString(tok)
			lw += tw
			ink = true
			continue
		}
		if ink {
			emit()
		}
		if tw <= w+1e-9 {
			line.WriteString(tok)
			lw, ink = tw, true
			continue
		}
		// A piece wider than the line (a long number or address code)
		// is cut between characters.
		for _, r := range tok {
			rw := width(string(r))
			if lw+rw > w+1e-9 && ink {
				emit()
			}
			line.WriteRune(r)
			lw += rw
			ink = true
		}
	}
	if line.Len() > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

// trim is a line as drawn: without the spaces at its end.
func trim(line string) string { return strings.TrimRight(line, " \t") }
