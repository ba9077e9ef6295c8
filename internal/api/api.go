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
	"shequ/internal/web"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/disclosure"
	"shequ/internal/events"
	"shequ/internal/exports"
	"shequ/internal/fault"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/proposals"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/socialorgs"
	"shequ/internal/surveys"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/workaccess"
	"shequ/internal/workforce"
)

// Deps are what the API handlers need.
type Deps struct {
	DB       *database.DB
	Register *register.Store
	Org      *orgtree.Store
	Access   *access.Service
	Events   *events.Store // events (their routes answer only when set)
	Audit    *audit.Log
	Reports  *reports.Service
	Log      *slog.Logger
	Services *services.Service   // the service hall (its routes answer only when set)
	Exports  *exports.Service    // department exports and the feed's cursors
	Work     *workaccess.Service // the community work catalogue
	Visits   *visits.Service     // 百家熟
	// Party is 在职党员双报到 (its routes answer only when set).
	Party *partymembers.Service

	Workforce  *workforce.Service  // 社区工作者与协管员
	Volunteers *volunteers.Service // 志愿服务 (its route answers 404 without it)
	SocialOrgs *socialorgs.Service // 社区社会组织 (its route answers 404 without it)
	// Disclosures is 居务公开 (its route answers 404 without it).
	Disclosures *disclosure.Service
	Proposals   *proposals.Service // 议事协商 (its route answers 404 without it)
	Surveys     *surveys.Service   // 问卷调查 (its route answers 404 without it)
	Funds       *funds.Service     // 社区经费 (its route answers 404 without it)
}

type handler struct {
	Deps
	kit *web.Kit
}

// Routes registers the API on rt. Every route but the description needs a
// bearer token and names its permission; records named in the path are
// checked against the token's scope before the handler runs.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handler{Deps: d, kit: k}
	rt.Handle("GET /api/v1/openapi.json", access.Rule{Public: true}, http.HandlerFunc(serveOpenAPI))
	read := access.Rule{Perm: access.RegisterRead}
	readObj := func(object string) access.Rule {
		return access.Rule{Perm: access.RegisterRead, Object: object, Audit: audit.View}
	}
	write := func(object string) access.Rule { return access.Rule{Perm: access.RegisterWrite, Object: object} }
	search := access.Rule{Perm: access.RegisterRead, Audit: audit.Search}
	h.auth(rt, "GET /api/v1/stats", read, h.stats)
	h.auth(rt, "GET /api/v1/org/units", read, h.orgUnits)
	h.auth(rt, "GET /api/v1/org/units/{id}", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgUnit)
	h.auth(rt, "GET /api/v1/org/units/{id}/children", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgChildren)
	h.auth(rt, "GET /api/v1/org/units/{id}/subtree", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgSubtree)
	h.auth(rt, "GET /api/v1/org/units/{id}/staff", access.Rule{Perm: access.RegisterRead, Object: "unit"}, h.orgStaff)
	h.auth(rt, "GET /api/v1/org/levels", access.Rule{Login: true}, h.orgLevels)
	h.auth(rt, "GET /api/v1/persons", search, h.searchPersons)
	h.auth(rt, "POST /api/v1/persons", access.Rule{Perm: access.RegisterWrite}, h.createPerson)
	h.auth(rt, "GET /api/v1/persons/{id}", readObj("person"), h.person)
	h.auth(rt, "PUT /api/v1/persons/{id}", write("person"), h.updatePerson)
	h.auth(rt, "GET /api/v1/persons/{id}/history", readObj("person"), h.history("person"))
	h.auth(rt, "GET /api/v1/households", search, h.searchHouseholds)
	h.auth(rt, "GET /api/v1/households/{id}", readObj("household"), h.household)
	h.auth(rt, "PUT /api/v1/households/{id}", write("household"), h.updateHousehold)
	h.auth(rt, "GET /api/v1/households/{id}/history", readObj("household"), h.history("household"))
	h.auth(rt, "GET /api/v1/houses/{id}", readObj("house"), h.house)
	h.auth(rt, "GET /api/v1/buildings/{id}", readObj("building"), h.building)
	h.auth(rt, "GET /api/v1/organisations", search, h.searchOrganisations)
	h.auth(rt, "GET /api/v1/organisations/{id}", readObj("organisation"), h.organisation)
	h.auth(rt, "GET /api/v1/changes", access.Rule{Perm: access.RegisterRead, Audit: audit.Export}, h.changes)
	h.auth(rt, "GET /api/v1/asof", access.Rule{Perm: access.RegisterRead, Audit: audit.Export}, h.asOf)
	h.reportRoutes(rt)
	h.servicesRoutes(rt)
	h.eventRoutes(rt)
	h.exportRoutes(rt)
	h.workRoutes(rt)
	h.burdenRoutes(rt)
	h.workFundsRoutes(rt)
	h.visitRoutes(rt)
	h.partyRoutes(rt)
	h.workforceRoutes(rt)
	h.volunteerRoutes(rt)
	h.socialOrgRoutes(rt)
	h.fundRoutes(rt)
	h.disclosureRoutes(rt)
	h.proposalRoutes(rt)
	h.surveyRoutes(rt)
	rt.Handle("/api/v1/", access.Rule{Public: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "没有这个接口: "+r.Method+" "+r.URL.Path, nil)
	}))
}

func paramOf(rule access.Rule) string {
	if rule.Param != "" {
		return rule.Param
	}
	return "id"
}

// auth registers a route that needs a bearer token. The token's user and
// grants (or the one grant the token is limited to) make the caller; then
// the kit's Authorize applies the rule as for a page, and the call is
// recorded in the audit log when the rule says so or the method changes
// something. Exports are recorded after the data went out, with its rows.
func (h *handler) auth(rt *web.Routes, pattern string, rule access.Rule, fn web.HandlerFunc) {
	rt.Handle(pattern, rule, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Answers carry personal data: no shared cache or disk keeps them.
		w.Header().Set("Cache-Control", "no-store")
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="shequ"`)
			writeError(w, http.StatusUnauthorized, "缺少 API 令牌(Authorization: Bearer …)", nil)
			return
		}
		c, err := h.kit.TokenRequest(r.Context(), strings.TrimSpace(secret), "api")
		if errors.Is(err, accounts.ErrBadToken) {
			h.Audit.Record(audit.Entry{Addr: web.ClientAddr(r), Action: audit.TokenUsed, Route: pattern, Status: http.StatusUnauthorized})
			w.Header().Set("WWW-Authenticate", `Bearer realm="shequ", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, accounts.ErrBadToken.Error(), nil)
			return
		}
		if err != nil {
			h.fail(w, r, 0, err)
			return
		}
		switch status, err := h.kit.Authorize(r, pattern, rule, c); status {
		case 0:
		case http.StatusForbidden:
			writeError(w, http.StatusForbidden, "令牌没有此项权限", nil)
			return
		case http.StatusBadRequest:
			h.fail(w, r, http.StatusBadRequest, fieldError(paramOf(rule), "id 应为正整数"))
			return
		case http.StatusNotFound:
			writeError(w, http.StatusNotFound, "记录不存在", nil)
			return
		default:
			h.fail(w, r, 0, err)
			return
		}
		// After the rule: a caller the route refuses learns nothing of its
		// parameters.
		if err := checkQuery(pattern, r); err != nil {
			h.fail(w, r, http.StatusBadRequest, err)
			return
		}
		sw := &web.StatusWriter{ResponseWriter: w}
		fn(sw, r, c)
		if action := web.AuditAction(r, rule); action != "" {
			h.kit.Record(r, c, pattern, action, sw.Status)
		}
	}))
}

// within narrows the caller's read scope to the unit named by the org
// parameter; a unit outside it is not found.
func (h *handler) within(ctx context.Context, c *web.Request, param string) (access.Scope, int, error) {
	if param == "" {
		return c.Read(), 0, nil
	}
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil || id <= 0 {
		return access.Scope{}, http.StatusBadRequest, fieldError("org", "org 应为组织单元的数字 id")
	}
	u, err := h.Org.Get(ctx, id)
	if err != nil || !c.Read().Contains(unitPlace(u)) {
		return access.Scope{}, http.StatusNotFound, fieldError("org", "组织单元不存在")
	}
	sc, err := h.Access.Narrow(ctx, c.Read(), id)
	if err != nil {
		return access.Scope{}, http.StatusInternalServerError, err
	}
	return sc, 0, nil
}

// unitPlace is where an org unit lies, for scope checks.
func unitPlace(u orgtree.Unit) access.Place {
	return access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}
}

func fieldError(field, msg string) error { return fault.Fields{field: msg} }

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

// WriteError answers an API request with an error in the API's shape: a
// message and, when a field is at fault, the field's message. The server
// uses it for what it refuses before any API handler runs.
func WriteError(w http.ResponseWriter, status int, msg string, fields map[string]string) {
	writeError(w, status, msg, fields)
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string]string) {
	writeJSON(w, status, errorBody{Error: msg, Fields: fields})
}

// fail answers err by its fault kind (web.Status). status is only for
// field errors: a handler that could not read the request at all passes
// 400 (and one whose parameter names nothing, 404), where field errors
// from a capability answer 422. A conflict carries
// the changes made meanwhile when the capability's error lists them.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	var big tooLarge
	if errors.As(err, &big) {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: big.Fields["body"], Fields: big.Fields})
		return
	}
	code := web.Status(err)
	body := errorBody{Error: fault.Message(err)}
	switch fault.KindOf(err) {
	case fault.Invalid:
		if status != 0 && status < 500 {
			code = status
		}
		body.Fields = fault.FieldsOf(err)
	case fault.Conflict:
		var ce *register.ConflictError
		if errors.As(err, &ce) {
			body.Error, body.Changes = ce.Text(h.kit.When), ce.Since
		}
	case fault.NotFound:
		// A record outside the caller's part of the tree is answered as
		// one that is not there, in the same words.
		if body.Error == "" {
			body.Error = "记录不存在"
		}
	case fault.Internal:
		h.Log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error = "服务器内部错误"
	}
	writeJSON(w, code, body)
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
