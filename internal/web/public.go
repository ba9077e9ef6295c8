package web

// StylesheetURL is the address of the one stylesheet, versioned by its
// content, for pages with a layout of their own (the residents' portal).
func StylesheetURL() string { return cssURL }
