package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// ErrNoPostgres means no PostgreSQL server binaries were found.
var ErrNoPostgres = errors.New("PostgreSQL server binaries (initdb, postgres) not found in PATH or /usr/lib/postgresql/*/bin")

// Cluster is a throwaway PostgreSQL server started by StartCluster. It trusts
// every local connection as the superuser "postgres", and trades durability
// for speed (fsync off), so it is only good for tests.
type Cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the postgres process has exited
	err  error         // postgres' exit error, valid once done is closed
}

// StartCluster creates a cluster in dir (created if missing, must be empty)
// and starts a server for it on a free loopback port. It returns once the
// server accepts logins. The caller must Stop it, and may then remove dir.
//
// PostgreSQL refuses to run as root, so as root the cluster runs as the
// "postgres" system user (or "nobody") and dir is handed to that user; its
// parent directories must then be searchable by everyone, as os.TempDir is.
func StartCluster(dir string) (*Cluster, error) {
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cred, err := unprivilegedCredential()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}

	data := filepath.Join(dir, "data")
	// --no-sync: nothing here needs to survive a crash, and it saves seconds.
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	asUser(initdb, dir, cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}

	// The free port is only free when we looked; another process may take it
	// before postgres binds it, so try a few ports.
	for attempt := 0; ; attempt++ {
		c, err := startServer(bin, dir, data, cred)
		if err == nil || attempt == 2 {
			return c, err
		}
	}
}

func startServer(bin, dir, data string, cred *syscall.Credential) (*Cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	c := &Cluster{dir: dir, port: port, done: make(chan struct{})}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
		"-c", "shared_buffers=128MB",
	)
	// Server logs go to a file, not our output: tests provoke SQL errors on
	// purpose and the log would drown go test's own output.
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	asUser(c.cmd, dir, cred)
	// If the test process dies without cleaning up (a panic, go test's
	// -timeout), the kernel asks postgres for a fast shutdown instead of
	// leaving it running forever.
	c.cmd.SysProcAttr.Pdeathsig = syscall.SIGINT

	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the starting OS thread exits, not the process,
		// so keep this goroutine on its thread for postgres' whole life.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}

	if err := c.waitReady(30 * time.Second); err != nil {
		c.Stop()
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("postgres did not start: %v\n%s", err, log)
	}
	return c, nil
}

// waitReady polls until a real login succeeds: an open TCP port alone does
// not mean the server has finished recovery and accepts connections.
func (c *Cluster) waitReady(limit time.Duration) error {
	db, err := sql.Open("pgx", c.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.done:
			return fmt.Errorf("postgres exited: %v", c.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// DSN is the URL of the cluster's admin database "postgres" as superuser.
func (c *Cluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// Stop asks postgres for a fast shutdown (SIGINT: roll back open
// transactions, disconnect clients) and waits for it to exit.
func (c *Cluster) Stop() error {
	select {
	case <-c.done:
		return c.err // already gone
	default:
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		return errors.New("postgres ignored SIGINT for 30s and was killed")
	}
	return c.err
}

// asUser makes cmd run in dir as cred (nil: as ourselves).
func asUser(cmd *exec.Cmd, dir string, cred *syscall.Credential) {
	// The child's working directory must be readable by it: initdb and
	// postgres complain when they cannot read the (root-owned) cwd.
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
}

// unprivilegedCredential returns whom to run PostgreSQL as when we are root
// (which PostgreSQL refuses), or nil when we are not root.
func unprivilegedCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and neither user postgres nor nobody exists to run PostgreSQL as")
}

// findPostgresBin returns the directory holding initdb and postgres: from
// PATH, else Debian's /usr/lib/postgresql/<version>/bin, newest version first.
func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Versions sort numerically: 9.6 < 10 < 15.
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		_, err1 := os.Stat(filepath.Join(dir, "initdb"))
		_, err2 := os.Stat(filepath.Join(dir, "postgres"))
		if err1 == nil && err2 == nil {
			return dir, nil
		}
	}
	return "", ErrNoPostgres
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// databaseDSN returns admin with its database replaced by name.
func databaseDSN(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("want a postgres:// URL, got %q", admin)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// sanitize turns a test name into a valid unquoted identifier fragment.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
