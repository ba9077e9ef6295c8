package webtest

import (
	"context"
	"errors"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// Kit builds the kit over c on a new route table holding the kit's own
// routes (login, logout, the stylesheet, the 404 page); the test adds its
// package's pages to both: pkgweb.Routes(rt, k, …).
//
// What c leaves nil is made over db: the account store, the access service,
// the org tree; the log is a Log without secrets, the audit log is closed
// when the test ends. As in the server, the access service resolves a unit
// to its place in the org tree; the test tells it how to resolve its own
// kinds of record.
func Kit(t testing.TB, db *database.DB, c web.Config) (*web.Kit, *web.Routes) {
	t.Helper()
	if c.Accounts == nil {
		c.Accounts = accounts.NewStore(db)
	}
	if c.Access == nil {
		c.Access = access.NewService(db)
	}
	if c.Org == nil {
		c.Org = orgtree.NewStore(db)
	}
	if c.Log == nil {
		c.Log = NewLog(t).Logger()
	}
	if c.Audit == nil {
		c.Audit = audit.New(db, c.Log)
		t.Cleanup(c.Audit.Close)
	}
	org := c.Org
	c.Access.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		community, grid, err := org.Place(ctx, id)
		if errors.Is(err, orgtree.ErrNotFound) {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: community, Grid: grid, Org: id}, err
	})
	k := web.NewKit(c)
	rt := web.NewRoutes()
	k.Routes(rt)
	return k, rt
}
