package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/testlog"
	"shequ/internal/testwait"
)

// Environment variables that steer the harness.
const (
	envSkipBrowser = "SHEQU_TEST_SKIP_BROWSER" // "1": a missing Chromium skips, not fails
	envScreenshots = "SHEQU_SCREENSHOTS"       // a directory to keep every screenshot in
)

// TestMain removes the shequ binary the tests built, so that a run leaves
// nothing behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// Chromium starts a headless Chromium with a phone-sized window (375×812)
// and returns a context for chromedp.Run, which ends shortly before the
// test's deadline: a page waiting for an element that never comes fails
// its test with the step it was at, instead of go test panicking the whole
// binary. The browser is closed when t ends.
func Chromium(t *testing.T) context.Context {
	return ChromiumSize(t, 375, 812)
}

// ChromiumSize is Chromium with a window of width×height CSS pixels.
func ChromiumSize(t *testing.T, width, height int) context.Context {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		if os.Getenv(envSkipBrowser) == "1" {
			t.Skipf("skipping: Chromium not found (%s=1)", envSkipBrowser)
		}
		t.Fatalf("Chromium not found (/usr/bin/chromium, or chromium on PATH); run the project's test command, scripts/test, which installs it (or set %s=1 to skip)", envSkipBrowser)
	}

	// Our own flags only, not chromedp.DefaultExecAllocatorOptions, so the
	// browser is exactly what this list says.
	// Not t.TempDir: Chromium puts a Unix socket below it, whose path may
	// not exceed 107 bytes, and a test's temporary directory is named after
	// the test.
	dir, err := os.MkdirTemp("", "cr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // we often run as root, where the sandbox cannot start
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		// Chromium keeps a socket directory in $TMPDIR that it leaves behind
		// when it does not shut down cleanly; keep it where t cleans up.
		chromedp.Env("TMPDIR=" + dir),
		chromedp.WindowSize(width, height),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Cleanups run last-in first-out: this one runs before t.TempDir's, so the
	// browser is gone before its profile directory is removed.
	t.Cleanup(func() {
		cancelBrowser() // closes the browser gracefully
		cancelAlloc()   // waits for the process to exit
	})

	// The first action starts the browser, which then lives as long as the
	// context of that action: so start it here, without the timeout, and so
	// that a browser that cannot start fails with a clear message rather than
	// in the middle of the first scenario step.
	//
	// Headless Chromium keeps its window at least 500 px wide whatever
	// --window-size says, so the tab's viewport is also set by emulation
	// (it holds for this tab, not for tabs a test opens itself).
	if err := chromedp.Do(browserCtx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulatePortrait)); err != nil {
		t.Fatalf("start Chromium %s: %v", bin, err)
	}
	return testwait.Context(t, browserCtx)
}

// lastLook returns ctx's browser tab without ctx's deadline, bounded by
// t's own: a failure is often ctx expiring, and its screenshot and last
// reading of the page must still be taken.
func lastLook(t *testing.T, ctx context.Context) context.Context {
	ctx = context.WithoutCancel(ctx)
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		t.Cleanup(cancel)
	}
	return ctx
}

func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Screenshot saves the whole page as <test>-<name>.png (see saveScreenshot),
// for people to look at; tests never compare screenshots. A screenshot that
// cannot be taken fails the test but does not stop it, so that the failure
// a test is photographing is still reported.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(lastLook(t, ctx), chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	saveScreenshot(t, name, png)
}

// saveScreenshot writes png as <test>-<name>.png into the directory named
// by SHEQU_SCREENSHOTS when it is set (relative to e2e/browser, where tests
// run). Otherwise it goes to a temporary directory of t's, removed when t
// passes and kept, its path logged, when t fails.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	file := filepath.Join(screenshotDir(t), fileName(t.Name())+"-"+fileName(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

var shotDirs sync.Map // *testing.T → its temporary screenshot directory

func screenshotDir(t *testing.T) string {
	t.Helper()
	if keep := os.Getenv(envScreenshots); keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatalf("%s: %v", envScreenshots, err)
		}
		return keep
	}
	if dir, ok := shotDirs.Load(t); ok {
		return dir.(string)
	}
	// Not t.TempDir: that is removed whether t passes or fails.
	dir, err := os.MkdirTemp("", "shequ-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	shotDirs.Store(t, dir)
	t.Cleanup(func() {
		shotDirs.Delete(t)
		if t.Failed() {
			t.Logf("screenshots kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	return dir
}

// fileName keeps letters (Chinese included), digits, '-' and '.'; the rest,
// such as the '/' of subtests, becomes '_'.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 {
			return r
		}
		return '_'
	}, s)
}

// The shequ binary, built once per test process by shequBinary into
// buildDir, which TestMain removes.
var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

// shequBinary builds ./cmd/shequ into a temporary directory on first use.
func shequBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "shequ-browser-"); err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(buildDir, "shequ")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/shequ")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/shequ: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// moduleRoot walks up from the working directory to the one with go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// The database of each test, so that RunShequ can prepare what StartServer
// then serves.
var dbPaths sync.Map // *testing.T → string

// DBPath returns the SQLite file StartServer serves for t (the same path for
// every call in one test), for RunShequ to load data into first:
//
//	RunShequ(t, "demo", "--db", DBPath(t))
//	base := StartServer(t)
func DBPath(t *testing.T) string {
	if p, ok := dbPaths.Load(t); ok {
		return p.(string)
	}
	p, _ := dbPaths.LoadOrStore(t, filepath.Join(t.TempDir(), "shequ.db"))
	t.Cleanup(func() { dbPaths.Delete(t) })
	return p.(string)
}

// RunShequ runs the shequ binary with args and returns its standard output.
// It fails the test if the command exits with an error.
func RunShequ(t *testing.T, args ...string) string {
	t.Helper()
	return run(t, shequBinary(t), args...)
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(testwait.Context(t, context.Background()), bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(bin), strings.Join(args, " "), err, &stdout, &stderr)
	}
	return stdout.String()
}

// StartServer runs `shequ serve` on DBPath(t) and a free loopback port, with
// args appended (so a later --db or --addr in args wins, if the command uses
// the standard flag package), and returns its base URL, such as
// http://127.0.0.1:40123. The server's output is shown if the test fails.
// When t ends the server gets SIGTERM and must exit cleanly (before the
// test's deadline).
func StartServer(t *testing.T, args ...string) string {
	t.Helper()
	// -v logs every request: the run's log scan (e2e/logscan) reads it all.
	return serve(t, shequBinary(t), append([]string{"-v"}, args...)...)
}

// serve is StartServer with the binary given, so that the harness can be
// tested with a stand-in server.
func serve(t *testing.T, bin string, args ...string) string {
	t.Helper()
	name := filepath.Base(bin)
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--db", DBPath(t), "--addr", addr}, args...)...)
	var out syncBuffer
	w := testlog.Writer(t, &out)
	cmd.Stdout, cmd.Stderr = w, w
	// A crashed or killed test process must not leave a server behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed when the server has exited, with waitErr set
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()

	// Registered before the stop below, so it runs after it and shows the
	// server's output up to its last line.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s serve output:\n%s", name, out.String())
		}
	})
	t.Cleanup(func() {
		select {
		case <-exited:
			t.Errorf("%s serve exited before the test ended: %v", name, waitErr)
			return
		default:
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
			// Graceful shutdown is part of what is tested: a server killed
			// by the signal, or exiting non-zero, fails the test.
			if waitErr != nil {
				t.Errorf("%s serve did not exit cleanly on SIGTERM: %v", name, waitErr)
			}
		case <-testwait.Done(t):
			cmd.Process.Kill()
			<-exited
			t.Errorf("%s serve had not exited on SIGTERM by the test's deadline", name)
		}
	})

	base := "http://" + addr
	ctx := testwait.Context(t, context.Background())
	for {
		err := healthy(ctx, base)
		if err == nil {
			return base
		}
		select {
		case <-exited:
			t.Fatalf("%s serve exited while starting: %v", name, waitErr)
		case <-ctx.Done():
			t.Fatalf("%s serve not healthy by the test's deadline: GET /healthz: %v", name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// healthy asks base's /healthz once.
func healthy(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// syncBuffer is a bytes.Buffer that the server's stdout and stderr copiers
// and the test can use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
