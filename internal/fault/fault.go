// Package fault is shequ's one error vocabulary. Every capability says what
// went wrong in these few kinds — bad input at a field, a record that is not
// there, a save made on a stale version, an action the caller may not take,
// a step the record's state does not allow, a change the rules refuse — and
// wraps them in richer types of its own where a page needs more (the changes
// made meanwhile, the steps taken). The web pages, the API and Open311 map a
// kind to an HTTP status in one place (web.Status), so no handler switches
// on another package's errors.
//
// The package is a leaf: it imports nothing of shequ's.
package fault

import (
	"errors"
	"sort"
	"strings"
)

// Kind is what went wrong, as the caller needs to know it.
type Kind string

const (
	// Internal is everything not named below: a bug or a broken database.
	// Its message is never shown to a user.
	Internal Kind = "internal"
	// Invalid is bad input; Fields says at which field.
	Invalid Kind = "invalid"
	// NotFound is a record that does not exist or lies outside the caller's
	// part of the tree: the two are answered alike.
	NotFound Kind = "not_found"
	// Conflict is a save made on a version someone else changed meanwhile.
	Conflict Kind = "conflict"
	// Forbidden is an action the caller's roles do not allow.
	Forbidden Kind = "forbidden"
	// Unauthorized is a request without a valid login, session or token.
	Unauthorized Kind = "unauthorized"
	// Illegal is a step the record's state does not allow (受理 an event
	// already closed).
	Illegal Kind = "illegal"
	// Refused is a change the rules do not allow although the input is well
	// formed (deleting the sample template, retiring a unit with households).
	Refused Kind = "refused"
	// TooMany is a caller over a rate limit.
	TooMany Kind = "too_many"
)

// Error is an error of a kind with a message for the user, in Chinese.
type Error struct {
	Kind    Kind
	Message string
}

// New returns an error of kind with the user's message.
func New(kind Kind, message string) *Error { return &Error{Kind: kind, Message: message} }

func (e *Error) Error() string { return e.Message }

// FaultKind makes *Error a Kinded error.
func (e *Error) FaultKind() Kind { return e.Kind }

// Kinded is implemented by every error that knows its kind: *Error, Fields
// and the capabilities' richer types (a conflict with the changes made
// meanwhile, an illegal step with the state it met).
type Kinded interface {
	error
	FaultKind() Kind
}

// KindOf is the kind of the first error in err's chain that knows one, and
// Internal for any other error (nil has no kind: "").
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var k Kinded
	if errors.As(err, &k) {
		return k.FaultKind()
	}
	return Internal
}

// Is reports whether err is of kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// Message is what a user may be told of err: the message of the first
// error in its chain that knows its kind, or a generic sentence for an
// internal error, whose text may name tables, files or personal data.
func Message(err error) string {
	var k Kinded
	if err == nil {
		return ""
	}
	if errors.As(err, &k) && k.FaultKind() != Internal {
		return k.Error()
	}
	return "服务器内部错误,请稍后再试"
}

// Fields maps a field name (the form and JSON name) to a message in
// Chinese, so each message can be shown next to the field that caused it.
// Its kind is Invalid.
type Fields map[string]string

// Add records the first message for a field; a later one for the same field
// is dropped, since the first check that fails is the one to fix first.
func (f Fields) Add(field, message string) {
	if _, ok := f[field]; !ok {
		f[field] = message
	}
}

// Err is f as an error, or nil when no field is at fault.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// Error joins the messages in the order of their fields' names, so the
// same input always reads the same.
func (f Fields) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, f[k])
	}
	return strings.Join(parts, ";")
}

// FaultKind makes Fields a Kinded error.
func (f Fields) FaultKind() Kind { return Invalid }

// FieldsOf is the field errors in err's chain, or nil.
func FieldsOf(err error) Fields {
	var f Fields
	if errors.As(err, &f) {
		return f
	}
	return nil
}
