package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/bench"
)

// TestBenchListsEveryGroup fails when internal/bench declares a group of
// measurements that the command does not offer: --only would refuse it, and
// a group that runs another as its child process would fail.
func TestBenchListsEveryGroup(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "internal", "bench", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		// Package-level `var X = Group{Name: "…", …}`.
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					if name, ok := groupName(v); ok {
						declared = append(declared, name)
					}
				}
			}
		}
	}
	if len(declared) < 2 {
		t.Fatalf("found groups %v in internal/bench: the search is broken", declared)
	}
	offered := bench.Names(benchGroups)
	for _, name := range declared {
		if !slices.Contains(offered, name) {
			t.Errorf("internal/bench declares the group %q; benchGroups does not list it", name)
		}
	}
	if len(offered) != len(declared) {
		t.Errorf("benchGroups lists %v, internal/bench declares %v", offered, declared)
	}
}

func groupName(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "Group" {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Name" {
			if s, ok := kv.Value.(*ast.BasicLit); ok {
				name, err := strconv.Unquote(s.Value)
				return name, err == nil
			}
		}
	}
	return "", false
}
