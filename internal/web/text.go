package web

// Truncate cuts s to at most n characters, for what a caller typed that
// goes into an audit entry's detail.
func Truncate(s string, n int) string { return truncate(s, n) }
