package register

import (
	"strings"
	"unicode"
)

// Chinese names and addresses have no spaces and the commonest query is two
// characters (张三), which neither SQLite's trigram tokenizer nor pg_trgm can
// serve from an index. So the application writes its own tokens into each
// row's search column — every character and every pair of adjacent
// characters, and every run of four digits for ID and phone numbers — and
// both engines index those space-separated tokens as they are.

const digitGram = 4

// searchTokens returns the distinct tokens to index for the given texts.
func searchTokens(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, text := range texts {
		for _, run := range runs(normalise(text)) {
			r := []rune(run.text)
			if run.digits {
				if len(r) < digitGram {
					add(run.text)
					continue
				}
				for i := 0; i+digitGram <= len(r); i++ {
					add(string(r[i : i+digitGram]))
				}
				continue
			}
			for i := range r {
				add(string(r[i]))
				if i+1 < len(r) {
					add(string(r[i : i+2]))
				}
			}
		}
	}
	return out
}

// SearchText is the value of a row's search column.
func SearchText(texts ...string) string { return strings.Join(searchTokens(texts...), " ") }

// queryTokens returns the tokens a query term must all match: its pairs of
// characters (or the character itself) and its digit 4-grams. short is true
// when a digit run is too short to be looked up by itself.
func queryTokens(term string) (tokens []string, short bool) {
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			tokens = append(tokens, t)
		}
	}
	for _, run := range runs(normalise(term)) {
		r := []rune(run.text)
		switch {
		case run.digits && len(r) < digitGram:
			short = true
		case run.digits:
			for i := 0; i+digitGram <= len(r); i++ {
				add(string(r[i : i+digitGram]))
			}
		case len(r) == 1:
			add(run.text)
		default:
			for i := 0; i+1 < len(r); i++ {
				add(string(r[i : i+2]))
			}
		}
	}
	return tokens, short
}

type textRun struct {
	text   string
	digits bool
}

// runs splits text into runs of digits (with the X of ID numbers) and runs of
// other letters; everything else separates runs.
func runs(s string) []textRun {
	var out []textRun
	var cur []rune
	curDigits := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, textRun{text: string(cur), digits: curDigits})
			cur = cur[:0]
		}
	}
	for _, r := range s {
		isDigit := r >= '0' && r <= '9' || (r == 'x' && curDigits)
		isLetter := unicode.IsLetter(r)
		switch {
		case isDigit:
			if !curDigits {
				flush()
			}
			curDigits = true
			cur = append(cur, r)
		case isLetter:
			if curDigits {
				flush()
			}
			curDigits = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// normalise folds full-width forms and case so that a query typed on a
// phone's Chinese keyboard matches.
func normalise(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			r = r - '！' + '!'
		case r == '　':
			r = ' '
		}
		return unicode.ToLower(r)
	}, s)
}
