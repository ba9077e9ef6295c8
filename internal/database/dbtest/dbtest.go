// Package dbtest runs a test against a fresh, migrated database on each
// engine — SQLite and PostgreSQL — so that every store test proves the same
// behaviour on both.
package dbtest

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/testdb"
)

// Main is to be called from TestMain of packages using Each.
func Main(m *testing.M) { testdb.Main(m) }

// Each runs fn as a subtest per engine, each with its own empty, migrated
// database.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh migrated database of engine e, closed at cleanup.
func Open(t testing.TB, e testdb.Engine) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, e.DSN(t))
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return db
}
