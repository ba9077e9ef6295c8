package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/accounts"
	"shequ/internal/testdb"
	"shequ/internal/testwait"
)

func TestMain(m *testing.M) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	testdb.Main(m) // the new-city test runs on both engines
}

func shequ(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestAccountCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if out, err := shequ(t, "migrate", "--db", db); err != nil || !strings.Contains(out, "当前结构版本") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if _, err := shequ(t, "user", "add", "--db", db, "--name", "admin", "--role", "admin", "--password", "short"); err == nil {
		t.Error("a weak password should be refused")
	}
	if _, err := shequ(t, "user", "add", "--db", db, "--name", "x", "--role", "king", "--password", "long-enough-1"); err == nil {
		t.Error("an unknown role should be refused")
	}
	if out, err := shequ(t, "user", "add", "--db", db, "--name", "admin", "--role", "admin", "--password", "long-enough-1"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := shequ(t, "token", "create", "--db", db, "--user", "admin")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "shq_") || strings.Contains(token, " ") {
		t.Fatalf("the token should be alone on the last line: %q", out)
	}
	if out, _ := shequ(t, "token", "list", "--db", db); !strings.Contains(out, token[:10]) {
		t.Errorf("token list: %s", out)
	}
	if out, _ := shequ(t, "user", "list", "--db", db); !strings.Contains(out, "admin") {
		t.Errorf("user list: %s", out)
	}
	if _, err := shequ(t, "user", "set-password", "--db", db, "--name", "admin", "--password", "another-pass-2"); err != nil {
		t.Error(err)
	}
	if _, err := shequ(t, "token", "revoke", "--db", db, "--id", token[:10]); err != nil {
		t.Error(err)
	}
	if _, err := shequ(t, "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}

// TestServeStatsContract loads a small preset, serves it in-process and reads
// /api/v1/stats the way other tools do, then stops the server.
func TestServeStatsContract(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if out, err := shequ(t, "demo", "--db", db, "--preset", "zinan"); err != nil {
		t.Fatalf("demo: %v %s", err, out)
	}
	if _, err := shequ(t, "demo", "--db", db, "--preset", "zinan"); err == nil {
		t.Error("loading the same preset twice should be refused")
	}
	shequ(t, "user", "add", "--db", db, "--name", "admin", "--role", "admin", "--password", "long-enough-1")
	out, _ := shequ(t, "token", "create", "--db", db, "--user", "admin")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]

	ctx, cancel := context.WithCancel(context.Background())
	addr := "127.0.0.1:0"
	done := make(chan error, 1)
	var stdout lockedBuffer
	go func() { done <- run(ctx, []string{"serve", "--db", db, "--addr", addr}, &stdout, io.Discard) }()
	var base string
	testwait.Until(t, "serve to print its address", func() bool {
		if s := stdout.String(); strings.Contains(s, "http://") {
			base = strings.TrimSpace(s[strings.Index(s, "http://"):])
			base = strings.TrimSuffix(base, "/")
		}
		return base != ""
	})
	req, _ := http.NewRequest("GET", base+"/api/v1/stats", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]float64
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	// 紫南's 5,216 persons and 1,685 households less those the demo's last
	// two years saw leave (moved away, died; households dissolved).
	if st["persons"] != 4953 || st["households"] != 1608 {
		t.Errorf("stats = %v", st)
	}
	for _, k := range []string{"floating_persons", "houses", "organisations", "grids"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats lacks %s", k)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-testwait.Done(t):
		t.Error("serve did not stop by the test's deadline")
	}
}
