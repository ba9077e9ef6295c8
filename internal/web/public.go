package web

import "net/http"

// What pages with a layout of their own (the residents' portal) take from
// the kit: the stylesheet every page loads, and the check every posted form
// passes.

// StylesheetURL is the address of the one stylesheet, versioned by its
// content.
func StylesheetURL() string { return cssURL }

// CleanForm reports whether every value of a parsed form is valid UTF-8
// without NUL characters; public forms are refused otherwise, like staff
// forms.
func CleanForm(r *http.Request) bool { return cleanForm(r) }
