package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/server"
	"shequ/internal/testdb"
)

// Every group of `shequ bench` runs on both engines (issue 20). The test
// runs those that are cheap at a small size; the others need a size of
// their own that a test cannot make small, and run with `shequ bench
// --only <group>` on either engine.
var (
	// On a city of 1,000 persons, in this order (register loads it).
	cheapGroups = []Group{Register, Access, Reports, DataRequest, Forms, Residents, Workbench}
	// Then events, on an empty database of its own.
	heavyGroups = map[string]string{
		"import":         "imports a csv of every person and an xlsx through the binary, twice, beside sqlite3 .import: tens of seconds",
		"services":       "loads the chengbei preset, whose applications the lookups read",
		"cards":          "the child process of services: the index cards of a chengbei community",
		"orgimport":      "generates and imports a province of 101,455 units",
		"burden":         "builds a city of 500 communities and 1.5 million households",
		"volunteers":     "writes 500 communities, 100,000 volunteers and 1,000,000 ledger rows",
		"funds":          "writes 500 communities and 1,000,000 ledger entries",
		"disclosure":     "adds communities up to 1,000 and a year of notices in 20 of them",
		"proposals":      "writes 30,000 matters and has every adult vote twice, once over HTTP with a kill",
		"visits":         "writes two years of visits in a street and schedules every household: seconds",
		"visits_offline": "builds a community of 400 households and syncs 200 visits over HTTP: tens of seconds",
		"party":          "writes members and a year of their acts in 10 communities: seconds",
		"socialorgs":     "writes 200 organisations with 10,000 members and their activities: seconds",
		"serve_load":     "loads the chengbei preset and runs shequ serve under mixed load for --duration (10 minutes)",
	}
)

func TestGroupsOnBothEngines(t *testing.T) {
	declared := declaredGroups(t)
	for _, name := range declared {
		_, heavy := heavyGroups[name]
		cheap := slices.ContainsFunc(cheapGroups, func(g Group) bool { return g.Name == name })
		if !heavy && !cheap && name != Events.Name {
			t.Errorf("the group %q is neither run here nor named as heavy with its reason", name)
		}
	}
	bin := shequBinary(t)
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := e.DSN(t)
			for i, g := range cheapGroups {
				lines := runGroup(t, ctx, Options{DSN: dsn, Load: i == 0, Persons: 1000, Queries: 5, Binary: bin,
					Sources: server.IndicatorSources()}, g)
				if len(lines) == 0 {
					t.Errorf("%s printed nothing", g.Name)
				}
				for _, l := range lines {
					if l["engine"] != e.Name {
						t.Errorf("%s: a line of engine %v: %v", g.Name, l["engine"], l)
					}
				}
			}
			// A database of its own: the events group writes a district
			// into an empty one (SQLite: a throwaway file of its own).
			lines := runGroup(t, ctx, Options{DSN: e.DSN(t), Queries: 5, Binary: bin, Duration: time.Second, Workers: 4}, Events)
			got := map[string]map[string]any{}
			for _, l := range lines {
				got[l["bench"].(string)] = l
				if l["engine"] != e.Name {
					t.Errorf("events: a line of engine %v: %v", l["engine"], l)
				}
			}
			for _, name := range []string{"event_create_http_vs_trivial", "event_progress_page_vs_trivial"} {
				if r, ok := got[name]["ratio"].(float64); !ok || r <= 0 || len(got[name]["ratios"].([]any)) < 3 {
					t.Errorf("%s: %v", name, got[name])
				}
			}
			if r := got["event_acked_missing_after_kill9"]; r == nil || r["value"].(float64) != 0 || r["n"].(float64) == 0 {
				t.Errorf("after kill -9: %v", r)
			}
			for _, name := range []string{"event_create_rate", "event_lookup_rate", "event_lookup_store_rate"} {
				if r, ok := got[name]["value"].(float64); !ok || r <= 0 {
					t.Errorf("%s: %v", name, got[name])
				}
			}
		})
	}
}

// runGroup runs g alone and returns its lines.
func runGroup(t *testing.T, ctx context.Context, opt Options, g Group) []map[string]any {
	t.Helper()
	opt.Groups, opt.Only = []Group{g}, []string{g.Name}
	var out bytes.Buffer
	start := time.Now()
	if err := Run(ctx, opt, &out, io.Discard); err != nil {
		t.Fatalf("%s: %v", g.Name, err)
	}
	t.Logf("%s: %s", g.Name, time.Since(start).Round(time.Millisecond))
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("%s: %q: %v", g.Name, line, err)
		}
		lines = append(lines, l)
	}
	return lines
}

// declaredGroups reads the names of the groups this package declares.
func declaredGroups(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`Group\{Name: "([a-z_]+)"`)
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			names = append(names, string(m[1]))
		}
	}
	if len(names) < 20 {
		t.Fatalf("found groups %v: the search is broken", names)
	}
	return names
}

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// shequBinary builds the shequ executable once for the test process: the
// events group runs it as the server under test and as the reference.
func shequBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shequ-bench-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		testdb.AtExit(func() { os.RemoveAll(dir) })
		binaryPath = filepath.Join(dir, "shequ")
		if out, err := exec.Command("go", "build", "-o", binaryPath, "shequ/cmd/shequ").CombinedOutput(); err != nil {
			binaryErr = err
			t.Logf("%s", out)
		}
	})
	if binaryErr != nil {
		t.Fatalf("building shequ: %v", binaryErr)
	}
	return binaryPath
}
