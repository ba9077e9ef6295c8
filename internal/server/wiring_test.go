package server

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/reports"
)

// TestIndicatorSourcesCoverTheTree fails when a capability has an indicator
// source — a function returning (indicators.Source, error) — that
// IndicatorSources does not list: reports would silently not know its
// entity.
func TestIndicatorSourcesCoverTheTree(t *testing.T) {
	declared := sourceFuncsIn(t, filepath.Join("..", "..", "internal"))
	if len(declared) == 0 {
		t.Fatal("found no indicator source in internal/: the search is broken")
	}
	var listed []string
	for _, f := range IndicatorSources() {
		listed = append(listed, runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name())
	}
	for _, d := range declared {
		if !slices.Contains(listed, d) {
			t.Errorf("server.IndicatorSources does not list %s", d)
		}
	}
}

// sourceFuncsIn finds, in the non-test files under dir, the package-level
// functions of another package than indicators that return
// (indicators.Source, error), as "shequ/internal/pkg.Func".
func sourceFuncsIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join("..", ".."), filepath.Dir(path))
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !returnsSource(fn.Type.Results) {
				continue
			}
			out = append(out, "shequ/"+filepath.ToSlash(rel)+"."+fn.Name.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func returnsSource(results *ast.FieldList) bool {
	if results == nil || len(results.List) != 2 {
		return false
	}
	sel, ok := results.List[0].Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Source" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	errType, isIdent := results.List[1].Type.(*ast.Ident)
	return ok && pkg.Name == "indicators" && isIdent && errType.Name == "error"
}

// TestIndicatorSourcesCoverTheSample installs the demo's report template
// with the server's sources: it compiles every indicator of the template,
// and fails on an entity no source supplies.
func TestIndicatorSourcesCoverTheSample(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := reports.New(db, nil, IndicatorSources()...).InstallSample(ctx); err != nil || !ok {
		t.Fatalf("installing the sample template with the server's sources: installed=%v, %v", ok, err)
	}
	// The test can fail: without the sources the template does not compile.
	bare, err := database.Open(ctx, filepath.Join(t.TempDir(), "bare.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if _, err := bare.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.New(bare, nil).InstallSample(ctx); err == nil {
		t.Fatal("the sample template installed without any indicator source: it checks nothing here")
	}
}
