package testdb

// One PostgreSQL cluster shared by every test process of a user: `go test
// ./...` runs a test binary per package, two at a time or more, and each
// starting its own cluster costs seconds of initdb and hundreds of
// megabytes. The first process that needs PostgreSQL starts a supervisor —
// its own test binary again, detached — which runs the cluster; the others
// attach to it. The supervisor stops the cluster and deletes it once no
// test process has used it for a while (the idle period), so nothing is
// left running after the run.
//
// The shared directory (per user, in os.TempDir unless
// SHEQU_TEST_POSTGRES_DIR says otherwise) holds:
//
//	lock       flock'ed exclusively to attach, to start a supervisor, or to retire one
//	users      flock'ed shared by every process attached, for as long as it lives
//	state      the running cluster: supervisor pid, DSN, data directory (JSON)
//	cluster-*  one per supervisor: the cluster's files, its logs, and
//	           "alive", which the supervisor holds locked while it lives
//
// Locks held through open files are released by the kernel however a
// process ends (a panic, go test's timeout, SIGKILL), so a dead test
// process never holds the cluster up and a dead supervisor is seen as dead
// whatever became of its pid.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Environment variables of the shared cluster.
const (
	// EnvPostgresDir is the shared cluster's directory. When running as
	// root its parents must be searchable by the postgres user.
	EnvPostgresDir = "SHEQU_TEST_POSTGRES_DIR"
	// EnvPostgresIdle is how long the shared cluster outlives its last
	// user, as a Go duration; read by the process that starts it.
	EnvPostgresIdle = "SHEQU_TEST_POSTGRES_IDLE"

	// envSupervise turns a test binary into the supervisor of the cluster
	// directory it names (see Main).
	envSupervise = "SHEQU_TEST_POSTGRES_SUPERVISE"
)

// defaultIdle spans the pauses of a `go test ./...` run, when the next
// packages using PostgreSQL are still compiling, yet stops the cluster soon
// after the run.
const defaultIdle = 15 * time.Second

// sharedState is the state file: the cluster a supervisor runs.
type sharedState struct {
	Pid  int    `json:"pid"`  // the supervisor
	Dir  string `json:"dir"`  // its cluster-* directory
	Data string `json:"data"` // the data directory, as the server reports it
	DSN  string `json:"dsn"`  // admin DSN
}

// usersLock is this process's shared lock on "users", held until it exits
// (or Main closes it), so that the supervisor knows the cluster is in use.
var usersLock *os.File

// attachShared returns the admin DSN of the shared cluster, starting it if
// none runs.
func attachShared() (string, error) {
	base, err := sharedDir()
	if err != nil {
		return "", err
	}
	ctl, err := lockFile(filepath.Join(base, "lock"), syscall.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer ctl.Close() // closing releases the lock

	st, err := readState(base)
	if err != nil {
		return "", err
	}
	if st != nil && !supervisorAlive(st.Dir) {
		// A supervisor killed before it could clean up; its postgres
		// stopped with it (Pdeathsig).
		os.Remove(filepath.Join(base, "state"))
		if filepath.Dir(st.Dir) == base && strings.HasPrefix(filepath.Base(st.Dir), "cluster-") {
			os.RemoveAll(st.Dir) // only ever one of ours, whatever the file says
		}
		st = nil
	}
	if st == nil {
		if st, err = startSupervisor(base); err != nil {
			return "", err
		}
	}
	if err := checkOurs(st); err != nil {
		return "", err
	}
	// Taken before the control lock is released: the supervisor retires
	// only while holding the control lock and seeing no users.
	users, err := lockFile(filepath.Join(base, "users"), syscall.LOCK_SH)
	if err != nil {
		return "", err
	}
	usersLock = users
	return st.DSN, nil
}

// detach releases this process's hold on the shared cluster.
func detach() {
	if usersLock != nil {
		usersLock.Close()
		usersLock = nil
	}
}

// sharedDir returns the shared directory, created if missing. It must be a
// real directory of ours: in a world-writable /tmp another user could have
// put a symbolic link or their own directory there first.
func sharedDir() (string, error) {
	dir := os.Getenv(EnvPostgresDir)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "shequ-testpg-shared-"+strconv.Itoa(os.Geteuid()))
	}
	// 0711: a cluster run as the postgres user (when we are root) must reach
	// its own directory inside; nobody may list or write ours.
	if err := os.Mkdir(dir, 0o711); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(sys.Uid) != os.Geteuid() {
		return "", fmt.Errorf("%s is not a directory of ours; remove it or set %s", dir, EnvPostgresDir)
	}
	return dir, os.Chmod(dir, 0o711)
}

// lockFile opens (creating) path and flocks it with how; closing the file
// releases the lock.
func lockFile(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// tryLock reports whether path could be flocked with how right now,
// releasing the lock at once.
func tryLock(path string, how int) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB) == nil
}

// supervisorAlive reports whether the supervisor of cluster directory dir
// still holds its "alive" lock.
func supervisorAlive(dir string) bool {
	return !tryLock(filepath.Join(dir, "alive"), syscall.LOCK_SH)
}

func readState(base string) (*sharedState, error) {
	b, err := os.ReadFile(filepath.Join(base, "state"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st sharedState
	if err := json.Unmarshal(b, &st); err != nil || st.Dir == "" || st.DSN == "" {
		// Half a file cannot be (the supervisor renames it into place), so
		// this is someone else's: treat it as a dead supervisor's.
		return &sharedState{Dir: filepath.Join(base, "unreadable-state")}, nil
	}
	return &st, nil
}

// checkOurs makes sure the server at the state's DSN is the cluster the
// state names, and not whatever else listens on that port now — such as
// the machine's own PostgreSQL.
func checkOurs(st *sharedState) error {
	db, err := sql.Open("pgx", st.DSN)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var data string
	if err := db.QueryRowContext(ctx, "SHOW data_directory").Scan(&data); err != nil {
		return fmt.Errorf("shared test cluster at %s (supervisor %d): %w", st.DSN, st.Pid, err)
	}
	if data != st.Data {
		return fmt.Errorf("the server at %s serves %s, not the shared test cluster's %s", st.DSN, data, st.Data)
	}
	return nil
}

// startSupervisor starts this test binary as the supervisor of a new
// cluster directory in base and waits until it has written the state file
// (or failed). The caller holds the control lock.
func startSupervisor(base string) (*sharedState, error) {
	if _, err := findPostgresBin(); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(base, "cluster-")
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "supervisor.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close() // the supervisor has its own copy
	cmd := exec.Command(exe)
	cmd.Dir = base
	cmd.Env = append(os.Environ(), envSupervise+"="+dir)
	// Its own output, never ours: go test waits for every writer of the
	// test binary's output to close it, and would wait for the supervisor.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own session: it must outlive this process, and the terminal's
	// Ctrl-C to this run must not skip its cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // reaps it, should it end while we live

	// Starting a cluster takes seconds; initdb and postgres each end on
	// their own if they cannot, and so does the supervisor.
	for {
		st, err := readState(base)
		if err != nil {
			return nil, err
		}
		if st != nil && st.Dir == dir {
			return st, nil
		}
		select {
		case err := <-exited:
			out, _ := os.ReadFile(logPath)
			os.RemoveAll(dir)
			return nil, fmt.Errorf("the shared test cluster did not start: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// supervise runs the cluster in dir until it has had no users for the idle
// period, or the supervisor gets SIGTERM or SIGINT, or postgres ends.
func supervise(dir string) error {
	base := filepath.Dir(dir)
	alive, err := lockFile(filepath.Join(dir, "alive"), syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer alive.Close()
	idle := defaultIdle
	if s := os.Getenv(EnvPostgresIdle); s != "" {
		if idle, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("%s: %v", EnvPostgresIdle, err)
		}
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)

	c, err := StartCluster(dir)
	if err != nil {
		return err
	}
	st, err := c.state(dir)
	if err == nil {
		err = writeState(base, st)
	}
	if err != nil {
		c.Stop()
		return err
	}
	fmt.Printf("supervisor %d: cluster %s at %s, stopping after %s without users\n", st.Pid, st.Data, st.DSN, idle)

	// retire withdraws the state file so that no process attaches any more,
	// unless (when onlyIdle) a process is attached or attaching.
	retire := func(onlyIdle bool) bool {
		ctl, err := lockFile(filepath.Join(base, "lock"), syscall.LOCK_EX)
		if err != nil {
			fmt.Println(err)
			return false
		}
		defer ctl.Close()
		if onlyIdle && !tryLock(filepath.Join(base, "users"), syscall.LOCK_EX) {
			return false
		}
		if cur, _ := readState(base); cur != nil && cur.Dir == dir {
			os.Remove(filepath.Join(base, "state"))
		}
		return true
	}

	var idleSince time.Time
	for done := false; !done; {
		select {
		case sig := <-signals:
			fmt.Printf("supervisor: %v\n", sig)
			retire(false)
			done = true
		case <-c.done:
			retire(false)
			os.RemoveAll(dir)
			return fmt.Errorf("postgres ended: %v", c.err)
		case <-time.After(100 * time.Millisecond):
			if !tryLock(filepath.Join(base, "users"), syscall.LOCK_EX) {
				idleSince = time.Time{}
				continue
			}
			if idleSince.IsZero() {
				idleSince = time.Now()
			}
			if time.Since(idleSince) >= idle && retire(true) {
				fmt.Printf("supervisor: no users for %s\n", idle)
				done = true
			}
		}
	}
	err = c.Stop()
	os.RemoveAll(dir)
	return err
}

// state describes c, run in dir by this process, for the state file.
func (c *Cluster) state(dir string) (*sharedState, error) {
	db, err := sql.Open("pgx", c.DSN())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := &sharedState{Pid: os.Getpid(), Dir: dir, DSN: c.DSN()}
	return st, db.QueryRowContext(ctx, "SHOW data_directory").Scan(&st.Data)
}

// writeState puts st in place at once, so that no reader sees half of it.
func writeState(base string, st *sharedState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := filepath.Join(base, "state.new")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(base, "state"))
}
