package web

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Request is what an authenticated handler knows about its caller, however
// they proved who they are: a session in the pages, an API token in the API.
type Request struct {
	Session accounts.Session // the pages' session; empty for a token
	User    accounts.User
	Viewer  *access.Viewer
	Grant   int64          // the one grant an API token is limited to; 0 for all the user's
	Home    *orgtree.Unit  // the one unit where the user reads the register; nil for a viewer of the whole tree or of several places
	Actor   register.Actor // who the register records as making changes
	Flash   string         // message carried over a redirect (已保存)
	Nav     []NavItem      // the navigation this user may use
	Place   access.Place   // where the record the path names lies
	Audit   AuditNote      // what the handler adds to the request's audit entry
}

// AuditNote is filled by handlers whose audit entry needs more than the
// route says: the rows a search returned, what was searched for.
type AuditNote struct {
	Rows   int
	Detail string
	Entity string
	ID     int64
	// Nothing: the request was not what its rule records — a search page
	// opened without a term searched nothing and showed nobody.
	Nothing bool
}

// Read is the scope in which the caller may see the register.
func (rq *Request) Read() access.Scope { return rq.Viewer.Scope(access.RegisterRead) }

// Write is the scope in which the caller may change the register.
func (rq *Request) Write() access.Scope { return rq.Viewer.Scope(access.RegisterWrite) }

// UnitPlace is where an org unit lies, for scope checks.
func UnitPlace(u orgtree.Unit) access.Place {
	return access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}
}

// PathID reads the {id} path value; a malformed id is simply not found.
func PathID(r *http.Request) (int64, bool) { return PathInt(r, "id") }

// PathInt reads a positive integer path value.
func PathInt(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// QueryID reads a positive id from the query string.
func QueryID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return id, err == nil && id > 0
}
