package web

import (
	"net/http"
	"strconv"
)

// FormVersion is the version of the record a posted form was filled in on
// (its hidden "version" field), 0 when it has none; a save on a version
// someone else changed meanwhile is refused as a conflict.
func FormVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}
