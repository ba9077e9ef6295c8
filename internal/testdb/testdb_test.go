package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shequ/internal/testwait"
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
	if err := db.PingContext(testwait.Context(t, context.Background())); err != nil {
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

// envChild makes the test binary run TestSharedClusterChild, as one of the
// test processes sharing a cluster.
const envChild = "SHEQU_TESTDB_CHILD"

// TestSharedClusterChild is a test process using PostgreSQL: it reports the
// data directory of the cluster it was given.
func TestSharedClusterChild(t *testing.T) {
	if os.Getenv(envChild) != "1" {
		t.Skip("run by TestSharedCluster")
	}
	var data string
	if err := open(t, PostgresDSN(t)).QueryRow("SHOW data_directory").Scan(&data); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("cluster=%s\n", data)
}

// sharedDirForTest returns a shared-cluster directory for a test's own
// supervisors, apart from the one this run's test processes share.
func sharedDirForTest(t *testing.T) string {
	dir := t.TempDir()
	// As root the cluster runs as the postgres user, who must reach it.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	// However the test ends, no supervisor may outlive it; registered
	// after TempDir, this runs before its removal.
	t.Cleanup(func() {
		st, _ := readState(dir)
		if st == nil {
			return
		}
		syscall.Kill(st.Pid, syscall.SIGTERM)
		for supervisorAlive(st.Dir) {
			select {
			case <-testwait.Done(t):
				t.Errorf("supervisor %d still runs at the test's deadline", st.Pid)
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	return dir
}

// child runs TestSharedClusterChild against the shared directory base and
// returns the data directory it reported.
func child(t *testing.T, base, idle string) (string, error) {
	cmd := exec.CommandContext(testwait.Context(t, context.Background()), os.Args[0],
		"-test.run=^TestSharedClusterChild$", "-test.count=1", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvPostgres+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, envChild+"=1", EnvPostgresDir+"="+base, EnvPostgresIdle+"="+idle)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v\n%s", err, out)
	}
	_, data, ok := strings.Cut(string(out), "cluster=")
	if !ok {
		return "", fmt.Errorf("no cluster reported:\n%s", out)
	}
	return strings.TrimSpace(strings.SplitN(data, "\n", 2)[0]), nil
}

// TestSharedCluster runs two test processes at once and a third after them:
// one cluster serves all three, and goes when its supervisor is told to.
func TestSharedCluster(t *testing.T) {
	if _, err := findPostgresBin(); err != nil {
		t.Skip(err)
	}
	base := sharedDirForTest(t)
	datas := make([]string, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { datas[i], errs[i] = child(t, base, "1h") })
	}
	wg.Wait()
	datas[2], errs[2] = child(t, base, "1h")
	for i, err := range errs {
		if err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
	}
	if datas[0] != datas[1] || datas[1] != datas[2] || !strings.HasPrefix(datas[0], base+"/cluster-") {
		t.Fatalf("children used clusters %q, want one in %s", datas, base)
	}
	dirs, _ := filepath.Glob(filepath.Join(base, "cluster-*"))
	if len(dirs) != 1 {
		t.Errorf("cluster directories %v, want one", dirs)
	}

	st, err := readState(base)
	if err != nil || st == nil {
		t.Fatalf("state: %v %v", st, err)
	}
	if err := syscall.Kill(st.Pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the supervisor to stop the cluster and remove it", func() bool {
		_, err := os.Stat(st.Dir)
		return !supervisorAlive(st.Dir) && os.IsNotExist(err)
	})
	if st, _ := readState(base); st != nil {
		t.Errorf("state left behind: %+v", st)
	}
}

// TestSharedClusterStale gives a test process the state of a supervisor
// that died, naming the machine's own server: the process must start a
// cluster of its own, which stops once the process has ended.
func TestSharedClusterStale(t *testing.T) {
	if _, err := findPostgresBin(); err != nil {
		t.Skip(err)
	}
	base := sharedDirForTest(t)
	dead := filepath.Join(base, "cluster-dead")
	if err := os.Mkdir(dead, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := writeState(base, &sharedState{Pid: 1, Dir: dead, Data: "/var/lib/postgresql/data",
		DSN: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"}); err != nil {
		t.Fatal(err)
	}
	data, err := child(t, base, "0s")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(data, base+"/cluster-") || strings.HasPrefix(data, dead) {
		t.Fatalf("child used %s, want a new cluster in %s", data, base)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead supervisor's directory is still there: %v", err)
	}
	// Idle period 0: the supervisor stops as soon as the child is gone.
	testwait.Until(t, "the idle cluster to be stopped and removed", func() bool {
		st, _ := readState(base)
		dirs, _ := filepath.Glob(filepath.Join(base, "cluster-*"))
		return st == nil && len(dirs) == 0
	})
}

// TestSharedClusterNotOurs gives a test process the state of a live
// supervisor whose DSN leads to some other server (here the machine's own
// port 5432, whether or not anything listens there): the process must
// refuse it rather than put its databases there.
func TestSharedClusterNotOurs(t *testing.T) {
	base := sharedDirForTest(t)
	dir := filepath.Join(base, "cluster-foreign")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	alive, err := lockFile(filepath.Join(dir, "alive"), syscall.LOCK_EX)
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Close()
	if err := writeState(base, &sharedState{Pid: os.Getpid(), Dir: dir, Data: filepath.Join(dir, "data"),
		DSN: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=5"}); err != nil {
		t.Fatal(err)
	}
	_, err = child(t, base, "0s")
	t.Logf("child: %v", err)
	if err == nil || !strings.Contains(err.Error(), "shared test cluster") {
		t.Errorf("child: %v, want a refusal of the foreign server", err)
	}
	// Its state is left alone: its supervisor lives.
	if st, _ := readState(base); st == nil || st.Dir != dir {
		t.Errorf("state %+v", st)
	}
	os.Remove(filepath.Join(base, "state")) // so that the cleanup signals no one
}
