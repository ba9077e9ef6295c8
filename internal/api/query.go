package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// queryParam is a query parameter as openapi/*.json describes it.
type queryParam struct {
	Name   string `json:"name"`
	In     string `json:"in"`
	Schema struct {
		Type    string   `json:"type"`
		Format  string   `json:"format"`
		Enum    []string `json:"enum"`
		Minimum *int64   `json:"minimum"`
	} `json:"schema"`
}

// queryParams are the query parameters of each operation, by "GET
// /api/v1/persons/{}": the description is the one list of the filters an
// operation takes, so what it does not name is refused rather than ignored.
var queryParams = mustQueryParams(openAPI)

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

func operationKey(method, path string) string {
	return method + " " + pathParam.ReplaceAllString(path, "{}")
}

func mustQueryParams(doc []byte) map[string][]queryParam {
	var d struct {
		Paths map[string]map[string]struct {
			Parameters []queryParam `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		panic(err)
	}
	out := map[string][]queryParam{}
	for path, ops := range d.Paths {
		for method, op := range ops {
			key := operationKey(strings.ToUpper(method), "/api/v1"+path)
			out[key] = []queryParam{}
			for _, p := range op.Parameters {
				if p.In == "query" {
					out[key] = append(out[key], p)
				}
			}
		}
	}
	return out
}

// checkQuery refuses a query string with a parameter the operation does not
// describe, one given twice, or a value not of the described type: a
// filter that is ignored returns rows the caller did not ask for, and one
// that is misspelt would go unnoticed.
func checkQuery(pattern string, r *http.Request) error {
	method, path, _ := strings.Cut(pattern, " ")
	params, ok := queryParams[operationKey(method, path)]
	if !ok {
		return nil // the description test fails for such a route
	}
	for name, values := range r.URL.Query() {
		i := slices.IndexFunc(params, func(p queryParam) bool { return p.Name == name })
		if !utf8.ValidString(name) || len(name) > 40 {
			return fieldError("query", "查询参数名无效")
		}
		if i < 0 {
			return fieldError(name, "不支持的查询参数 "+name+allowedText(params))
		}
		if len(values) > 1 {
			return fieldError(name, "查询参数 "+name+" 只能给一次")
		}
		if err := params[i].check(values[0]); err != nil {
			return err
		}
	}
	return nil
}

func allowedText(params []queryParam) string {
	if len(params) == 0 {
		return ",此接口不接受查询参数"
	}
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
	}
	return ",可用:" + strings.Join(names, "、")
}

// check reads v as the parameter's schema says; empty is as if absent.
func (p queryParam) check(v string) error {
	if v == "" {
		return nil
	}
	s := p.Schema
	switch {
	case len(s.Enum) > 0:
		if !slices.Contains(s.Enum, v) {
			return fieldError(p.Name, p.Name+" 应为 "+strings.Join(s.Enum, "、")+" 之一")
		}
	case s.Type == "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fieldError(p.Name, p.Name+" 应为整数")
		}
		if s.Minimum != nil && n < *s.Minimum {
			return fieldError(p.Name, p.Name+" 不能小于 "+strconv.FormatInt(*s.Minimum, 10))
		}
	case s.Type == "boolean":
		if v != "true" && v != "false" && v != "1" && v != "0" {
			return fieldError(p.Name, p.Name+" 应为 true 或 false")
		}
	case s.Format == "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fieldError(p.Name, p.Name+" 应为日期 年-月-日,如 2026-11-01")
		}
	case s.Format == "date-time":
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return fieldError(p.Name, p.Name+" 应为 RFC 3339 时间,如 2026-11-01T00:00:00+08:00")
		}
	}
	return nil
}
