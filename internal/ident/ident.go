// Package ident validates and normalises the identifiers the register keeps:
// resident ID numbers (居民身份证, GB 11643), other identity documents of
// foreigners and 港澳台 residents, unified social credit codes (统一社会信用代码,
// GB 32100) and phone numbers.
//
// Every parser takes what people actually type or paste from a spreadsheet
// (full-width characters, spaces, lower-case x, an Excel text apostrophe) and
// returns the one canonical form, so the same person or organisation is
// stored the same way whichever form it came through. Failures are *Error
// values whose message is short Simplified Chinese, fit to show beside the
// form field that caused it.
package ident

import (
	"strings"
	"unicode"
)

// ErrorKind says what was wrong, for code that reacts differently to, say,
// a bad check digit (likely a typo) and a bad area code.
type ErrorKind string

const (
	KindEmpty  ErrorKind = "empty"  // nothing was entered
	KindLength ErrorKind = "length" // wrong number of characters
	KindChars  ErrorKind = "chars"  // characters the identifier cannot contain
	KindFormat ErrorKind = "format" // right characters in the wrong pattern
	KindArea   ErrorKind = "area"   // unknown administrative division code
	KindBirth  ErrorKind = "birth"  // impossible birth date
	KindCheck  ErrorKind = "check"  // check digit does not match
	KindType   ErrorKind = "type"   // unknown document type
)

// Error is a validation failure; Msg is written for the person typing and
// is what Error() returns, so callers can show err.Error() as it is.
type Error struct {
	Kind ErrorKind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func fail(kind ErrorKind, msg string) error { return &Error{Kind: kind, Msg: msg} }

// normalise folds what keyboards and spreadsheets produce toward plain ASCII:
// full-width forms (０-９, Ａ-Ｚ, ｘ, －) become half-width, letters are
// upper-cased, and every space, zero-width character and byte-order mark is
// dropped. A leading apostrophe, Excel's "store as text" marker, goes too;
// no identifier here contains one.
func normalise(s string) string {
	if plain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～': // U+FF01–FF5E mirror ASCII 0x21–0x7E
			r = r - '！' + '!'
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return strings.TrimPrefix(b.String(), "'")
}

// plain reports whether normalise would give s back as it is: printable
// ASCII without spaces, lower-case letters or a leading quote — the way
// numbers nearly always come.
func plain(s string) bool {
	if s != "" && s[0] == '\'' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c >= 'a' && c <= 'z' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaskID hides the middle of a document number for display, keeping its
// length: "6101**********1234". Short numbers (passports, permits) keep
// fewer characters at each end so that something is always hidden.
func MaskID(s string) string {
	r := []rune(s)
	keep := 4
	if len(r) < 12 {
		keep = len(r) / 4
	}
	return string(r[:keep]) + strings.Repeat("*", len(r)-2*keep) + string(r[len(r)-keep:])
}

// MaskPhone hides the middle of a phone number for display, keeping its
// first three and last four digits: "138****5678". A fixed line is masked
// the same way over its digits, dash dropped, extension kept:
// "0911-8123456" → "091****3456", "010-62345678-801" → "010****5678-801".
func MaskPhone(s string) string {
	main, ext := s, ""
	// Only a fixed line (0…) has a third group, its extension; a 400
	// number's three groups are all one number.
	if g := strings.Split(s, "-"); len(g) == 3 && strings.HasPrefix(s, "0") {
		main, ext = g[0]+g[1], "-"+g[2]
	}
	r := []rune(strings.ReplaceAll(main, "-", ""))
	if len(r) < 8 {
		return MaskID(s)
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:]) + ext
}
