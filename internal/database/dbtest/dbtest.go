// Package dbtest runs a test against a fresh, migrated database on each
// engine — SQLite and PostgreSQL — so that every store test proves the same
// behaviour on both.
package dbtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
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
//
// Running every migration for each of the suite's hundreds of databases was
// most of its time, so each test process migrates one database per engine
// (a template) and every test starts from a copy of it: a file copy on
// SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL. Migrate on the copy
// finds nothing to do, and leases the copy's id node as on any database.
func Open(t testing.TB, e testdb.Engine) *database.DB {
	t.Helper()
	ctx := context.Background()
	dsn, err := copyOfTemplate(t, e)
	if err != nil {
		t.Fatalf("template %s: %v", e.Name, err)
	}
	db, err := database.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return db
}

// template is one engine's migrated database of this process.
type template struct {
	once sync.Once
	ref  string // SQLite: the file; PostgreSQL: the database's name
	err  error
}

var templates = map[string]*template{"sqlite": {}, "postgres": {}}

func copyOfTemplate(t testing.TB, e testdb.Engine) (string, error) {
	tp, ok := templates[e.Name]
	if !ok {
		return "", fmt.Errorf("no template for engine %s", e.Name)
	}
	switch e.Name {
	case "sqlite":
		tp.once.Do(func() { tp.ref, tp.err = sqliteTemplate() })
		if tp.err != nil {
			return "", tp.err
		}
		dsn := e.DSN(t)
		return dsn, copyFile(tp.ref, dsn)
	default:
		tp.once.Do(func() { tp.ref, tp.err = postgresTemplate() })
		if tp.err != nil {
			return "", tp.err
		}
		return testdb.PostgresCopy(t, tp.ref), nil
	}
}

func sqliteTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "shequ-dbtest-")
	if err != nil {
		return "", err
	}
	testdb.AtExit(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "template.db")
	return path, migrateAndClose(path)
}

func postgresTemplate() (string, error) {
	name, dsn, err := testdb.PostgresTemplate()
	if err != nil {
		return "", err
	}
	return name, migrateAndClose(dsn)
}

// migrateAndClose migrates the database at dsn and closes it, so that no
// write-ahead log or connection is left when it is copied.
func migrateAndClose(dsn string) error {
	ctx := context.Background()
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
