package web

import (
	"net/http"
	"sort"

	"shequ/internal/access"
)

// Route is a registered route.
type Route struct {
	Pattern string // net/http pattern: "GET /persons/{id}"
	Rule    access.Rule
}

// Routes is the table of every route the server answers, each with its
// Rule. It registers the handlers on an http.ServeMux, so the table and the
// mux cannot disagree; the access test walks the table.
type Routes struct {
	mux  *http.ServeMux
	list []Route
}

// NewRoutes returns an empty table over a new ServeMux.
func NewRoutes() *Routes { return &Routes{mux: http.NewServeMux()} }

// Handle registers h for pattern under rule.
func (rt *Routes) Handle(pattern string, rule access.Rule, h http.Handler) {
	rt.mux.Handle(pattern, h)
	rt.list = append(rt.list, Route{Pattern: pattern, Rule: rule})
}

// List returns the registered routes in pattern order.
func (rt *Routes) List() []Route {
	out := append([]Route(nil), rt.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// ServeHTTP dispatches to the registered handlers.
func (rt *Routes) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }
