package adminweb

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// Accounts, grants, roles and API tokens (账号与授权) for administrators.

type userRow struct {
	accounts.User
	Grants []access.Grant
}

func (h *handler) adminUsers(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	users, err := h.Accounts.Users(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i].User = u
		if rows[i].Grants, err = h.Access.Grants(r.Context(), u.ID); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "admin_users", web.NewPage(rq, "账号", "users", rows))
}

// grantForm is the part of a form that grants a role at some units.
type grantForm struct {
	Role  string
	Units string // ids, codes or names of units, separated by commas
	Note  string
}

type userForm struct {
	Name        string
	DisplayName string
	grantForm
	Roles   []access.Role
	Errors  map[string]string
	Summary []web.ErrItem
}

var userFormFields = []string{"name", "display_name", "password", "role", "units"}

func (h *handler) renderUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f userForm) {
	roles, err := h.Access.Roles(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	f.Roles = roles
	f.Summary = web.Summarize(f.Errors, userFormFields)
	h.tmpl.Render(w, r, status, "admin_user_new", web.NewPage(rq, "新建账号", "users", f))
}

func (h *handler) newUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderUserForm(w, r, rq, http.StatusOK, userForm{})
}

func readGrantForm(r *http.Request) grantForm {
	return grantForm{Role: strings.TrimSpace(r.PostFormValue("role")), Units: strings.TrimSpace(r.PostFormValue("units")),
		Note: strings.TrimSpace(r.PostFormValue("note"))}
}

// grant turns the form into a Grant, resolving the units people typed.
func (h *handler) grant(r *http.Request, rq *web.Request, userID int64, f grantForm) (access.Grant, error) {
	return h.Access.ResolveGrant(r.Context(), access.GrantRequest{UserID: userID, Role: f.Role, Units: f.Units,
		Note: f.Note, By: rq.User.Name})
}

func (h *handler) createUser(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := userForm{Name: strings.TrimSpace(r.PostFormValue("name")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		grantForm: readGrantForm(r)}
	// The administrator chose the password: its owner replaces it at the first login.
	u := &accounts.User{Name: f.Name, DisplayName: f.DisplayName, MustChangePassword: true}
	_, err := h.Access.AddUser(r.Context(), h.Accounts, u, r.PostFormValue("password"),
		access.GrantRequest{Role: f.Role, Units: f.Units, Note: f.Note, By: rq.User.Name})
	if fe := fault.FieldsOf(err); fe != nil {
		f.Errors = fe
		h.renderUserForm(w, r, rq, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "user", u.ID
	h.kit.Log.Info("user created", "user", u.ID, "by", rq.User.ID)
	h.kit.SetFlash(w, "added")
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
}

type adminUserData struct {
	U       accounts.User
	Grants  []access.Grant
	Tokens  []accounts.APIToken
	Roles   []access.Role
	Form    grantForm
	Errors  map[string]string
	Summary []web.ErrItem
	Secret  string // a token just created, shown this once
	// Failures are the failed logins the throttle remembers for the
	// account; an administrator may lift the limits they impose.
	Failures int
}

func (h *handler) adminUser(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderAdminUser(w, r, rq, http.StatusOK, adminUserData{})
}

func (h *handler) renderAdminUser(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d adminUserData) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	u, err := h.Accounts.User(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.U = u
	d.Failures = h.kit.Throttle.Failures(u.Name)
	rq.Audit.Entity, rq.Audit.ID = "user", u.ID
	if d.Grants, err = h.Access.Grants(ctx, u.ID); err == nil {
		if d.Tokens, err = h.Accounts.Tokens(ctx, u.Name); err == nil {
			d.Roles, err = h.Access.Roles(ctx)
		}
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Summary = web.Summarize(d.Errors, []string{"role", "units", "password", "name", "grant"})
	title := u.Name
	if u.DisplayName != "" {
		title = u.DisplayName + "(" + u.Name + ")"
	}
	h.tmpl.Render(w, r, status, "admin_user", web.NewPage(rq, title, "users", d))
}

// target reads the user a POST under /admin/users/{id} is about.
func (h *handler) target(w http.ResponseWriter, r *http.Request, rq *web.Request) (accounts.User, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return accounts.User{}, false
	}
	u, err := h.Accounts.User(r.Context(), id)
	if errors.Is(err, sql.ErrNoRows) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return accounts.User{}, false
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return accounts.User{}, false
	}
	rq.Audit.Entity, rq.Audit.ID = "user", u.ID
	return u, true
}

func (h *handler) backToUser(w http.ResponseWriter, r *http.Request, u accounts.User, flash string) {
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
}

func (h *handler) addGrant(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	f := readGrantForm(r)
	g, err := h.grant(r, rq, u.ID, f)
	if err == nil {
		err = h.Access.AddGrant(r.Context(), nil, &g)
	}
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderAdminUser(w, r, rq, http.StatusUnprocessableEntity, adminUserData{Form: f, Errors: fe})
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "授权 " + g.Role
	h.backToUser(w, r, u, "granted")
}

func (h *handler) revokeGrant(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	gid, err := strconv.ParseInt(r.PathValue("grant"), 10, 64)
	grants, gerr := h.Access.Grants(r.Context(), u.ID)
	if gerr != nil {
		h.kit.ServerError(w, r, rq, gerr)
		return
	}
	found := false
	for _, g := range grants {
		found = found || (err == nil && g.ID == gid)
	}
	if !found {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err := h.Access.RevokeGrant(r.Context(), gid); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "撤销授权 " + strconv.FormatInt(gid, 10)
	h.backToUser(w, r, u, "revoked")
}

func (h *handler) setUserDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *web.Request) {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
		u, ok := h.target(w, r, rq)
		if !ok {
			return
		}
		if u.ID == rq.User.ID && disabled {
			h.renderAdminUser(w, r, rq, http.StatusUnprocessableEntity,
				adminUserData{Errors: map[string]string{"name": "不能停用自己的账号"}})
			return
		}
		if err := h.Accounts.SetDisabled(r.Context(), u.Name, disabled); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		rq.Audit.Detail = map[bool]string{true: "停用账号", false: "启用账号"}[disabled]
		h.backToUser(w, r, u, "saved")
	}
}

// unlockUser lifts the login limits of an account whose owner is kept out by
// others' guesses; the audit log records who did it.
func (h *handler) unlockUser(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	h.kit.Throttle.Unlock(u.Name)
	rq.Audit.Detail = "解除登录限制"
	h.backToUser(w, r, u, "unlocked")
}

func (h *handler) resetPassword(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	if err := h.Accounts.ResetPassword(r.Context(), u.Name, r.PostFormValue("password")); err != nil {
		if fe := fault.FieldsOf(err); fe != nil {
			h.renderAdminUser(w, r, rq, http.StatusUnprocessableEntity, adminUserData{Errors: fe})
			return
		}
		h.renderAdminUser(w, r, rq, http.StatusUnprocessableEntity, adminUserData{Errors: map[string]string{"password": err.Error()}})
		return
	}
	rq.Audit.Detail = "重置密码"
	h.backToUser(w, r, u, "saved")
}

func (h *handler) createToken(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	grant, _ := strconv.ParseInt(r.PostFormValue("grant"), 10, 64)
	secret, t, err := h.Accounts.CreateToken(r.Context(), u.Name, strings.TrimSpace(r.PostFormValue("name")), grant)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderAdminUser(w, r, rq, http.StatusUnprocessableEntity, adminUserData{Errors: fe})
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "创建令牌 " + t.Prefix
	// The secret is shown once, on this page; only its hash is kept.
	h.renderAdminUser(w, r, rq, http.StatusOK, adminUserData{Secret: secret})
}

func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.target(w, r, rq)
	if !ok {
		return
	}
	tokens, err := h.Accounts.Tokens(r.Context(), u.Name)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	id := r.PathValue("token")
	for _, t := range tokens {
		if strconv.FormatInt(t.ID, 10) == id && t.Revoked == "" {
			if err := h.Accounts.RevokeToken(r.Context(), id); err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			rq.Audit.Detail = "吊销令牌 " + t.Prefix
			h.backToUser(w, r, u, "revoked")
			return
		}
	}
	h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
}

// account is the user's own page: their grants and a password change.
type accountData struct {
	Grants  []access.Grant
	Errors  map[string]string
	Summary []web.ErrItem
}

func (h *handler) account(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderAccount(w, r, rq, http.StatusOK, accountData{})
}

func (h *handler) renderAccount(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d accountData) {
	var err error
	if d.Grants, err = h.Access.Grants(r.Context(), rq.User.ID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Summary = web.Summarize(d.Errors, []string{"old_password", "password"})
	h.tmpl.Render(w, r, status, "account", web.NewPage(rq, "我的账号", "", d))
}

func (h *handler) changeOwnPassword(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	addr := web.ClientAddr(r)
	if err := h.kit.Throttle.Check(rq.User.Name, addr); err != nil {
		h.renderAccount(w, r, rq, http.StatusTooManyRequests, accountData{Errors: map[string]string{"old_password": err.Error()}})
		return
	}
	if _, err := h.Accounts.Authenticate(r.Context(), rq.User.Name, r.PostFormValue("old_password")); err != nil {
		h.kit.Throttle.Failed(rq.User.Name, addr)
		h.kit.Audit.Record(audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: addr, Action: audit.LoginFailed,
			Route: "POST /account/password", Status: http.StatusUnprocessableEntity})
		h.renderAccount(w, r, rq, http.StatusUnprocessableEntity, accountData{Errors: map[string]string{"old_password": "原密码不正确"}})
		return
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		h.renderAccount(w, r, rq, http.StatusUnprocessableEntity, accountData{Errors: map[string]string{"password": "两次输入的新密码不一致"}})
		return
	}
	if err := h.Accounts.SetPassword(r.Context(), rq.User.Name, r.PostFormValue("password")); err != nil {
		h.renderAccount(w, r, rq, http.StatusUnprocessableEntity, accountData{Errors: map[string]string{"password": err.Error()}})
		return
	}
	h.kit.SessionEnded(w, r)
}
