// Package logscan is the last test of a full run (scripts/test): it reads
// every application log the run's tests collected (internal/testlog) and
// fails if one holds personal data — a name, ID number or phone number the
// tests put into the register, or anything shaped like a resident ID number
// or a mobile number.
package logscan

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/ident"
	"shequ/internal/testlog"
)

// EnvScan turns the scan on; scripts/test sets it after every other test
// has run, so that the logs are complete.
const EnvScan = "SHEQU_LOGSCAN"

var (
	idShaped     = regexp.MustCompile(`\d{17}[\dXx]`)
	mobileShaped = regexp.MustCompile(`(^|[^\d])(1[3-9]\d{9})([^\d]|$)`)
)

// findings returns what in line looks like personal data.
func findings(line string, secrets []string) []string {
	var out []string
	for _, m := range idShaped.FindAllString(line, -1) {
		if _, err := ident.ParseResidentID(m, time.Now()); err == nil {
			out = append(out, "ID number "+m)
		}
	}
	for _, m := range mobileShaped.FindAllStringSubmatch(line, -1) {
		out = append(out, "phone number "+m[2])
	}
	for _, s := range secrets {
		if strings.Contains(line, s) {
			out = append(out, "register value "+s)
		}
	}
	return out
}

func TestFindings(t *testing.T) {
	id := ident.MakeResidentID("610603", time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), 7)
	for line, want := range map[string]int{
		`level=INFO msg=login user=376696053402202`:                 0,
		`level=ERROR msg=web path=/persons/376696053402202 err="x"`: 0,
		`msg=search q=` + id:       1,
		`msg=x phone=13909110001`:  1,
		`msg=x id=139091100012345`: 0,
		`msg=x name=韩梅梅`:           1,
		`time=2026-11-30T10:15:05.123+08:00 level=DEBUG msg=request`: 0,
	} {
		if got := findings(line, []string{"韩梅梅"}); len(got) != want {
			t.Errorf("%q: %v, want %d findings", line, got, want)
		}
	}
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	if os.Getenv(EnvScan) != "1" {
		t.Skipf("run by scripts/test after the whole suite (%s=1, %s set)", EnvScan, testlog.EnvDir)
	}
	dir := os.Getenv(testlog.EnvDir)
	if dir == "" {
		t.Fatalf("%s is not set", testlog.EnvDir)
	}
	secrets := readSecrets(t, dir)
	if len(secrets) < 10 {
		t.Fatalf("only %d register values were recorded by the tests: the scan would prove little", len(secrets))
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "log-*"))
	var total int64
	for _, path := range logs {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		n := 0
		for sc.Scan() {
			n++
			total += int64(len(sc.Bytes()) + 1)
			for _, what := range findings(sc.Text(), secrets) {
				t.Errorf("%s:%d holds %s", filepath.Base(path), n, what)
			}
		}
		f.Close()
	}
	if len(logs) < 3 || total < 10_000 {
		t.Fatalf("only %d logs of %d bytes in all were collected: the tests did not log through testlog", len(logs), total)
	}
	t.Logf("scanned %d logs, %d bytes, for %d register values", len(logs), total, len(secrets))
}

func readSecrets(t *testing.T, dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "secrets-*"))
	seen := map[string]bool{}
	var out []string
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range strings.Split(string(b), "\n") {
			// Single characters and short numbers occur everywhere.
			if len([]rune(s)) >= 2 && !seen[s] && (len(s) >= 6 || !isASCII(s)) {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}
