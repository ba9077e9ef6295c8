package web

import (
	"net/http"

	"shequ/internal/fault"
)

// Status is the HTTP status of an error, by its fault kind: the one mapping
// the pages, the API and Open311 share.
func Status(err error) int {
	switch fault.KindOf(err) {
	case "":
		return http.StatusOK
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict, fault.Illegal:
		return http.StatusConflict
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Refused:
		return http.StatusUnprocessableEntity
	case fault.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
