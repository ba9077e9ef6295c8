package webtest

import (
	"regexp"
	"strings"
	"testing"
)

var (
	inlineStyle  = regexp.MustCompile(`(?i)\sstyle\s*=`)
	inlineScript = regexp.MustCompile(`(?i)<script|\son[a-z]+\s*=|javascript:`)
	// The one script element a page may have: a file served from the
	// binary, empty, loaded after the page.
	servedScript = regexp.MustCompile(`<script src="/static/[a-z0-9_-]+\.js\?v=[0-9a-f]+" defer></script>`)
)

// CheckPage holds a page to the rules every page keeps: it is rendered in
// the layout, and carries no inline style or script (the content security
// policy allows neither); scripts are files of internal/web/static.
func CheckPage(t testing.TB, path, body string) {
	t.Helper()
	if inlineStyle.MatchString(body) || inlineScript.MatchString(servedScript.ReplaceAllString(body, "")) || strings.Contains(body, "<style") {
		t.Errorf("%s: inline style or script in the page", path)
	}
	if !strings.Contains(body, `<html lang="zh-CN">`) {
		t.Errorf("%s: not a page of the layout", path)
	}
}

// Contains fails the test for each of wants that body, named what, lacks.
func Contains(t testing.TB, what string, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

// Lacks fails the test for each of unwanted that body, named what, holds.
func Lacks(t testing.TB, what string, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: should not contain %q", what, w)
		}
	}
}

var (
	csrfField    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	versionField = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// CSRFOf reads the CSRF token of the first form in a page.
func CSRFOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
}

// VersionOf reads the version an edit form was filled from, which the save
// sends back so that a stale save is refused as a conflict.
func VersionOf(t testing.TB, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version field")
	}
	return m[1]
}
