// Package workbenchweb serves the home page: the signed-in person's
// workbench (待办) — what needs them today across every capability, most
// urgent first, each item one click from its action, and for a street's
// or district's platform its communities side by side.
package workbenchweb

import (
	"embed"
	"html/template"
	"time"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workbench"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the workbench needs: the capabilities' sources and
// comparers, in the order their sections appear, and the org tree for the
// communities' names.
type Deps struct {
	Sources   []workbench.Source
	Comparers []workbench.Comparer
	Org       *orgtree.Store
	Now       func() time.Time // nil: time.Now
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the home page.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"wbdue":  dueText,
		"wbsoon": workbench.DueSoon,
		"wbpct":  percent,
		"wbunix": unixOrEmpty,
	})}
	k.Handle(rt, "GET /{$}", access.Rule{Login: true}, h.home)
}
