// Package certweb serves the volunteers' certificates of service hours
// (志愿服务记录证明): the staff's list, request form and certificate page
// (publish, objections, issue, refuse, revoke, the PDF), the export for
// the national volunteer system, and the public pages — the notices in
// progress with a form to object, and the verify page the QR leads to.
// Every page works without script and at 375 px.
package certweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/verifycode"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Certificates *certificates.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// publicCookie holds the double-submit token of the objection form.
const publicCookie = "volcert_form"

// Routes registers the pages.
//
// Staff (signed in, volunteer_certificates.issue in scope):
//
//	GET  /volunteer-certificates                      list, filter by state and name/number
//	GET  /volunteer-certificates/new                  request form
//	POST /volunteer-certificates/new                  request
//	GET  /volunteer-certificates/{id}                 the certificate, its rows, objections, history
//	POST /volunteer-certificates/{id}/publish         公示 (again: restarts the notice)
//	POST /volunteer-certificates/{id}/issue           出具
//	POST /volunteer-certificates/{id}/refuse          不予出具
//	POST /volunteer-certificates/{id}/revoke          作废
//	POST /volunteer-certificates/{id}/objections/{objection}/decide   异议成立 / 不成立
//	GET  /volunteer-certificates/{id}/pdf             the issued certificate (audited export)
//
// Export (volunteer_records.export in scope):
//
//	GET  /volunteer-records/export                    form
//	GET  /volunteer-records/export.csv?org=&from=&to= the file (audited with its row count)
//
// Public:
//
//	GET  /volunteer-notices[?c=community]             notices in progress
//	GET  /volunteer-notices/{notice}                  one notice with the objection form
//	POST /volunteer-notices/{notice}/objections       raise an objection
//	GET  /volunteer-certificates/verify?code=         verify page (the QR's link)
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, funcs)}
	k.AddFlashes(map[string]string{"volcert_requested": "证明申请已登记", "volcert_published": "已公示",
		"volcert_issued": "证明已出具", "volcert_refused": "已作不予出具处理", "volcert_revoked": "证明已作废",
		"volcert_decided": "异议已处理"})
	k.AddRecordNamer("volunteer_certificate", d.Certificates.Names)
	issue := access.Rule{Perm: certificates.PermIssue}
	one := access.Rule{Perm: certificates.PermIssue, Object: "volunteer_certificate"}
	k.Handle(rt, "GET /volunteer-certificates", issue, h.list)
	k.Handle(rt, "GET /volunteer-certificates/new", issue, h.newForm)
	k.Handle(rt, "POST /volunteer-certificates/new", issue, h.request)
	k.Handle(rt, "GET /volunteer-certificates/{id}", access.Rule{Perm: certificates.PermIssue, Object: "volunteer_certificate",
		Audit: audit.View}, h.show)
	k.Handle(rt, "POST /volunteer-certificates/{id}/publish", one, h.publish)
	k.Handle(rt, "POST /volunteer-certificates/{id}/issue", one, h.issue)
	k.Handle(rt, "POST /volunteer-certificates/{id}/refuse", one, h.refuse)
	k.Handle(rt, "POST /volunteer-certificates/{id}/revoke", one, h.revoke)
	k.Handle(rt, "POST /volunteer-certificates/{id}/objections/{objection}/decide", one, h.decide)
	k.Handle(rt, "GET /volunteer-certificates/{id}/pdf", one, h.pdf)
	export := access.Rule{Perm: certificates.PermExport}
	k.Handle(rt, "GET /volunteer-records/export", export, h.exportForm)
	k.Handle(rt, "GET /volunteer-records/export.csv", export, h.exportCSV)
	k.HandlePublic(rt, "GET /volunteer-notices", noStore(h.notices))
	k.HandlePublic(rt, "GET /volunteer-notices/{notice}", noStore(h.notice))
	k.HandlePublic(rt, "POST /volunteer-notices/{notice}/objections", noStore(h.object))
	k.HandlePublic(rt, "GET /volunteer-certificates/verify", noStore(h.verify))
}

// noStore keeps public answers out of shared caches and bounds a posted
// form.
func noStore(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		}
		next(w, r)
	}
}

// funcs are the pages' template functions.
var funcs = template.FuncMap{
	"certStatus": func(s string) string { return certificates.StatusNames[s] },
	"certStep":   func(s string) string { return certificates.StepNames[s] },
	"objStatus":  func(s string) string { return certificates.ObjectionNames[s] },
	"hours":      certificates.Hours,
	"codeShown":  verifycode.Format,
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}
