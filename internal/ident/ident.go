// Package ident validates and normalises the identifiers the register keeps:
// resident ID numbers (GB 11643), other identity documents, unified social
// credit codes (GB 32100) and phone numbers. Messages are in Chinese, short
// enough to show beside the form field that caused them.
package ident

import (
	"strings"
	"unicode"
)

// Error is a validation failure with a message for the person typing.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func fail(msg string) error { return &Error{Msg: msg} }

// normalise folds full-width characters to half-width, drops spaces and
// upper-cases letters: what a Chinese keyboard or a spreadsheet produces.
func normalise(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r = r - '！' + '!'
		case r == '　' || unicode.IsSpace(r):
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaskID shows the first and last four characters of a document number.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		if len(r) <= 2 {
			return strings.Repeat("*", len(r))
		}
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// MaskPhone shows the first three and last four digits of a phone number.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 8 {
		return MaskID(s)
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
