// Package testlog collects the application logs of a whole test run, and
// the personal data the tests used, so that the last test of the run
// (e2e/logscan) can prove that no name, ID number or phone number reached a
// log. scripts/test sets the directory; outside it nothing is collected.
package testlog

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// EnvDir names the directory the run's logs are collected in.
const EnvDir = "SHEQU_TEST_LOG_DIR"

var seq atomic.Int64

func file(t testing.TB, kind, name string) (*os.File, bool) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		return nil, false
	}
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, name)
	path := filepath.Join(dir, fmt.Sprintf("%s-%d-%d-%s", kind, os.Getpid(), seq.Add(1), name))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatalf("testlog: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, true
}

// Writer returns w, also writing to a file of the run's log directory when
// logs are being collected.
func Writer(t testing.TB, w io.Writer) io.Writer {
	f, ok := file(t, "log", t.Name()+".log")
	if !ok {
		return w
	}
	return io.MultiWriter(w, f)
}

// Secret records values that no log may contain: the names, ID numbers and
// phone numbers a test put into the register.
func Secret(t testing.TB, values ...string) {
	f, ok := file(t, "secrets", t.Name()+".txt")
	if !ok {
		return
	}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			fmt.Fprintln(f, v)
		}
	}
}
