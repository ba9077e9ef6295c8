package web

import (
	"net/http"
	"strconv"
)

// FormVersion is the version of the record a form was filled from (its
// hidden "version" field), which a save sends back so that a change made
// meanwhile is refused rather than overwritten; 0 when missing.
func FormVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// formVersion is FormVersion for the pages still in this package.
func formVersion(r *http.Request) int { return FormVersion(r) }
