package web_test

import (
	"net/http"
	"testing"
	"testing/fstest"
	"time"

	"shequ/internal/access"
	"shequ/internal/database/dbtest"
	"shequ/internal/testdb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// A page shows a time stored in UTC in the deployment's zone: Shanghai
// unless configured, another zone when it is.
func TestPagesShowTimesInTheDeploymentZone(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	const stored = "2026-11-30 16:30:00.000000" // UTC, as the database keeps it
	for _, c := range []struct {
		zone *time.Location
		want string
	}{
		{nil, "2026-12-01 00:30"},
		{newYork, "2026-11-30 11:30"},
	} {
		db := dbtest.Open(t, testdb.Engine{Name: "sqlite", DSN: testdb.SQLiteDSN})
		k, rt := webtest.Kit(t, db, web.Config{Zone: c.zone})
		webtest.AddUser(t, k, "admin", "系统管理员", "admin")
		tmpl := k.Templates(fstest.MapFS{"templates/when.html": {Data: []byte(
			`{{define "content"}}<p class="stamp">{{stamp .Data}}</p><p class="when">{{when (parse .Data)}}</p>{{end}}`)}},
			map[string]any{"parse": func(s string) time.Time { t, _ := time.Parse("2006-01-02 15:04:05.000000", s); return t }})
		k.Handle(rt, "GET /when", access.Rule{Login: true}, func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
			tmpl.Render(w, r, http.StatusOK, "when", web.NewPage(rq, "时间", "home", stored))
		})
		cl := webtest.Serve(t, rt).Client()
		cl.Login("admin")
		res := cl.Get("/when")
		webtest.Contains(t, "times on the page", res.Body,
			`<p class="stamp">`+c.want+`</p>`, `<p class="when">`+c.want+`</p>`)
		if got := k.Stamp(stored); got != c.want {
			t.Errorf("Stamp = %s, want %s", got, c.want)
		}
	}
}
