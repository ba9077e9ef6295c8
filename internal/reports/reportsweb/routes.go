// Package reportsweb serves the pages of the reports (报表): a template
// computed for a unit and a period, each number opening the records behind
// it (台账), downloads, the community's sign-off and the street's view of
// it, manual entries, and the administrators' editors for indicators,
// validation rules and the templates themselves.
package reportsweb

import (
	"embed"
	"html/template"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

// Deps are what the reports' pages need.
type Deps struct {
	Reports *reports.Service
	Org     *orgtree.Store
	Audit   *audit.Log // a ledger's download is recorded before it goes out
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

//go:embed templates/*.html
var templateFS embed.FS

// flashes are the reports' messages after a redirect, by key.
var flashes = map[string]string{
	"report_signed":     "已确认本期报表,确认时的数值已保存",
	"report_revoked":    "已撤销确认",
	"manual_saved":      "已保存填报的数值",
	"sample_installed":  "已安装示例报表模板",
	"sample_exists":     "示例报表模板已存在",
	"indicator_saved":   "已保存指标",
	"indicator_deleted": "已删除指标",
	"indicator_in_use":  "该指标正被报表项、占比指标或校验规则使用,不能删除",
	"rule_saved":        "已保存校验规则",
	"rule_deleted":      "已删除校验规则",

	"report_template_created": "已新建报表模板;请添加大类、小类和项",
	"report_template_saved":   "已保存报表模板",
	"report_template_deleted": "已删除报表模板",
	"section_added":           "已添加",
	"section_saved":           "已改名",
	"section_moved":           "已调整顺序",
	"section_deleted":         "已删除",
	"item_deleted":            "已删除报表项",
	"form_uploaded":           "已上传空白报表;导出的 Excel 将按此表填写",
	"form_deleted":            "已删除空白报表;导出的 Excel 恢复为系统生成的格式",
}

// Routes registers the reports' pages, their navigation entry, flash
// messages and labels.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	k.AddFlashes(flashes)
	k.AddLabels(map[string]map[string]string{"freq": indicators.FrequencyNames})
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"fmtnum":   func(v float64) string { return reports.FormatValue(v, -1) },
		"fmtdec":   reports.FormatValue,
		"unittext": reports.UnitText,
	})}

	read := access.Rule{Perm: reports.PermRead}
	unit := func(perm, auditAction string) access.Rule {
		return access.Rule{Perm: perm, Object: "unit", Audit: auditAction}
	}
	manage := access.Rule{Perm: reports.PermManage}
	k.AddNav("reports", "报表", "/reports", reports.PermRead)
	k.Handle(rt, "GET /reports", read, h.reportsIndex)
	k.Handle(rt, "GET /reports/units/{id}", unit(reports.PermRead, ""), h.reportPage)
	k.Handle(rt, "GET /reports/units/{id}/export", unit(reports.PermRead, ""), h.reportExport)
	k.Handle(rt, "GET /reports/units/{id}/ledger", unit(reports.PermRead, audit.View), h.reportLedger)
	k.Handle(rt, "GET /reports/units/{id}/ledger/export", unit(access.RegisterExport, audit.Export), h.reportLedgerExport)
	k.Handle(rt, "POST /reports/units/{id}/signoff", unit(reports.PermSignoff, ""), h.reportSignoff)
	k.Handle(rt, "GET /reports/units/{id}/manual", unit(reports.PermManual, ""), h.reportManualForm)
	k.Handle(rt, "POST /reports/units/{id}/manual", unit(reports.PermManual, ""), h.reportManualSave)
	k.Handle(rt, "GET /reports/templates/{tid}", read, h.reportTemplate)
	k.Handle(rt, "GET /reports/templates/{tid}/items/{iid}/edit", manage, h.itemForm)
	k.Handle(rt, "POST /reports/templates/{tid}/items/{iid}/edit", manage, h.itemSave)
	k.Handle(rt, "GET /reports/templates/{tid}/sections/{sid}/new", manage, h.itemForm)
	k.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/new", manage, h.itemSave)

	k.Handle(rt, "GET /reports/templates/new", manage, h.reportTemplateForm)
	k.Handle(rt, "POST /reports/templates/new", manage, h.reportTemplateSave)
	k.Handle(rt, "GET /reports/templates/{tid}/edit", manage, h.reportTemplateForm)
	k.Handle(rt, "POST /reports/templates/{tid}/edit", manage, h.reportTemplateSave)
	k.Handle(rt, "POST /reports/templates/{tid}/delete", manage, h.reportTemplateDelete)
	k.Handle(rt, "POST /reports/templates/{tid}/sections", manage, h.sectionAdd)
	k.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/edit", manage, h.sectionRename)
	k.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/move", manage, h.sectionMove)
	k.Handle(rt, "POST /reports/templates/{tid}/sections/{sid}/delete", manage, h.sectionDelete)
	k.Handle(rt, "POST /reports/templates/{tid}/items/{iid}/delete", manage, h.itemDelete)
	k.Handle(rt, "GET /reports/templates/{tid}/form", manage, h.blankFormDownload)
	// The body may be well over the form's limit, so that a file too big is
	// told at its field rather than by a bare error page.
	k.HandleWithBody(rt, "POST /reports/templates/{tid}/form", manage, 4*reports.MaxFormBytes, h.blankFormUpload)
	k.Handle(rt, "POST /reports/templates/{tid}/form/delete", manage, h.blankFormDelete)

	k.Handle(rt, "POST /reports/sample", manage, h.reportInstallSample)
	k.Handle(rt, "GET /reports/indicators", manage, h.indicatorList)
	k.Handle(rt, "GET /reports/indicators/new", manage, h.indicatorForm)
	k.Handle(rt, "POST /reports/indicators/new", manage, h.indicatorSave)
	k.Handle(rt, "GET /reports/indicators/{code}/edit", manage, h.indicatorForm)
	k.Handle(rt, "POST /reports/indicators/{code}/edit", manage, h.indicatorSave)
	k.Handle(rt, "POST /reports/indicators/{code}/delete", manage, h.indicatorDelete)
	k.Handle(rt, "GET /reports/rules", manage, h.ruleList)
	k.Handle(rt, "POST /reports/rules", manage, h.ruleSave)
	k.Handle(rt, "POST /reports/rules/{rid}/delete", manage, h.ruleDelete)
}
