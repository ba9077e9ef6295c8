package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// goInternals are words of Go's decoder and type names that must never
// reach an API client.
var goInternals = []string{"Go value", "unmarshal", "json:", "register.", "api.", "int64", "[]", "struct", "invalid character"}

func fieldsOf(out map[string]any) map[string]any {
	f, _ := out["fields"].(map[string]any)
	return f
}

// TestBodyErrors: a body of the wrong shape, too large or not text is
// refused in Chinese at the field, never in the decoder's words.
func TestBodyErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		pid := fmt.Sprint(e.person.ID)
		for _, c := range []struct {
			method, path, body string
			status             int
			field, want        string
		}{
			{"POST", "/api/v1/persons", `[]`, 400, "body", "应为JSON 对象"},
			{"POST", "/api/v1/persons", `"张三"`, 400, "body", "应为JSON 对象"},
			{"POST", "/api/v1/persons", `{"name": 5}`, 400, "name", "字段 name 应为文本"},
			{"POST", "/api/v1/persons", `{"household_id": "三"}`, 400, "household_id", "字段 household_id 应为整数"},
			{"POST", "/api/v1/persons", `{"name": "张`, 400, "body", "不完整"},
			{"POST", "/api/v1/persons", `{"name": 张三}`, 400, "body", "不是有效的 JSON"},
			{"POST", "/api/v1/persons", ``, 400, "body", "请求体为空"},
			{"POST", "/api/v1/persons", `{"name": "张三"} {}`, 400, "body", "只能是一个"},
			{"POST", "/api/v1/persons", `{"nmae": "张三"}`, 400, "nmae", "未知字段"},
			{"POST", "/api/v1/persons", "{\"name\": \"\xff\xfe\"}", 400, "name", "无效字符"},
			{"POST", "/api/v1/persons", `{"name": "a\u0000b"}`, 400, "name", "无效字符"},
			{"POST", "/api/v1/persons", `{"name": "\ud800"}`, 400, "name", "无效字符"},
			{"PUT", "/api/v1/persons/" + pid, "{\"version\": 1, \"address\": \"x\xc3\"}", 400, "address", "无效字符"},
			{"POST", "/api/v1/persons", `{"name": "` + strings.Repeat("长", 400000) + `"}`, 413, "body", "超过 1 MB"},
		} {
			code, out := e.do(t, e.adminToken, c.method, c.path, c.body)
			msg, _ := fieldsOf(out)[c.field].(string)
			if code != c.status || !strings.Contains(msg, c.want) {
				t.Errorf("%s %s %.40q: %d %v, want %d with %q at %s", c.method, c.path, c.body, code, out, c.status, c.want, c.field)
			}
			for _, w := range goInternals {
				if strings.Contains(fmt.Sprint(out), w) {
					t.Errorf("%.40q: the answer %v shows %q", c.body, out, w)
				}
			}
		}
	})
}

// TestQueryFilters walks the lists and the register's and the tree's
// records among the operations the OpenAPI description lists:
// a query parameter it does not describe is refused with 400 at that
// parameter, and so is a value not of the described type.
func TestQueryFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		checked := 0
		for op, params := range queryParams {
			method, path, _ := strings.Cut(op, " ")
			if method != "GET" || path == "/api/v1/openapi.json" {
				continue
			}
			// The lists, and the records of the register and the tree
			// this test has (the rule runs first: a record must exist).
			switch {
			case strings.HasPrefix(path, "/api/v1/persons/{}"):
				path = strings.ReplaceAll(path, "{}", fmt.Sprint(e.person.ID))
			case strings.HasPrefix(path, "/api/v1/households/{}"):
				path = strings.ReplaceAll(path, "{}", fmt.Sprint(e.household.ID))
			case strings.HasPrefix(path, "/api/v1/org/units/{}"), strings.HasPrefix(path, "/api/v1/reports/units/{}"):
				path = strings.ReplaceAll(path, "{}", fmt.Sprint(e.cb.ID))
			case strings.Contains(path, "{}"):
				continue
			}
			code, out := e.do(t, e.adminToken, "GET", path+"?foo=1", "")
			if msg, _ := fieldsOf(out)["foo"].(string); code != 400 || !strings.Contains(msg, "不支持的查询参数 foo") {
				t.Errorf("GET %s?foo=1: %d %v", path, code, out)
			}
			checked++
			for _, p := range params {
				bad := ""
				switch {
				case len(p.Schema.Enum) > 0, p.Schema.Type == "integer", p.Schema.Type == "boolean", p.Schema.Format != "":
					bad = "abc"
				default:
					continue
				}
				code, out := e.do(t, e.adminToken, "GET", path+"?"+url.Values{p.Name: {bad}}.Encode(), "")
				if msg, _ := fieldsOf(out)[p.Name].(string); code != 400 || !strings.Contains(msg, p.Name) {
					t.Errorf("GET %s?%s=%s: %d %v", path, p.Name, bad, code, out)
				}
			}
			if len(params) > 0 {
				p := params[0].Name
				code, out := e.do(t, e.adminToken, "GET", path+"?"+p+"=1&"+p+"=2", "")
				if msg, _ := fieldsOf(out)[p].(string); code != 400 || !strings.Contains(msg, "只能给一次") {
					t.Errorf("GET %s with %s twice: %d %v", path, p, code, out)
				}
			}
		}
		if checked < 25 {
			t.Errorf("only %d operations checked", checked)
		}
		// The issue's own examples.
		for path, field := range map[string]string{
			"/api/v1/events?overdue=abc":              "overdue",
			"/api/v1/services/applications?overdue=x": "overdue",
			"/api/v1/persons?foo=1":                   "foo",
			"/api/v1/persons?limit=ten":               "limit",
		} {
			if code, out := e.do(t, e.adminToken, "GET", path, ""); code != 400 || fieldsOf(out)[field] == nil {
				t.Errorf("GET %s: %d %v, want 400 at %s", path, code, out, field)
			}
		}
		// What the description allows still answers.
		if code, out := e.do(t, e.adminToken, "GET", "/api/v1/persons?q=%E5%BC%A0&limit=5&offset=0", ""); code != 200 {
			t.Errorf("a described query: %d %v", code, out)
		}
	})
}
