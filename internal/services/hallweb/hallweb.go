// Package hallweb serves the staff's pages of the one-stop service hall
// (一站式服务大厅): the hall's overview and queues, intake at the window, the
// case page with each level's decisions, the catalogue of service items and
// certificates. The residents' side of the hall is portalweb.
package hallweb

import (
	"embed"
	"html/template"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the hall's pages need.
type Deps struct {
	Services *services.Service // without it the hall's pages are not served
	Register *register.Store   // applicants are found and registered at intake
	Org      *orgtree.Store    // the names of grids and communities
	Access   *access.Service   // the departments an item may belong to
}

type pages struct {
	kit    *web.Kit
	tmpl   *web.Templates
	svc    *services.Service
	reg    *register.Store
	org    *orgtree.Store
	access *access.Service
}

// Routes registers the hall's pages, its entry in the navigation, its
// messages and the names of its codes.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Services == nil {
		return
	}
	k.AddLabels(labels)
	k.AddFlashes(flashes)
	k.AddRecordNamer("application", d.Services.TrackingNos)
	k.AddRecordNamer("certificate", d.Services.CertificateNumbers)
	h := &pages{kit: k, tmpl: k.Templates(templateFS, funcs), svc: d.Services, reg: d.Register, org: d.Org, access: d.Access}

	read := access.Rule{Perm: services.PermRead}
	app := func(perm, action string) access.Rule {
		return access.Rule{Perm: perm, Object: "application", Audit: action}
	}
	k.AddNav("services", "办事", "/services", services.PermRead)
	k.Handle(rt, "GET /services", read, h.servicesHome)
	k.Handle(rt, "GET /services/find", access.Rule{Perm: services.PermRead, Audit: audit.Search}, h.findApplication)
	k.Handle(rt, "GET /services/queue", read, h.serviceQueue)
	k.Handle(rt, "GET /services/agent", access.Rule{Perm: services.PermIntake}, h.agentCases)
	k.Handle(rt, "GET /services/applications/{id}", app(services.PermRead, audit.View), h.application)
	k.Handle(rt, "GET /services/applications/{id}/receipt.pdf", app(services.PermRead, audit.Export), h.receiptPDF)
	k.Handle(rt, "POST /services/applications/{id}/supply", app(services.PermIntake, ""), h.supplyMaterials)
	k.Handle(rt, "POST /services/applications/{id}/refuse", app(services.PermIntake, ""), h.refuseAtWindow)
	// One route per level, each needing that level's permission, so the
	// central check decides who may act on the stage a case is at.
	for _, level := range []string{services.LevelCommunity, services.LevelStreet, services.LevelDistrict} {
		k.Handle(rt, "POST /services/applications/{id}/handle/"+level, app(services.HandlePerm(level), ""), h.handleStage(level))
	}

	k.Handle(rt, "GET /services/intake", access.Rule{Perm: services.PermIntake, Audit: audit.Search}, h.intakeForm)
	k.Handle(rt, "POST /services/intake", access.Rule{Perm: services.PermIntake}, h.intake)
	k.Handle(rt, "POST /services/intake/person", access.Rule{Perm: access.RegisterWrite}, h.intakeNewPerson)

	manage := access.Rule{Perm: services.PermManage}
	k.Handle(rt, "GET /services/items", read, h.catalogue)
	k.Handle(rt, "GET /services/items/new", manage, h.newItemForm)
	k.Handle(rt, "POST /services/items/new", manage, h.saveItem(true))
	k.Handle(rt, "GET /services/items/{code}", read, h.catalogueItem)
	k.Handle(rt, "GET /services/items/{code}/edit", manage, h.editItemForm)
	k.Handle(rt, "POST /services/items/{code}/edit", manage, h.saveItem(false))

	certify := access.Rule{Perm: services.PermCertify}
	cert := func(perm, action string) access.Rule {
		return access.Rule{Perm: perm, Object: "certificate", Audit: action}
	}
	k.Handle(rt, "GET /services/certificates", access.Rule{Perm: services.PermRead}, h.certificates)
	k.Handle(rt, "GET /services/certificates/new", access.Rule{Perm: services.PermCertify, Audit: audit.Search}, h.newCertificateForm)
	k.Handle(rt, "POST /services/certificates/new", certify, h.issueCertificate)
	k.Handle(rt, "GET /services/certificates/{id}", cert(services.PermRead, audit.View), h.certificate)
	k.Handle(rt, "GET /services/certificates/{id}/pdf", cert(services.PermCertify, audit.Export), h.certificatePDF)
	k.Handle(rt, "POST /services/certificates/{id}/revoke", cert(services.PermCertify, ""), h.revokeCertificate)
}

// labels are the names of the hall's codes, for every page (the household
// archive lists a household's cases too).
var labels = map[string]map[string]string{
	"svcstatus": services.StatusNames,
	"svclevel": {
		services.LevelCommunity: "社区", services.LevelStreet: "街道", services.LevelDistrict: "区县",
		services.QueueWindow: "窗口", services.QueueDone: "已办结",
	},
	"svcaction": services.ActionNames,
	"material": {
		services.MaterialReceived: "已收", services.MaterialRegister: "基础信息库调取,免交复印件",
		services.MaterialMissing: "缺", services.MaterialOptional: "非必需,未交",
	},
	"entity": {"application": "办件", "certificate": "证明"},
}

// flashes are the hall's messages after a redirect, by key.
var flashes = map[string]string{
	"intake": "已收件", "supplied": "材料已补齐", "approved": "已审核通过", "returned": "已退回补正",
	"rejected": "已作不予批准处理", "issued": "证明已出具", "cert_revoked": "证明已作废",
	"grant_ended": "待遇已终止,登记标签已结束", "grant_revoked": "批准已撤销,登记标签已结束",
}

// funcs are the hall's template functions.
var funcs = template.FuncMap{
	"svcInc": func(n int) int { return n + 1 },
	"svcNeg": func(n int) int { return -n },
}

const (
	pageSize = 20
	maxPage  = 250 // deeper pages mean a narrower search, not more paging
)

// staff is the caller as the service hall records them on every step,
// receipt and certificate: by their display name (窗口小刘), not their
// login name.
func staff(rq *web.Request) *access.Viewer {
	v := *rq.Viewer
	v.Name = rq.Actor.Name
	return &v
}
