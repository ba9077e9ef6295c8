package access

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/web"
)

// TestAccessMatrix walks every route the server registers, for every role
// in the roles table, with a record inside the role's place, one nearby (the
// same community, another grid) and one outside, and checks that the route
// allows exactly what the role's permissions and place say: a refusal is a
// 403 or 404 recorded in the audit log as denied, anything else is an
// answer, never a 500. Allowed answers are searched for what the role must
// not see: records of places outside its grant, full ID and phone numbers,
// sensitive tags. A route registered without a rule, one with an {id} whose
// rule names no kind of record, or one naming a kind the world cannot make,
// fails the test.
func TestAccessMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		routes := w.app.Routes.List()
		// Logging out ends the agent's session: it goes last.
		sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern == "POST /logout" })
		checked := 0
		for _, rt := range routes {
			r := rt.Rule
			if !r.Public && !r.Login && r.Perm == "" {
				t.Errorf("route %s has no rule: say who may use it", rt.Pattern)
			}
			if r.Object != "" && w.objects[in][r.Object] == 0 {
				t.Errorf("route %s names records of kind %q, which the access test cannot make: add a maker in e2e/access", rt.Pattern, r.Object)
			}
			if strings.Contains(rt.Pattern, "{id}") && r.Object == "" && !accountRoutes.MatchString(rt.Pattern) {
				t.Errorf("route %s takes an {id} but its rule names no kind of record: set Rule.Object so the record's place is checked", rt.Pattern)
			}
		}
		if t.Failed() {
			return
		}
		for _, role := range roles {
			a := w.newAgent(t, role)
			for _, rt := range routes {
				if rt.Rule.Public {
					continue
				}
				sides := []side{in}
				if rt.Rule.Object != "" {
					sides = append(sides, near, out)
				}
				for _, s := range sides {
					checked++
					w.check(t, a, rt, s)
				}
			}
		}
		t.Logf("%d routes × %d roles: %d checks", len(routes), len(roles), checked)
	})
}

// accountRoutes take the id of a user account, which lies nowhere in the
// tree; only administrators reach them.
var accountRoutes = regexp.MustCompile(`^[A-Z]+ /admin/users/\{id\}`)

var param = regexp.MustCompile(`\{([a-zA-Z_]+|\$)(\.\.\.)?\}`)

// pathValues give path parameters that name a capability's own records
// rather than a record in the tree (the reports' {tid}, {sid}, {iid}): each
// capability adds its own in its file, so that the matrix reaches the
// handlers behind such routes instead of their "not found". Parameters
// without one get "1".
var pathValues = map[string]func(w *world) string{}

// request builds the method and URL the agent uses for a route.
func (w *world) request(a *agent, rt web.Route, s side) (method, path string) {
	method, path, _ = strings.Cut(rt.Pattern, " ")
	objParam := rt.Rule.Param
	if objParam == "" {
		objParam = "id"
	}
	path = param.ReplaceAllStringFunc(path, func(m string) string {
		name := param.FindStringSubmatch(m)[1]
		switch {
		case name == "$":
			return ""
		case name == objParam && rt.Rule.Object != "":
			return strconv.FormatInt(w.objects[s][rt.Rule.Object], 10)
		case name == "id":
			return strconv.FormatInt(a.user.ID, 10) // the user's own account, on the account pages
		case name == "code":
			return "admin"
		case pathValues[name] != nil:
			return pathValues[name](w)
		}
		return "1"
	})
	// Lists are asked for what lies on both sides, so that an unscoped
	// list shows itself.
	switch path {
	case "/search", "/search/export", "/api/v1/persons", "/api/v1/households":
		path += "?q=" + url.QueryEscape("韩")
	case "/api/v1/changes":
		path += "?since=0&limit=1000"
	case "/api/v1/asof":
		path += "?date=" + w.today + "&entity=person&limit=1000"
	}
	return method, path
}

func (w *world) check(t *testing.T, a *agent, rt web.Route, s side) {
	t.Helper()
	method, path := w.request(a, rt, s)
	before := w.deniedCount(t, a.user.ID, rt.Pattern)
	var ans answer
	isAPI := strings.HasPrefix(path, "/api/")
	switch {
	case isAPI && method == http.MethodGet:
		ans = a.api(method, path, "")
	case isAPI:
		ans = a.api(method, path, "{}")
	case method == http.MethodGet:
		ans = a.get(path)
	default:
		ans = a.postForm(path, url.Values{"csrf": {a.csrf}, "old_password": {password}})
	}
	denied := w.deniedCount(t, a.user.ID, rt.Pattern) > before
	want := allowed(a.role, rt.Rule, s)
	where := fmt.Sprintf("%s as %s (%s), record %s", rt.Pattern, a.role.Code, a.role.Name, s)
	switch {
	case ans.status >= 500:
		t.Errorf("%s: %d", where, ans.status)
		return
	case ans.status == http.StatusUnauthorized || (ans.status == http.StatusSeeOther && strings.HasPrefix(ans.header.Get("Location"), "/login")):
		if rt.Pattern != "POST /logout" && rt.Pattern != "POST /account/password" {
			t.Errorf("%s: the agent is not logged in (%d)", where, ans.status)
		}
		return
	case want && denied:
		t.Errorf("%s: refused (%d), the rule allows it", where, ans.status)
	case !want && !denied:
		t.Errorf("%s: answered %d, the rule refuses it", where, ans.status)
	case denied && ans.status != http.StatusForbidden && ans.status != http.StatusNotFound:
		t.Errorf("%s: refused with %d, want 403 or 404", where, ans.status)
	}
	if isAPI && !isJSON(ans.body) {
		t.Errorf("%s: the API answered something that is not JSON", where)
	}
	if denied {
		return
	}
	// What the answer must not show.
	var leaks []string
	if !sees(a.role, out) {
		leaks = append(leaks, w.outP.Name, w.outP.IDNumber, w.outP.Phone)
	}
	if !sees(a.role, near) {
		leaks = append(leaks, w.nearP.Name, w.nearP.IDNumber, w.nearP.Phone)
	}
	if rt.Rule.Audit != audit.Reveal {
		if view(a.role, "person", "id_number") != access.Full {
			leaks = append(leaks, w.inP.IDNumber)
		}
		if view(a.role, "person", "phone") != access.Full {
			leaks = append(leaks, w.inP.Phone)
		}
	}
	if view(a.role, access.TagEntity, "correction") == access.Hidden {
		leaks = append(leaks, "敏感标签"+w.inP.Name)
	}
	for _, s := range leaks {
		if strings.Contains(ans.body, s) {
			t.Errorf("%s: the answer shows %q", where, s)
		}
	}
}

// allowed is what the role says of a request on a route.
func allowed(role access.Role, rule access.Rule, s side) bool {
	if !rule.Login && !role.Has(rule.Perm) {
		return false
	}
	return rule.Object == "" || sees(role, s)
}

// sees says whether the grant the world gives a role covers a side: the
// whole tree for roles placed anywhere, street S1 for subtree roles, 城北
// (and 城南) for community and station roles, grid 1 and building B1 for
// the finer ones.
func sees(role access.Role, s side) bool {
	switch {
	case s == in || role.Place == access.PlaceAnywhere:
		return true
	case s == near:
		return role.Place != access.PlaceGrid && role.Place != access.PlaceBuildings
	}
	return false
}

// view is how a role's field set shows a field, read from the role's rows
// as the role editor shows them.
func view(role access.Role, entity, field string) access.View {
	if role.AllFields {
		return access.Full
	}
	var wild access.View
	for _, f := range role.Fields {
		if f.Entity == entity && f.Field == field {
			return f.View
		}
		if f.Entity == entity && f.Field == access.Wildcard {
			wild = f.View
		}
	}
	if entity == access.TagEntity && (field == "correction" || field == "mental" || field == "drug" || field == "released") {
		return access.Hidden // sensitive kinds are never covered by *
	}
	return wild
}
