// Package exportsweb serves the department exports' pages (部门导出): each
// department's own layout filled from the register, and the editor of those
// layouts.
package exportsweb

import (
	"embed"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/exports"
	"shequ/internal/register"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the exports' pages need besides the kit.
type Deps struct {
	Exports  *exports.Service
	Register *register.Store
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the exports' pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, nil)}
	k.AddFlashes(map[string]string{"template_saved": "模板已保存"})
	rule := access.Rule{Perm: exports.Perm}
	h.kit.AddNav("exports", "部门导出", "/exports", exports.Perm)
	h.kit.Handle(rt, "GET /exports", rule, h.exportsIndex)
	h.kit.Handle(rt, "GET /exports/new", rule, h.templateForm)
	h.kit.Handle(rt, "POST /exports/new", rule, h.saveTemplate)
	h.kit.Handle(rt, "GET /exports/{template}/edit", rule, h.templateForm)
	h.kit.Handle(rt, "POST /exports/{template}/edit", rule, h.saveTemplate)
	h.kit.Handle(rt, "GET /exports/{template}/download", access.Rule{Perm: exports.Perm, Audit: audit.Export}, h.downloadExport)
}
