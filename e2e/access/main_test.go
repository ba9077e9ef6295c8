// Package access holds the end-to-end tests of access control: every route
// of the assembled server, for every role, against records inside and
// outside the role's place, on both engines.
package access

import (
	"testing"

	"shequ/internal/accounts"
	"shequ/internal/database/dbtest"
)

func TestMain(m *testing.M) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Main(m)
}
