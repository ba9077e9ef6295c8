package web

import (
	"net/http"

	"shequ/internal/fault"
)

// Status is the HTTP status that answers err, by its fault kind: the one
// mapping the pages, the API and Open311 share, so a capability that adds
// an error of a known kind needs no handler to learn it. A nil error is
// 200; an error of no known kind is a 500.
//
// Invalid is 422 (the input was read but a field is wrong); a handler that
// could not read the request at all answers 400 itself. Illegal and
// Refused are 409, as the pages have always answered a step the record's
// state does not allow and a deletion the rules refuse: the request was
// well formed but conflicts with the record as it stands.
func Status(err error) int {
	if err == nil {
		return http.StatusOK
	}
	switch fault.KindOf(err) {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict, fault.Illegal, fault.Refused:
		return http.StatusConflict
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.TooMany:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}
