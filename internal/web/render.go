package web

import (
	"embed"
	"html/template"
	"io/fs"
)

//go:embed templates/*.html
var templateFS embed.FS

func pageFS() fs.FS {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	return sub
}

// labels maps a kind of code to the Chinese name of each code.
var labels = map[string]map[string]string{"entity": {}}

// label returns the Chinese name of a code.
func label(kind, code string) string { return labelKit.Label(kind, code) }

// labelKit answers label for the pages' Go code.
var labelKit *Kit

var funcs = template.FuncMap{}

// flashes are the pages' messages after a redirect, by key.
var flashes = map[string]string{
	"granted":          "已授权",
	"revoked":          "已撤销",
	"import_started":   "已开始导入,本页会自动刷新显示进度",
	"import_duplicate": "该文件已以相同的列对应导入过,本次未作任何更改",
	"template_saved":   "模板已保存",
}
