package testdb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func TestSQLiteDSN(t *testing.T) {
	a, b := SQLiteDSN(t), SQLiteDSN(t)
	if a == b {
		t.Fatalf("two calls gave the same file %s", a)
	}
	if _, err := os.Stat(filepath.Dir(a)); err != nil {
		t.Fatalf("directory of %s: %v", a, err)
	}
}

func TestEngines(t *testing.T) {
	for env, want := range map[string]string{
		"":                "sqlite,postgres",
		"sqlite":          "sqlite",
		"postgres":        "postgres",
		"postgres,sqlite": "sqlite,postgres",
	} {
		t.Setenv(EnvEngines, env)
		var names []string
		for _, e := range Engines() {
			names = append(names, e.Name)
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("%s=%q: got %s, want %s", EnvEngines, env, got, want)
		}
	}
}

// TestPostgresDSN creates two databases inside a subtest, checks they are
// distinct and usable, and that they are gone once the subtest ends.
func TestPostgresDSN(t *testing.T) {
	var dsns []string
	outer := t
	t.Run("create", func(t *testing.T) {
		dsns = []string{PostgresDSN(t), PostgresDSN(t)}
		if dsns[0] == dsns[1] {
			t.Fatalf("two calls gave the same database %s", dsns[0])
		}
		for i, dsn := range dsns {
			db := open(t, dsn)
			mustExec(t, db, "CREATE TABLE t (n int)")
			mustExec(t, db, "INSERT INTO t VALUES ($1)", i)
		}
		// A connection still open when the test ends, as a test that forgets
		// to close its pool leaves: the drop must not be blocked by it.
		leaked, err := sql.Open("pgx", dsns[0])
		if err != nil {
			t.Fatal(err)
		}
		conn, err := leaked.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Closed by the parent test, so only after the drop.
		outer.Cleanup(func() { conn.Close(); leaked.Close() })
		for i, dsn := range dsns {
			var n int
			if err := open(t, dsn).QueryRow("SELECT n FROM t").Scan(&n); err != nil || n != i {
				t.Fatalf("database %d: got %d, %v", i, n, err)
			}
		}
	})
	if t.Failed() || len(dsns) != 2 {
		return
	}

	admin := open(t, pgDSN)
	for _, dsn := range dsns {
		name := dsn[strings.LastIndex(dsn, "/")+1 : strings.Index(dsn, "?")]
		var n int
		if err := admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

func TestPostgresDSNLongName(t *testing.T) {
	t.Run(strings.Repeat("很长的名字", 20), func(t *testing.T) {
		mustExec(t, open(t, PostgresDSN(t)), "SELECT 1")
	})
}

func TestEnginesRun(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dsn := e.DSN(t)
			if got := strings.HasPrefix(dsn, "postgres://"); got != (e.Name == "postgres") {
				t.Errorf("%s DSN %q", e.Name, dsn)
			}
		})
	}
}

// TestStartCluster runs a second, separate cluster and checks Stop ends it.
func TestStartCluster(t *testing.T) {
	if _, err := findPostgresBin(); err != nil {
		t.Skip(err)
	}
	dir, err := os.MkdirTemp("", "shequ-testpg-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	c, err := StartCluster(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, open(t, c.DSN()), "SELECT 1")
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-c.done:
	default:
		t.Fatal("postgres still running after Stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid left behind: %v", err)
	}
}

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
