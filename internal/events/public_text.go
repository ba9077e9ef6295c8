package events

import "shequ/internal/ident"

// What the public feed shows of a report's own words: the description as
// the resident wrote it (FixMyStreet shows residents' reports so), unless
// they kept it private, with any phone or ID number in it masked — people
// write "请联系我 13912345678" without thinking who reads the feed.

// PublicDescription is the description the public feed shows, "" when the
// reporter kept it private.
func PublicDescription(e *Event) string {
	if e.Private {
		return ""
	}
	return ident.MaskNumbers(e.Description)
}
