// Package api serves the register as JSON under /api/v1 for department
// systems and scripts, authenticated by bearer tokens. It is a thin layer:
// every read and write goes through the register and orgtree stores, which
// validate and scope.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Deps are what the API handlers need.
type Deps struct {
	DB       *database.DB
	Register *register.Store
	Org      *orgtree.Store
	Accounts *accounts.Store
	Log      *slog.Logger
}

type handler struct{ Deps }

// Router is what Routes registers on: an *http.ServeMux, or a recorder in
// tests that list every route.
type Router interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Routes registers the API on mux.
func Routes(mux Router, d Deps) {
	h := &handler{d}
	mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	auth := func(pattern string, fn func(http.ResponseWriter, *http.Request, *caller)) {
		mux.HandleFunc(pattern, h.authenticated(fn))
	}
	auth("GET /api/v1/stats", h.stats)
	auth("GET /api/v1/org/units", h.orgUnits)
	auth("GET /api/v1/org/units/{id}", h.orgUnit)
	auth("GET /api/v1/org/units/{id}/children", h.orgChildren)
	auth("GET /api/v1/org/units/{id}/subtree", h.orgSubtree)
	auth("GET /api/v1/org/units/{id}/staff", h.orgStaff)
	auth("GET /api/v1/org/levels", h.orgLevels)
	auth("GET /api/v1/persons", h.searchPersons)
	auth("POST /api/v1/persons", h.createPerson)
	auth("GET /api/v1/persons/{id}", h.person)
	auth("PUT /api/v1/persons/{id}", h.updatePerson)
	auth("GET /api/v1/persons/{id}/history", h.history("person"))
	auth("GET /api/v1/households", h.searchHouseholds)
	auth("GET /api/v1/households/{id}", h.household)
	auth("PUT /api/v1/households/{id}", h.updateHousehold)
	auth("GET /api/v1/households/{id}/history", h.history("household"))
	auth("GET /api/v1/houses/{id}", h.house)
	auth("GET /api/v1/buildings/{id}", h.building)
	auth("GET /api/v1/organisations", h.searchOrganisations)
	auth("GET /api/v1/organisations/{id}", h.organisation)
	auth("GET /api/v1/changes", h.changes)
	auth("GET /api/v1/asof", h.asOf)
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "没有这个接口: "+r.Method+" "+r.URL.Path, nil)
	})
}

// caller is the authenticated user and the part of the register they see.
type caller struct {
	user  accounts.User
	scope register.Scope
	actor register.Actor
}

func (h *handler) authenticated(fn func(http.ResponseWriter, *http.Request, *caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="shequ"`)
			writeError(w, http.StatusUnauthorized, "缺少 API 令牌(Authorization: Bearer …)", nil)
			return
		}
		u, err := h.Accounts.UserForToken(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="shequ", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, accounts.ErrBadToken.Error(), nil)
			return
		}
		c := &caller{user: u, actor: register.Actor{UserID: u.ID, Name: u.Name, Source: "api"}}
		if u.OrgID != 0 {
			unit, err := h.Org.Get(r.Context(), u.OrgID)
			if err != nil {
				writeError(w, http.StatusForbidden, "账号的所属单元不存在", nil)
				return
			}
			c.scope = register.Within(unit)
		}
		fn(w, r, c)
	}
}

// within narrows the caller's scope to the unit named by the org parameter,
// which must lie inside it.
func (h *handler) within(ctx context.Context, c *caller, param string) (register.Scope, int, error) {
	if param == "" {
		return c.scope, 0, nil
	}
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil || id <= 0 {
		return c.scope, http.StatusBadRequest, fieldError("org", "org 应为组织单元的数字 id")
	}
	unit, err := h.Org.Get(ctx, id)
	if err != nil {
		return c.scope, http.StatusNotFound, fieldError("org", "组织单元不存在")
	}
	if c.scope.Unit != nil {
		ok, err := h.Org.IsWithin(ctx, id, c.scope.Unit.ID)
		if err != nil {
			return c.scope, http.StatusInternalServerError, err
		}
		if !ok {
			return c.scope, http.StatusNotFound, fieldError("org", "组织单元不存在")
		}
	}
	return register.Within(unit), 0, nil
}

func fieldError(field, msg string) error { return register.FieldErrors{field: msg} }

type errorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
	// Changes lists what others changed meanwhile, on a 409 conflict.
	Changes []register.Change `json:"changes,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string]string) {
	writeJSON(w, status, errorBody{Error: msg, Fields: fields})
}

// fail maps store errors onto HTTP answers.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	var fe register.FieldErrors
	var ce *register.ConflictError
	switch {
	case errors.As(err, &fe):
		if status == 0 || status >= 500 {
			status = http.StatusUnprocessableEntity
		}
		writeError(w, status, fe.Error(), fe)
	case errors.As(err, &ce):
		writeJSON(w, http.StatusConflict, errorBody{Error: ce.Error(), Changes: ce.Since})
	case errors.Is(err, register.ErrNotFound), errors.Is(err, orgtree.ErrNotFound):
		writeError(w, http.StatusNotFound, "记录不存在", nil)
	default:
		h.Log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "服务器内部错误", nil)
	}
}

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldError("id", "id 应为正整数")
	}
	return id, nil
}

// intParam reads an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fieldError(name, name+" 应为非负整数")
	}
	return n, nil
}

// decode reads a JSON body of at most 1 MiB, refusing unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fieldError(te.Field, "字段 "+te.Field+" 的类型错误,应为 "+te.Type.String())
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			f = strings.Trim(f, `"`)
			return fieldError(f, "未知字段 "+f)
		}
		return fieldError("body", "请求体不是有效的 JSON: "+err.Error())
	}
	return nil
}
