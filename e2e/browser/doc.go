// Package browser holds the end-to-end tests that drive the shequ web UI in
// headless Chromium. Everything is in _test.go files: harness_test.go starts
// the browser and the server, the other files are the scenarios.
package browser
