// Package workaccessweb serves 社区工作准入: the catalogue every community
// may read, the review group's editing of it, the departments' requests
// and the decisions on them, published to the communities.
package workaccessweb

import (
	"embed"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/money"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Work *workaccess.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages. Reading the catalogue and the decisions needs
// only a login: what may be asked of a community is no secret to it.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"wakind":    workaccess.KindName,
		"wastatus":  workaccess.StatusName,
		"wafunding": workaccess.FundingName,
		"dmkind":    workaccess.DemandKindName,
		"dmstatus":  workaccess.DemandStatusName,
		"yuan2":     money.Yuan,
		"minhours":  func(m int64) string { return workaccess.Hours(int(m)) },
		"sub":       func(a, b int) int { return a - b },
		"funded":    workaccess.FundedShare,
	})}
	k.AddFlashes(map[string]string{"work_item_saved": "事项已保存", "work_item_revoked": "事项已撤销",
		"work_request_sent": "准入申请已提交", "work_request_decided": "审查决定已公布",
		"work_settings_saved": "审查时限已保存", "demand_sent": "工作已派发", "demand_answered": "已答复",
		"work_done_saved": "工作量已登记", "work_fund_saved": "到账已登记", "work_fund_reversed": "已冲销",
		"demand_done": "已标记完成"})
	// One entry, landing by what the viewer does: a community's staff on
	// its inbox, departments, the street and the review group on the
	// catalogue; nobody without a part in work access sees it.
	k.AddNav("workaccess", "工作准入", "/demands", workaccess.PermAnswer)
	k.AddNav("workaccess", "工作准入", "/work-items", strings.Join([]string{workaccess.PermManage, workaccess.PermApply,
		workaccess.PermDemand, workaccess.PermInbox, workaccess.PermFunds}, "|"))
	login := access.Rule{Login: true}
	manage := access.Rule{Perm: workaccess.PermManage}
	apply := access.Rule{Perm: workaccess.PermApply}
	k.Handle(rt, "GET /work-items", login, h.items)
	k.Handle(rt, "GET /work-items/new", manage, h.itemForm)
	k.Handle(rt, "POST /work-items/new", manage, h.saveItem)
	k.Handle(rt, "GET /work-items/{item}", login, h.item)
	k.Handle(rt, "GET /work-items/{item}/edit", manage, h.itemForm)
	k.Handle(rt, "POST /work-items/{item}/edit", manage, h.saveItem)
	k.Handle(rt, "POST /work-items/{item}/revoke", manage, h.revoke)
	k.Handle(rt, "GET /work-decisions", login, h.decisions)
	k.Handle(rt, "GET /work-scores", login, h.scores)
	k.Handle(rt, "GET /work-burden", access.Rule{Perm: access.RegisterRead}, h.burden) // ?org= checked against the scope
	k.Handle(rt, "GET /work-done", access.Rule{Perm: access.RegisterWrite}, h.done)
	k.Handle(rt, "POST /work-done", access.Rule{Perm: access.RegisterWrite}, h.saveDone)
	k.Handle(rt, "GET /work-requests", login, h.requests) // a department sees its own, the review group all
	k.Handle(rt, "POST /work-requests/settings", manage, h.settings)
	k.Handle(rt, "GET /work-requests/new", apply, h.requestForm)
	k.Handle(rt, "POST /work-requests/new", apply, h.submit)
	k.Handle(rt, "GET /work-requests/{request}", login, h.request)
	k.Handle(rt, "POST /work-requests/{request}/decide", manage, h.decide)
	// The inbox lists only what the viewer's scope holds; answering is
	// checked against the demand's community in the service.
	k.Handle(rt, "GET /demands", login, h.demands)
	k.Handle(rt, "GET /demands/new", access.Rule{Perm: workaccess.PermDemand}, h.demandForm)
	k.Handle(rt, "POST /demands/new", access.Rule{Perm: workaccess.PermDemand}, h.send)
	k.Handle(rt, "POST /demands/{demand}/answer", access.Rule{Perm: workaccess.PermAnswer}, h.answer)
	k.Handle(rt, "POST /demands/{demand}/done", access.Rule{Perm: workaccess.PermAnswer}, h.complete)
	// 费随事转 到账: read where the register is read (?org= checked against
	// the scope), recorded and reversed where PermFunds reaches, checked
	// against the community in the service.
	k.Handle(rt, "GET /work-funds", access.Rule{Perm: access.RegisterRead}, h.funds)
	k.HandleWithBody(rt, "POST /work-funds", access.Rule{Perm: workaccess.PermFunds}, 6<<20, h.receive)
	k.Handle(rt, "POST /work-funds/{fund}/reverse", access.Rule{Perm: workaccess.PermFunds}, h.reverse)
	k.Handle(rt, "GET /work-funds/{fund}/voucher", access.Rule{Perm: access.RegisterRead}, h.voucher)
}

// pathID reads the catalogue's own record named by the path: items and
// requests lie in no part of the org tree, so no rule's Object checks them.
func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// applyDepartments are the departments v applies for: nil (any) for the
// review group, else those of v's department roles that may apply.
func applyDepartments(v *access.Viewer) []string {
	if v.Can(workaccess.PermManage) {
		return nil
	}
	out := []string{}
	for d := range v.DepartmentScopes(workaccess.PermApply) {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func options(ls []workaccess.Label) []web.Option {
	out := make([]web.Option, len(ls))
	for i, l := range ls {
		out[i] = web.Option{Value: l.Code, Label: l.Name}
	}
	return out
}

// draftOf reads the terms of an item or request form.
func draftOf(r *http.Request) workaccess.Draft {
	f := r.PostFormValue
	return workaccess.Draft{Kind: f("kind"), Department: f("department"), Title: f("title"), LegalBasis: f("legal_basis"),
		Content: f("content"), Frequency: f("frequency"), StaffHours: f("staff_hours"), FundingRule: f("funding_rule"),
		FundingYuan: f("funding_yuan"), Authority: f("authority"), ValidFrom: f("valid_from"), ValidTo: f("valid_to"),
		System: f("system")}
}

// termFields are the form's fields in the order of the error summary.
var termFields = []string{"kind", "department", "title", "legal_basis", "content", "frequency", "staff_hours",
	"funding_rule", "funding_yuan", "authority", "system", "valid_from", "valid_to"}

// termsForm is what the shared terms fieldset shows.
type termsForm struct {
	D           workaccess.Draft
	Errors      map[string]string
	Kinds       []web.Option
	Departments []web.Option
	Funding     []web.Option
}

func (h *handler) termsForm(r *http.Request, d workaccess.Draft, errs map[string]string, only []string) (termsForm, error) {
	all, err := h.kit.DepartmentOptions(r.Context())
	if err != nil {
		return termsForm{}, err
	}
	tf := termsForm{D: d, Errors: errs, Kinds: options(workaccess.Kinds), Funding: options(workaccess.FundingRules)}
	for _, o := range all {
		if only == nil || slices.Contains(only, o.Value) {
			tf.Departments = append(tf.Departments, o)
		}
	}
	return tf, nil
}
