package access

import (
	"context"
	"errors"
	"strconv"

	"shequ/internal/fault"
)

// Rule is what a route requires. Every route is registered with one (see
// web.Routes); the access test walks them all.
type Rule struct {
	// Public routes need no login: the login form, static files, the
	// residents' pages. Nothing else may be set with it.
	Public bool
	// Login routes need a logged-in user but no permission (the home page,
	// logging out, one's own password).
	Login bool
	// Perm is the permission the caller must hold somewhere.
	Perm string
	// Object, when set, is the kind of the record named by the path value
	// Param (default "id"); the caller must hold Perm at the record's place.
	// A record outside the caller's scope is answered as not found.
	Object string
	Param  string
	// Audit names the action recorded for each call ("view", "search",
	// "export", "reveal" …). Requests other than GET and HEAD are always
	// recorded, as "change" unless Audit says otherwise.
	Audit string
}

// Resolver finds where a record of one kind lies, for the object check of
// routes. It returns ErrNoObject when there is no such record.
type Resolver func(ctx context.Context, id int64) (Place, error)

// ErrNoObject is what a Resolver returns for an id that names nothing.
var ErrNoObject = fault.New(fault.NotFound, "记录不存在")

// Resolve registers how to place records of a kind ("person", "event" …).
// Capabilities register theirs when the server is assembled.
func (s *Service) Resolve(kind string, fn Resolver) {
	s.mu.Lock()
	s.resolvers[kind] = fn
	s.mu.Unlock()
}

// Decision errors of Authorize.
var (
	ErrLogin     = fault.New(fault.Unauthorized, "请先登录")
	ErrForbidden = fault.New(fault.Forbidden, "没有权限")
	ErrNotFound  = fault.New(fault.NotFound, "记录不存在")
	ErrBadID     = fault.New(fault.Invalid, "id 应为正整数")
)

// Authorize applies a rule to a request by v: nil when it may proceed,
// ErrForbidden when v lacks the permission, ErrBadID when the path's id is
// not one, ErrNotFound when the record the path names does not exist or
// lies outside v's scope (so that a URL cannot tell the two apart). It also returns the record's place, for the audit
// entry.
//
// pathValue reads the request's path values (http.Request.PathValue), so that
// the rule needs no knowledge of HTTP.
func (s *Service) Authorize(ctx context.Context, v *Viewer, rule Rule, pathValue func(name string) string) (Place, int64, error) {
	if rule.Public {
		return Place{}, 0, nil
	}
	if v == nil || v == Nobody {
		return Place{}, 0, ErrLogin
	}
	if rule.Perm == "" {
		if rule.Login {
			return Place{}, 0, nil
		}
		return Place{}, 0, ErrForbidden // a route without a rule serves no one
	}
	if !v.Can(rule.Perm) {
		return Place{}, 0, ErrForbidden
	}
	if rule.Object == "" {
		return Place{}, 0, nil
	}
	param := rule.Param
	if param == "" {
		param = "id"
	}
	id, err := strconv.ParseInt(pathValue(param), 10, 64)
	if err != nil || id <= 0 {
		return Place{}, 0, ErrBadID
	}
	s.mu.Lock()
	resolve := s.resolvers[rule.Object]
	s.mu.Unlock()
	if resolve == nil {
		return Place{}, id, errors.New("access: no resolver for " + rule.Object)
	}
	p, err := resolve(ctx, id)
	if errors.Is(err, ErrNoObject) {
		return Place{}, id, ErrNotFound
	}
	if err != nil {
		return Place{}, id, err
	}
	if !v.Scope(rule.Perm).Contains(p) {
		return p, id, ErrNotFound
	}
	return p, id, nil
}
