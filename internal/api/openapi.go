package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI description is kept beside the handlers, one file per
// capability in openapi/ (base.json holds the info, servers and shared
// components); they are merged into one document when the server starts. A
// test checks that it and the registered routes name the same operations.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

var openAPI = mustMergeOpenAPI()

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}

func mustMergeOpenAPI() []byte {
	b, err := mergeOpenAPI(openAPIFiles)
	if err != nil {
		panic(err)
	}
	return b
}

// mergeOpenAPI merges base.json with every other file's paths and
// components; the same path or component in two files is an error.
func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var doc map[string]any
	read := func(name string) (map[string]any, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	}
	if doc, err = read("openapi/base.json"); err != nil {
		return nil, err
	}
	section := func(m map[string]any, key string) map[string]any {
		s, _ := m[key].(map[string]any)
		if s == nil {
			s = map[string]any{}
			m[key] = s
		}
		return s
	}
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		part, err := read(name)
		if err != nil {
			return nil, err
		}
		paths := section(doc, "paths")
		for k, v := range section(part, "paths") {
			if _, dup := paths[k]; dup {
				return nil, fmt.Errorf("%s: path %s described twice", name, k)
			}
			paths[k] = v
		}
		comps := section(doc, "components")
		for kind, v := range section(part, "components") {
			dst := section(comps, kind)
			for k, c := range v.(map[string]any) {
				if _, dup := dst[k]; dup {
					return nil, fmt.Errorf("%s: component %s/%s described twice", name, kind, k)
				}
				dst[k] = c
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}
