package shequ_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The house: every package of the module stands on one layer and imports
// only from its own layer or those below. Capabilities (domain) know
// nothing of HTTP; the web kit, the capabilities' web packages, the API,
// Open311 and the server carry them to the network; the programs assemble
// everything. The compiler already refuses cycles; this test refuses
// imports that point up, which a cycle-free graph can still have.
type layer int

const (
	vocabulary layer = iota // leaf words every layer speaks: errors, codes, identity numbers
	infrastructure
	domain
	transport
	program
)

func (l layer) String() string {
	return [...]string{"vocabulary", "infrastructure", "domain", "transport", "program"}[l]
}

const module = "shequ/"

// layers places the module's packages. internal/web/… (the kit) and a
// capability's own web packages, internal/<cap>/<name>web (registerweb,
// hallweb …), are transport wherever they are (layerOf); a package in no
// layer fails the test, so a new one is placed here when it is made.
var layers = map[string]layer{
	"internal/fault":    vocabulary,
	"internal/codes":    vocabulary,
	"internal/ident":    vocabulary,
	"internal/money":    vocabulary,
	"internal/filename": vocabulary, // names uploaded files are kept under

	"internal/database":        infrastructure,
	"internal/database/dbtest": infrastructure,
	"internal/testdb":          infrastructure,
	"internal/testlog":         infrastructure,
	"internal/testwait":        infrastructure,

	"internal/access":         domain,
	"internal/accounts":       domain,
	"internal/archive":        domain,
	"internal/audit":          domain,
	"internal/demo":           domain,
	"internal/events":         domain,
	"internal/exports":        domain,
	"internal/imports":        domain,
	"internal/datareq":        domain,
	"internal/disclosure":     domain, // 居务公开: catalogue, scheduled publications, residents' questions
	"internal/indicators":     domain,
	"internal/notify":         domain,
	"internal/orgtree":        domain,
	"internal/partymembers":   domain, // 在职党员双报到; records pairing visits through visits
	"internal/pdfdoc":         domain,
	"internal/pdfdoc/pdftest": domain,
	"internal/register":       domain,
	"internal/reports":        domain,
	"internal/services":       domain,
	"internal/sheets":         domain,
	"internal/visits":         domain,
	"internal/volunteers":     domain,
	"internal/residents":      domain, // 居民身份核验: the resident's SMS-verified session
	"internal/socialorgs":     domain, // 社区社会组织: registry, filing, members, activities
	"internal/proposals":      domain, // 议事协商: matters, eligibility from the register, secret votes
	"internal/procurement":    domain, // 政府购买服务: tenders, panel scoring, contracts, milestone payments, OCDS
	"internal/surveys":        domain, // 问卷调查: targets from the register, anonymous or named responses, results
	"internal/satisfaction":   domain, // 群众满意度: the residents' ratings of four capabilities as one figure
	"internal/funds":          domain, // 社区经费: funds, allocation rules, the append-only ledger, statements
	"internal/workaccess":     domain,
	"internal/workforce":      domain,
	"internal/workdays":       domain, // the working-day calendar is kept in the database
	"internal/workbench":      domain, // the capabilities' adapters import it, never the reverse
	"internal/verifycode":     domain, // certificates' codes, their key kept in the database

	"internal/volunteers/certificates": domain, // 志愿服务记录证明 and the national export

	"internal/web":         transport,
	"internal/web/webtest": transport, // test support for the web packages' tests: it builds the kit
	"internal/api":         transport,
	"internal/open311":     transport,
	"internal/server":      transport,

	"internal/volunteers/certificates/certweb": transport, // below a capability's sub-package: placed by hand

	"cmd/shequ":                     program,
	"internal/bench":                program, // starts the server and measures it over HTTP
	"internal/testdb/cmd/pgcluster": program,
	"e2e/access":                    program,
	"e2e/browser":                   program,
	"e2e/logscan":                   program,
}

// exception lets one package import one thing its layer may not.
type exception struct {
	pkg, imports string
	why          string
	// pending: the import is on its way out; the test fails once it is
	// gone, so that the exception goes with it.
	pending bool
}

var exceptions = []exception{
	{pkg: "internal/notify", imports: "net/http",
		why: "an outbound HTTP client: it sends SMS through the operator's gateway"},
}

// layerOf places a package (without the module prefix).
func layerOf(pkg string) (layer, bool) {
	if l, ok := layers[pkg]; ok {
		return l, true
	}
	parts := strings.Split(pkg, "/")
	switch {
	case strings.HasPrefix(pkg, "internal/web/"):
		return transport, true
	case len(parts) == 3 && parts[0] == "internal" && strings.HasSuffix(parts[2], "web"):
		// A capability's pages: internal/register/registerweb,
		// internal/services/hallweb, internal/services/portalweb …
		return transport, true
	}
	return 0, false
}

// forbiddenBelowTransport are the standard packages only transport and
// programs may import.
func forbiddenBelowTransport(imp string) bool {
	return imp == "net/http" || strings.HasPrefix(imp, "net/http/")
}

// violations checks an import graph (package → its imports, non-test
// files, full import paths) and returns what breaks the house, one line
// each naming the offending import.
func violations(graph map[string][]string, exceptions []exception) []string {
	var out []string
	used := make([]bool, len(exceptions))
	excepted := func(pkg, imp string) bool {
		for i, e := range exceptions {
			if e.pkg == pkg && e.imports == imp {
				used[i] = true
				return true
			}
		}
		return false
	}
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, full := range pkgs {
		pkg, ok := strings.CutPrefix(full, module)
		if !ok {
			continue
		}
		from, ok := layerOf(pkg)
		if !ok {
			out = append(out, fmt.Sprintf("%s is in no layer: place it in house_test.go's table", pkg))
			continue
		}
		for _, fullImp := range graph[full] {
			imp, inModule := strings.CutPrefix(fullImp, module)
			switch {
			case inModule:
				to, ok := layerOf(imp)
				if ok && to > from && !excepted(pkg, imp) {
					out = append(out, fmt.Sprintf("%s (%s) imports %s (%s): a lower layer imports a higher one", pkg, from, imp, to))
				}
			case forbiddenBelowTransport(fullImp) && from < transport && !excepted(pkg, fullImp):
				out = append(out, fmt.Sprintf("%s (%s) imports %s: only transport and programs speak HTTP", pkg, from, fullImp))
			}
		}
	}
	for i, e := range exceptions {
		if !used[i] {
			out = append(out, fmt.Sprintf("the exception for %s importing %s is not needed any more (%s): remove it", e.pkg, e.imports, e.why))
		}
	}
	return out
}

// TestHouse reads the module's real import graph with go list and checks it.
func TestHouse(t *testing.T) {
	graph := importGraph(t)
	if len(graph) < 20 {
		t.Fatalf("go list found %d packages: the graph is not the module's", len(graph))
	}
	for _, v := range violations(graph, exceptions) {
		t.Error(v)
	}

	t.Run("a fake graph with violations fails", func(t *testing.T) {
		fake := map[string][]string{
			module + "internal/fault":              {"errors"},
			module + "internal/codes":              {module + "internal/database"},                       // vocabulary on infrastructure
			module + "internal/register":           {module + "internal/fault", module + "internal/web"}, // domain on the kit
			module + "internal/events":             {"net/http", module + "internal/register"},           // domain speaking HTTP
			module + "internal/reports":            {module + "internal/reports/reportsweb"},             // domain on its own web package
			module + "internal/notify":             {"net/http"},                                         // excepted
			module + "internal/reports/reportsweb": {module + "internal/reports", "net/http"},            // fine
			module + "internal/server":             {module + "internal/web", module + "cmd/shequ"},      // transport on a program
			module + "internal/unplaced":           {module + "internal/fault"},                          // in no layer
		}
		got := violations(fake, exceptions[:1])
		want := []string{
			"codes (vocabulary) imports internal/database",
			"events (domain) imports net/http",
			"register (domain) imports internal/web (transport)",
			"reports (domain) imports internal/reports/reportsweb (transport)",
			"server (transport) imports cmd/shequ (program)",
			"internal/unplaced is in no layer",
		}
		for _, w := range want {
			if !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, w) }) {
				t.Errorf("no violation %q among:\n%s", w, strings.Join(got, "\n"))
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d violations, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		}
		if stale := violations(map[string][]string{module + "internal/notify": nil}, exceptions[:1]); len(stale) != 1 ||
			!strings.Contains(stale[0], "not needed any more") {
			t.Errorf("an exception no import needs is not reported: %q", stale)
		}
	})
}

// importGraph lists the module's packages and the imports of their
// non-test files.
func importGraph(t *testing.T) map[string][]string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to read the import graph: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-json=ImportPath,Imports", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		graph[p.ImportPath] = p.Imports
	}
	return graph
}
