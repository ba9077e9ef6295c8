package server

import (
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"testing"

	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/events"
)

// TestEveryActionInWords walks everything the audit log can record — every
// route the server answers (a page's or an API call's entry names its
// route), every action, every step of an event the API and the pages take
// — and fails on any without Chinese words for the auditor, so a new route
// cannot reach the log unnamed.
func TestEveryActionInWords(t *testing.T) {
	ctx := t.Context()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	app := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	defer app.Close()
	chinese := regexp.MustCompile(`\p{Han}`)
	code := regexp.MustCompile(`[a-z]+_[a-z]+|\{[a-z]+\}|\b(GET|POST|PUT|DELETE)\b|\b[1-5]\d\d\b`)
	words := func(what, s string) {
		t.Helper()
		if !chinese.MatchString(s) || code.MatchString(s) {
			t.Errorf("%s reads %q in the audit log: say it in Chinese", what, s)
		}
	}
	routes := app.Routes.List()
	if len(routes) < 200 {
		t.Fatalf("only %d routes: the table is not the server's", len(routes))
	}
	for _, r := range routes {
		p, ok := audit.Phrase(r.Pattern)
		if !ok {
			t.Errorf("route %s has no phrase in internal/audit/phrases.go", r.Pattern)
			continue
		}
		words("route "+r.Pattern, p)
	}
	// Routes entries name that are not patterns of the table.
	for _, r := range []string{"GET /audit/export", "GET /open311/v2/requests", "POST /open311/v2/requests", "GET /search/export"} {
		if p, ok := audit.Phrase(r); !ok {
			t.Errorf("route %s, recorded by its handler, has no phrase", r)
		} else {
			words("route "+r, p)
		}
	}
	for _, a := range []string{audit.Login, audit.LoginFailed, audit.LoginLocked, audit.Logout, audit.View, audit.Reveal,
		audit.Search, audit.Export, audit.Change, audit.Denied, audit.TokenUsed} {
		words("action "+a, audit.ActionNames[a])
	}
	for _, st := range append(events.Statuses, "") {
		for _, a := range events.Actions(st) {
			words("event step "+a, events.ActionNames[a])
		}
	}
	for a, n := range events.ActionNames {
		words("event step "+a, n)
	}
}
