package database_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/testdb"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestOpenAndMigrate(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := database.Open(ctx, e.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v, err := db.SchemaVersion(ctx); err == nil && v != 0 {
				t.Fatalf("a new database at version %d", v)
			}
			n, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("no migration applied to an empty database")
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil || v < 44 {
				t.Fatalf("version %d (%v), want at least 44", v, err)
			}
			if again, err := db.Migrate(ctx); err != nil || again != 0 {
				t.Errorf("second Migrate applied %d (%v)", again, err)
			}
			if string(db.Engine) != e.Name {
				t.Errorf("engine %s, want %s", db.Engine, e.Name)
			}
		})
	}
}

func TestOpenSQLiteMakesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "shequ.db")
	db, err := database.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Engine != database.SQLite || db.BlobType() != "BLOB" {
		t.Errorf("engine %s, blob type %s", db.Engine, db.BlobType())
	}
	if database.IsPostgresDSN(path) || !database.IsPostgresDSN("postgres://x") {
		t.Error("IsPostgresDSN")
	}
}

func TestPlaceholder(t *testing.T) {
	if got := database.SQLite.Placeholder(12); got != "?" {
		t.Errorf("SQLite placeholder %q", got)
	}
	if got := database.Postgres.Placeholder(12); got != "$12" {
		t.Errorf("PostgreSQL placeholder %q", got)
	}
	q := database.ArgsAfter(4)
	if got := q.Arg("x") + q.Arg("y"); got != "$4$5" || len(q.Values()) != 2 {
		t.Errorf("ArgsAfter(4) gives %q with %d values", got, len(q.Values()))
	}
	q = database.ArgsAfter(1)
	if got := q.In("c"); got != "1 = 0" {
		t.Errorf("empty In = %q", got)
	}
	if got := q.NotIn("c"); got != "1 = 1" {
		t.Errorf("empty NotIn = %q", got)
	}
}

// TestClose: Close waits for the group commits under way and the database
// still runs transactions through GroupTx afterwards by failing them, not
// by hanging.
func TestClose(t *testing.T) {
	db := dbtest.Open(t, testdb.Engines()[0])
	ctx := context.Background()
	if err := db.GroupTx(ctx, func(tx *sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.GroupTx(ctx, func(tx *sql.Tx) error { return nil }); err == nil {
		t.Error("a transaction on a closed database succeeded")
	}
}
