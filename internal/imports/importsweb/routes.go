// Package importsweb serves the imports' pages (导入): upload a department's
// list, map its columns, follow the import running in the background,
// download the rows it could not take, and decide the conflict queue.
package importsweb

import (
	"embed"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/imports"
	"shequ/internal/register"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the imports' pages need besides the kit.
type Deps struct {
	Imports  *imports.Service
	Register *register.Store
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the imports' pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, nil)}
	k.AddFlashes(map[string]string{
		"import_started":   "已开始导入,本页会自动刷新显示进度",
		"import_duplicate": "该文件已以相同的列对应导入过,本次未作任何更改",
		"bulk_resolved":    "已按您的选择统一处理;需要逐条确认的仍在列表中",
	})
	imp := access.Rule{Perm: imports.PermImport}
	obj := access.Rule{Perm: imports.PermImport, Object: "import"}
	h.kit.AddNav("imports", "导入", "/imports", imports.PermImport)
	h.kit.Handle(rt, "GET /imports", imp, h.importsIndex)
	h.kit.HandleWithBody(rt, "POST /imports", imp, h.Imports.Limits.MaxBytes+1<<20, h.uploadImport)
	h.kit.Handle(rt, "GET /uploads/{token}", imp, h.mappingForm)
	h.kit.Handle(rt, "POST /uploads/{token}", imp, h.startImport)
	h.kit.Handle(rt, "GET /imports/{id}", access.Rule{Perm: imports.PermImport, Object: "import", Audit: audit.View}, h.importPage)
	h.kit.Handle(rt, "POST /imports/{id}/resume", obj, h.resumeImport)
	h.kit.Handle(rt, "GET /imports/{id}/rejects", access.Rule{Perm: imports.PermImport, Object: "import", Audit: audit.Export}, h.importRejects)
	h.kit.Handle(rt, "GET /conflicts", access.Rule{Perm: imports.PermResolve}, h.conflictList)
	h.kit.Handle(rt, "POST /imports/{id}/conflicts", access.Rule{Perm: imports.PermResolve, Object: "import"}, h.resolveBulk)
	h.kit.Handle(rt, "GET /conflicts/{id}", access.Rule{Perm: imports.PermResolve, Object: "conflict", Audit: audit.View}, h.conflictPage)
	h.kit.Handle(rt, "POST /conflicts/{id}", access.Rule{Perm: imports.PermResolve, Object: "conflict"}, h.resolveConflict)
}
