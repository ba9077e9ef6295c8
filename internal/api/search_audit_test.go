package api

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
)

// A search through the API is recorded with what was searched for, ID and
// phone numbers masked, and how many rows came back, as in the pages.
func TestSearchesAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		for _, c := range []struct {
			path, term, want string
			rows             int
		}{
			{"/api/v1/persons", e.person.IDNumber, "persons: " + ident.MaskID(e.person.IDNumber), 1},
			{"/api/v1/persons", "张伟", "persons: 张伟", 1},
			{"/api/v1/persons", "无此人", "persons: 无此人", 0},
			{"/api/v1/households", "H", "households: H", 2},
			{"/api/v1/organisations", "城北", "organisations: 城北", 0},
		} {
			if code, _ := e.do(t, e.adminToken, "GET", c.path+"?q="+url.QueryEscape(c.term), ""); code != 200 {
				t.Fatalf("GET %s?q=%s: %d", c.path, c.term, code)
			}
			e.audit.Flush()
			es, _, err := e.audit.Query(ctx, audit.Filter{Action: audit.Search, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 || es[0].Detail != c.want || es[0].Rows != c.rows || es[0].Route != "GET "+c.path {
				t.Errorf("GET %s?q=%s recorded %+v, want detail %q and %d rows", c.path, c.term, es, c.want, c.rows)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1`,
			fmt.Sprint("%", e.person.IDNumber, "%")).Scan(&n); err != nil || n != 0 {
			t.Errorf("the audit log holds the searched ID number in full: %d %v", n, err)
		}
	})
}
