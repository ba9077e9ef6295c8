package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// cssURL names the stylesheet by a hash of its content, so browsers may keep
// it for a year and still see each new version at once.
var cssURL = func() string {
	b, err := staticFS.ReadFile("static/app.css")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "/static/app.css?v=" + hex.EncodeToString(sum[:6])
}()

func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	b, err := staticFS.ReadFile(name)
	if err != nil || !strings.HasPrefix(name, "static/") {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".css") {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// page is what the layout needs besides the page's own Data.
type page struct {
	Title string
	Nav   string    // the key of the current item of the navigation
	Menu  []navItem // the navigation the user may use
	User  *accounts.User
	Role  string // the names of the user's roles
	CSRF  string
	Flash string
	CSS   string
	// Refresh, when set, reloads the page after so many seconds: the
	// progress of a background job without any script.
	Refresh int
	Data    any
}

// newPage starts a page for an authenticated request.
func newPage(rq *request, title, nav string, data any) *page {
	p := &page{Title: title, Nav: nav, Data: data}
	if rq != nil {
		u := rq.user
		p.User, p.Role, p.CSRF, p.Flash, p.Menu = &u, rq.viewer.RoleNames(), rq.sess.CSRF, rq.flash, rq.nav
	}
	return p
}

// templates holds one template set per page: the layout, the shared
// partials and the page's own file.
type templates struct {
	pages map[string]*template.Template
}

func mustParseTemplates() *templates {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasSuffix(name, "partials") {
			continue
		}
		// Shared pieces: partials.html and each capability's *_partials.html.
		t.pages[name] = template.Must(template.New(name).Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/*partials.html", f))
	}
	return t
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 page instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := h.tmpl.pages[name]
	if !ok {
		h.Log.Error("web: no template", "name", name, "path", r.URL.Path)
		h.errorPage(w, r, nil, http.StatusInternalServerError)
		return
	}
	body, err := h.execute(t, p)
	if err != nil {
		h.Log.Error("web: template", "name", name, "path", r.URL.Path, "err", err)
		if name != "error" {
			h.errorPage(w, r, nil, http.StatusInternalServerError)
		} else {
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		}
		return
	}
	writeHTML(w, status, body)
}

func (h *handler) execute(t *template.Template, p *page) ([]byte, error) {
	p.CSS = cssURL
	var buf bytes.Buffer
	buf.Grow(16 << 10) // most pages: one allocation, no copies
	err := t.ExecuteTemplate(&buf, "layout", p)
	return buf.Bytes(), err
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

type errorData struct {
	Status  int
	Heading string
	Message string
}

var errorTexts = map[int][2]string{
	http.StatusBadRequest:            {"请求有误", "提交的内容无法识别,请返回后重试。"},
	http.StatusUnauthorized:          {"请重新登录", "登录已过期或已退出,刚才提交的内容没有保存。请重新登录后再操作。"},
	http.StatusForbidden:             {"无法完成操作", "您没有此项操作的权限,或页面已过期、请求未通过安全校验。请返回上一页,刷新后重新提交。"},
	http.StatusNotFound:              {"找不到该页面", "您要找的页面或记录不存在,或不在您负责的范围内。"},
	http.StatusRequestEntityTooLarge: {"文件太大", "上传的文件超过了允许的大小,没有保存。请分成几个文件后再上传。"},
	http.StatusInternalServerError:   {"服务器出错了", "处理请求时出现问题,已记录。请稍后再试;如果一再出现,请联系管理员。"},
}

// errorPage shows a Chinese error page that never says more than its status.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, rq *request, status int) {
	t, ok := errorTexts[status]
	if !ok {
		t = [2]string{http.StatusText(status), ""}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, "error", newPage(rq, t[0], "", errorData{Status: status, Heading: t[0], Message: t[1]}))
}

// china is the time zone every user of the system lives in; a fixed offset
// needs no time zone database on the server.
var china = time.FixedZone("CST", 8*3600)

// labels maps a kind of code to the Chinese name of each code.
var labels = map[string]map[string]string{
	"residence": register.ResidenceNames,
	"hhkind":    register.HouseholdKindNames,
	"use":       register.HouseUseNames,
	"orgkind":   register.OrganisationKindNames,
	"building":  register.BuildingKindNames,
	"gender":    register.GenderNames,
	"status":    register.PersonStatusNames,
	"staff":     orgtree.StaffRoleNames,
	"source":    {"web": "网页", "api": "接口", "cli": "命令行", "demo": "演示数据", "import": "导入"},
	"op":        {"create": "新建", "update": "修改", "delete": "删除"},
	"action":    audit.ActionNames,
	"place":     access.PlaceNames,
	// Kinds of records the audit log names besides the register's own.
	"entity":   {"unit": "组织单元", "user": "账号", "role": "角色"},
	"hhstatus": {"active": "在册", "dissolved": "已注销"},
}

// label returns the Chinese name of a code: codes of the national lists
// (ethnicity, relation, doc) or of the register's own enumerations.
func label(kind, code string) string {
	if code == "" {
		return ""
	}
	switch kind {
	case "ethnicity":
		if n, ok := codes.EthnicityName(code); ok {
			return n
		}
	case "relation":
		if n, ok := codes.RelationName(code); ok {
			return n
		}
	case "doc":
		if l := ident.DocType(code).Label(); l != "" {
			return l
		}
	case "entity":
		if l := register.EntityLabel(code); l != code {
			return l
		}
	case "source":
		if k, _, ok := strings.Cut(code, ":"); ok && k == "import" {
			return "导入(" + strings.TrimPrefix(code, "import:") + ")"
		}
	}
	if n, ok := labels[kind][code]; ok {
		return n
	}
	return code
}

// mask hides the middle of an ID number or phone number.
func mask(kind, v string) string {
	if v == "" {
		return ""
	}
	if kind == "phone" {
		return ident.MaskPhone(v)
	}
	return ident.MaskID(v)
}

// age in whole years on today's date in China, "" for an unknown birth date.
func age(birth string) string {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return ""
	}
	now := time.Now().In(china)
	y := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		y--
	}
	if y < 0 {
		return ""
	}
	return fmt.Sprintf("%d岁", y)
}

// when shows a stored time in China's time zone to the minute.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(china).Format("2006-01-02 15:04")
}

// stamp shows a stored time string (database.TimeLayout, UTC).
func stamp(s string) string { return when(database.ParseTime(s)) }

var funcs = template.FuncMap{
	"label":  label,
	"mask":   mask,
	"age":    age,
	"when":   when,
	"stamp":  stamp,
	"area":   func(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") },
	"round":  func(f float64) int { return int(math.Round(f)) },
	"mul100": func(f float64) float64 { return f * 100 },
	"inc":    func(i int) int { return i + 1 },
	// describedBy lists the ids of a field's hint and error for
	// aria-describedby, so screen readers read the message with the field.
	"describedBy": func(field, err, hint string) string {
		var ids []string
		if hint != "" {
			ids = append(ids, "hint-"+field)
		}
		if err != "" {
			ids = append(ids, "err-"+field)
		}
		return strings.Join(ids, " ")
	},
	// dict passes several named values to a shared form-field template.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}
