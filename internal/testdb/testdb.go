// Package testdb hands out throwaway databases so that every database test
// runs on both engines: a SQLite file, and a PostgreSQL database in a test
// cluster. It only hands out DSNs; opening and migrating is the caller's job.
//
// A package that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
// and runs each test once per engine:
//
//	for _, e := range testdb.Engines() {
//		t.Run(e.Name, func(t *testing.T) {
//			db := open(t, e.DSN(t))
//			…
//		})
//	}
//
// PostgreSQL comes from SHEQU_TEST_POSTGRES (the DSN of a cluster's admin
// database, as scripts/test exports for the whole run) or else from the
// cluster all test processes of the user share (shared.go): the first
// process to need it starts it, the others attach, and it stops itself a
// little while after the last one has ended. Every test gets a database of
// its own in it. The machine's own PostgreSQL server is never used.
package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shequ/internal/testwait"
)

// Environment variables that steer the package.
const (
	EnvPostgres     = "SHEQU_TEST_POSTGRES"      // admin DSN of an existing cluster
	EnvSkipPostgres = "SHEQU_TEST_SKIP_POSTGRES" // "1": skip, not fail, without PostgreSQL
	EnvEngines      = "SHEQU_TEST_ENGINES"       // "sqlite", "postgres" or both, comma-separated
)

var (
	mainCalled atomic.Bool

	pgOnce  sync.Once
	pgAdmin *sql.DB // connection to the admin database, for CREATE/DROP DATABASE
	pgDSN   string  // admin DSN
	pgErr   error

	dbCounter atomic.Int64
)

// Main runs the package's tests and then lets go of the shared PostgreSQL
// cluster. Call it from TestMain; it does not return.
//
// Started as the supervisor of the shared cluster (by another test process
// of the user), the test binary runs no tests: Main supervises instead.
func Main(m *testing.M) {
	if dir := os.Getenv(envSupervise); dir != "" {
		if err := supervise(dir); err != nil {
			fmt.Fprintln(os.Stderr, "testdb supervisor:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	mainCalled.Store(true)
	code := m.Run()
	atExit.Lock()
	for i := len(atExit.fns) - 1; i >= 0; i-- {
		atExit.fns[i]()
	}
	atExit.Unlock()
	if pgAdmin != nil {
		pgAdmin.Close()
	}
	detach()
	os.Exit(code)
}

// SQLiteDSN returns the path of a fresh SQLite file in t's temporary
// directory; the file does not exist yet.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "test.db")
}

// PostgresDSN creates an empty database for t and returns its DSN. The
// database is dropped, with any connections still open to it, when t ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	return PostgresCopy(t, "")
}

// PostgresCopy is PostgresDSN for a database that starts as a copy of the
// database template (made with PostgresTemplate); "" is an empty one.
func PostgresCopy(t testing.TB, template string) string {
	t.Helper()
	pgOnce.Do(setupPostgres)
	if errors.Is(pgErr, ErrNoPostgres) && os.Getenv(EnvSkipPostgres) == "1" {
		t.Skipf("skipping PostgreSQL (%s=1): %v", EnvSkipPostgres, ErrNoPostgres)
	}
	if pgErr != nil {
		t.Fatalf("testdb: %v", pgErr)
	}

	// The pid keeps names apart when several test processes (go test runs
	// packages in parallel) share one cluster through SHEQU_TEST_POSTGRES;
	// the counter keeps them apart within one process. 63 bytes is
	// PostgreSQL's limit on identifiers.
	suffix := fmt.Sprintf("_%d_%d", os.Getpid(), dbCounter.Add(1))
	name := "t_" + sanitize(t.Name())
	if len(name) > 63-len(suffix) {
		name = name[:63-len(suffix)]
	}
	name += suffix

	ctx, cancel := untilDeadline(t)
	defer cancel()
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	for {
		_, err := pgAdmin.ExecContext(ctx, create)
		if err == nil {
			break
		}
		// A template is busy while another copy of it is being made.
		if template == "" || !strings.Contains(err.Error(), "being accessed by other users") || ctx.Err() != nil {
			t.Fatalf("testdb: create database %s: %v", name, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		ctx, cancel := untilDeadline(t)
		defer cancel()
		// FORCE: a test that forgot to close its pool must not keep its
		// database alive (and the shared cluster's connection slots busy).
		if _, err := pgAdmin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	dsn, err := databaseDSN(pgDSN, name)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvPostgres, err)
	}
	return dsn
}

// untilDeadline returns a context that ends at t's deadline (see testwait),
// when t has one.
func untilDeadline(t testing.TB) (context.Context, context.CancelFunc) {
	if tt, ok := t.(*testing.T); ok {
		if d, ok := testwait.Deadline(tt); ok {
			return context.WithDeadline(context.Background(), d)
		}
	}
	return context.WithCancel(context.Background())
}

// setupPostgres finds or starts the cluster, once per test process.
func setupPostgres() {
	// Without Main the test binary could not serve as the shared cluster's
	// supervisor. Demand it even when SHEQU_TEST_POSTGRES is set, so that a
	// package passing under scripts/test does not fail when run alone.
	if !mainCalled.Load() {
		pgErr = errors.New("call testdb.Main(m) from this package's TestMain, so that its test binary can run the shared PostgreSQL cluster")
		return
	}
	pgDSN = os.Getenv(EnvPostgres)
	if pgDSN == "" {
		if _, err := findPostgresBin(); err != nil {
			pgErr = fmt.Errorf("%w; run the project's test command, scripts/test, which installs Debian's postgresql (or set %s=1 to skip)", err, EnvSkipPostgres)
			return
		}
		if pgDSN, pgErr = attachShared(); pgErr != nil {
			return
		}
	}
	if _, err := databaseDSN(pgDSN, "x"); err != nil {
		pgErr = fmt.Errorf("%s: %w", EnvPostgres, err)
		return
	}
	db, err := sql.Open("pgx", pgDSN)
	if err == nil {
		db.SetMaxOpenConns(4)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		pgErr = fmt.Errorf("connect to PostgreSQL at %s: %w", pgDSN, err)
		return
	}
	pgAdmin = db
}

// Engine is one SQL engine to run a test against.
type Engine struct {
	Name string                  // "sqlite" or "postgres"
	DSN  func(testing.TB) string // a fresh, empty database for the test
}

// Engines returns the engines to test: both, unless SHEQU_TEST_ENGINES
// names only some of them.
func Engines() []Engine {
	all := []Engine{{"sqlite", SQLiteDSN}, {"postgres", PostgresDSN}}
	want := os.Getenv(EnvEngines)
	if want == "" {
		return all
	}
	var out []Engine
	for _, e := range all {
		for _, name := range strings.Split(want, ",") {
			if strings.TrimSpace(name) == e.Name {
				out = append(out, e)
			}
		}
	}
	if len(out) == 0 {
		// A typo must not silently run zero database tests.
		panic(fmt.Sprintf("testdb: %s=%q names no engine; use sqlite, postgres or both", EnvEngines, want))
	}
	return out
}

// atExit are what Main does after the tests ran, last registered first.
var atExit struct {
	sync.Mutex
	fns []func()
}

// AtExit registers fn to run when the tests of the process have run (with
// Main): the removal of what a process made once for all its tests.
func AtExit(fn func()) {
	atExit.Lock()
	atExit.fns = append(atExit.fns, fn)
	atExit.Unlock()
}

// PostgresTemplate creates an empty database to be filled once and copied
// for each test (PostgresCopy), and returns its name and DSN. It is dropped
// when the process's tests have run; nothing may stay connected to it
// while it is copied.
func PostgresTemplate() (name, dsn string, err error) {
	pgOnce.Do(setupPostgres)
	if pgErr != nil {
		return "", "", pgErr
	}
	name = fmt.Sprintf("tmpl_%d_%d", os.Getpid(), dbCounter.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := pgAdmin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", err
	}
	AtExit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		pgAdmin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	dsn, err = databaseDSN(pgDSN, name)
	return name, dsn, err
}
