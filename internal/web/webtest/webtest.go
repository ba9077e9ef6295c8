// Package webtest is what the tests of the web kit and of every
// capability's pages share, so that a package's test fixture wires only its
// own pages: the kit over a test database (Kit), a browser without
// JavaScript (Client), the checks every page is held to (CheckPage,
// Contains, Lacks), the form fields tests read back (CSRFOf, VersionOf) and
// a log that fails the test when personal data reaches it (Log).
//
// It is imported by tests only.
package webtest

import (
	"context"
	"sync"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/web"
)

// Password is the password of every account AddUser makes.
const Password = "correct-horse-42"

var fastHashing sync.Once

// AddUser makes an account that logs in with Password and holds one grant:
// role over units. Passwords are hashed at the cheapest cost, since tests
// make many accounts and prove nothing about hashing.
func AddUser(t testing.TB, k *web.Kit, name, display, role string, units ...int64) accounts.User {
	t.Helper()
	fastHashing.Do(func() { accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1}) })
	ctx := context.Background()
	u := &accounts.User{Name: name, DisplayName: display}
	if err := k.Accounts.AddUser(ctx, nil, u, Password); err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
	if err := k.Access.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role, Units: units}); err != nil {
		t.Fatalf("grant %s to %s: %v", role, name, err)
	}
	return *u
}
