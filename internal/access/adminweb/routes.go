// Package adminweb serves the administrators' pages (账号与授权): accounts,
// their grants and API tokens, the roles' permissions and field sets, the
// audit log; and every user's own account page.
package adminweb

import (
	"embed"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/register"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the administrators' pages need besides the kit.
type Deps struct {
	Accounts *accounts.Store
	Access   *access.Service
	Register *register.Store // the tag kinds a role's field set may name
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the administrators' pages and the account page.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, nil)}
	k.AddFlashes(map[string]string{"granted": "已授权", "revoked": "已撤销", "unlocked": "已解除登录限制"})
	manage := access.Rule{Perm: access.AccountsManage}
	h.kit.AddNav("users", "账号", "/admin/users", access.AccountsManage)
	h.kit.Handle(rt, "GET /admin/users", manage, h.adminUsers)
	h.kit.Handle(rt, "GET /admin/users/new", manage, h.newUserForm)
	h.kit.Handle(rt, "POST /admin/users/new", manage, h.createUser)
	h.kit.Handle(rt, "GET /admin/users/import", manage, h.userImportForm)
	h.kit.HandleWithBody(rt, "POST /admin/users/import", manage, maxAccountFile+64<<10, h.importUsers)
	h.kit.Handle(rt, "GET /admin/users/{id}", manage, h.adminUser)
	h.kit.Handle(rt, "POST /admin/users/{id}/grants", manage, h.addGrant)
	h.kit.Handle(rt, "POST /admin/users/{id}/grants/{grant}/revoke", manage, h.revokeGrant)
	h.kit.Handle(rt, "POST /admin/users/{id}/disable", manage, h.setUserDisabled(true))
	h.kit.Handle(rt, "POST /admin/users/{id}/enable", manage, h.setUserDisabled(false))
	h.kit.Handle(rt, "POST /admin/users/{id}/password", manage, h.resetPassword)
	h.kit.Handle(rt, "POST /admin/users/{id}/unlock", manage, h.unlockUser)
	h.kit.Handle(rt, "POST /admin/users/{id}/tokens", manage, h.createToken)
	h.kit.Handle(rt, "POST /admin/users/{id}/tokens/{token}/revoke", manage, h.revokeToken)
	h.kit.Handle(rt, "GET /admin/roles", manage, h.adminRoles)
	h.kit.Handle(rt, "GET /admin/roles/{code}", manage, h.roleForm)
	h.kit.Handle(rt, "POST /admin/roles/{code}", manage, h.saveRole)
	h.kit.AddNav("audit", "审计", "/audit", access.AuditRead)
	h.kit.Handle(rt, "GET /audit", access.Rule{Perm: access.AuditRead, Audit: audit.Search}, h.auditLog)
	h.kit.Handle(rt, "GET /audit/export", access.Rule{Perm: access.AuditRead, Audit: audit.Export}, h.auditExport)
	h.kit.Handle(rt, "GET /account", access.Rule{Login: true}, h.account)
	h.kit.Handle(rt, "POST /account/password", access.Rule{Login: true}, h.changeOwnPassword)
}
