package access

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/register"
	"shequ/internal/services"
)

// TestWorkbench reads the home page of five roles through the assembled
// server, on both engines: each tile's count is the number of rows the list
// it opens shows; no item lies outside the viewer's place; the items come
// most urgent first; the street's platform compares its own communities.
func TestWorkbench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		ev := events.NewStore(db)
		report := func(s side, desc string, acts ...events.Action) *events.Event {
			t.Helper()
			e, err := ev.Report(ctx, access.System, events.Report{OrgID: w.building(s).ID, Category: "facility.lamp",
				Description: desc})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range acts {
				if e, err = ev.Act(ctx, access.System, e.ID, a); err != nil {
					t.Fatalf("%s: %v", a.Name, err)
				}
			}
			return e
		}
		// To accept: one in grid 1, overdue, one in grid 2; one in 紫南,
		// outside every place.
		late := report(in, "井盖缺失(超期)")
		if _, err := db.ExecContext(ctx, `UPDATE events SET due_at = $1 WHERE id = $2`,
			database.FormatTime(time.Now().Add(-50*time.Hour)), late.ID); err != nil {
			t.Fatal(err)
		}
		soon := report(near, "井盖松动")
		outside := report(out, "紫南井盖")
		// To file, at the street.
		filed := report(near, "占道经营", events.Action{Name: events.ActAccept, Route: events.LevelStreet})
		// To verify, in grid 1.
		verify := report(in, "垃圾清运", events.Action{Name: events.ActAccept, Route: events.LevelCommunity},
			events.Action{Name: events.ActFeedback, Note: "已清运"})

		// An application waiting at the window for a material, and one at
		// the street.
		svc := services.New(db, register.NewStore(db), services.Options{Quiet: true})
		window, err := svc.Intake(ctx, access.System, services.IntakeRequest{PersonID: w.objects[in]["person"],
			Item: "dibao", Received: []string{"form"}})
		if err != nil {
			t.Fatal(err)
		}
		nearApp, err := svc.Application(ctx, access.Everything, w.objects[near]["application"])
		if err != nil {
			t.Fatal(err)
		}
		atStreet, err := svc.Approve(ctx, access.System, nearApp.ID, nearApp.Version, "")
		if err != nil {
			t.Fatal(err)
		}

		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
		evLink := func(e *events.Event) string { return `/events/` + itoa(e.ID) + `#act` }
		taskLink := func(id int64) string { return `/events/tasks/` + itoa(id) + `#act` }
		appLink := func(id int64) string { return `/services/applications/` + itoa(id) }
		conflict := func(s side) string { return `/conflicts/` + itoa(w.objects[s]["conflict"]) }
		for _, c := range []struct {
			role        string
			want, never []string
			compare     []string // the communities compared, in order
		}{
			{role: "community_staff",
				want:  []string{evLink(late), evLink(soon), appLink(window.ID) + "#h-window", appLink(w.objects[in]["application"]) + "#h-handle", conflict(in), conflict(near), "/reports/units/" + itoa(w.cb.ID)},
				never: []string{evLink(outside), appLink(w.objects[out]["application"]), conflict(out), evLink(filed)}},
			{role: "grid_worker",
				want:  []string{evLink(verify)},
				never: []string{evLink(late), evLink(outside), "/conflicts/"}},
			{role: "window_clerk",
				want:  []string{appLink(window.ID) + "#h-window"},
				never: []string{appLink(w.objects[out]["application"]), "/events/"}},
			{role: "street_operator",
				want:    []string{evLink(filed), appLink(atStreet.ID) + "#h-handle", conflict(in), conflict(near)},
				never:   []string{evLink(outside), evLink(late), conflict(out), appLink(w.objects[out]["application"])},
				compare: []string{"城北社区", "城南社区"}},
			{role: "dept_urban",
				want:  []string{taskLink(w.objects[in]["event"]), taskLink(w.objects[near]["event"])},
				never: []string{taskLink(w.objects[out]["event"]), "/services/", "/conflicts/"}},
		} {
			t.Run(c.role, func(t *testing.T) {
				a := w.newAgent(t, roleOf(t, roles, c.role))
				home := a.get("/")
				if home.status != http.StatusOK {
					t.Fatalf("home: %d", home.status)
				}
				main := between(home.body, "<main", "</main>")
				items := itemLinks(main)
				for _, want := range c.want {
					if !containsPrefix(items, want) {
						t.Errorf("no item %s among %v", want, items)
					}
				}
				for _, never := range c.never {
					if containsPrefix(items, never) {
						t.Errorf("item %s shown, outside the role's work: %v", never, items)
					}
				}
				checkOrder(t, main)
				tiles := tileRe.FindAllStringSubmatch(main, -1)
				if len(tiles) == 0 {
					t.Fatalf("no tiles on the workbench:\n%s", main)
				}
				for _, tile := range tiles {
					kind, href := tile[1], strings.ReplaceAll(tile[2], "&amp;", "&")
					count, _ := strconv.Atoi(tile[3])
					if strings.HasPrefix(href, "#") {
						if n := strings.Count(between(main, `id="`+href[1:]+`"`, "</section>"), "<li"); n != count {
							t.Errorf("%s: the tile says %d, its list on the board has %d", kind, count, n)
						}
						continue
					}
					list := a.get(href)
					if list.status != http.StatusOK {
						t.Fatalf("%s: GET %s: %d", kind, href, list.status)
					}
					if n := listRows(href, list.body); n != count {
						t.Errorf("%s: the tile says %d, %s shows %d rows", kind, count, href, n)
					}
				}
				cmp := between(main, `id="wb-compare"`, "</section>")
				if c.compare == nil {
					if strings.Contains(main, `id="wb-compare"`) {
						t.Errorf("a comparison of communities for %s", c.role)
					}
					return
				}
				if strings.Contains(cmp, "紫南社区") {
					t.Error("the comparison shows a community of another street")
				}
				for _, kind := range []string{"events", "services"} {
					table := between(cmp, `data-kind="`+kind+`"`, "</table>")
					last := -1
					for _, name := range c.compare {
						i := strings.Index(table, name)
						if i < 0 || i < last {
							t.Errorf("%s comparison: %s missing or out of order:\n%s", kind, name, table)
						}
						last = i
					}
				}
				// 城北's open events: the world's two at 城管, and those to
				// accept (2), to file and to verify; one is overdue. Its
				// applications not finished: the world's two and the one at
				// the window. 城南 has none.
				for kind, want := range map[string][2]string{"events": {"6", "1"}, "services": {"3", "0"}} {
					row := between(between(cmp, `data-kind="`+kind+`"`, "</table>"), "城北社区", "</tr>")
					if !strings.Contains(row, `data-label="在办" class="lbl">`+want[0]+`<`) ||
						!strings.Contains(row, `data-label="超期" class="lbl">`+strings.Replace(want[1], "1", `<span class="late">1</span>`, 1)+`<`) {
						t.Errorf("%s of 城北: want %s open, %s overdue:\n%s", kind, want[0], want[1], row)
					}
					row = between(between(cmp, `data-kind="`+kind+`"`, "</table>"), "城南社区", "</tr>")
					if !strings.Contains(row, `data-label="在办" class="lbl">0<`) {
						t.Errorf("%s of 城南: want none open:\n%s", kind, row)
					}
				}
				if n := strings.Count(cmp, "<svg"); n != 4 {
					t.Errorf("%d charts, want 4", n)
				}
			})
		}
	})
}

var (
	tileRe     = regexp.MustCompile(`data-kind="([^"]+)" href="([^"]+)">\s*<span class="wb-count">(\d+)</span>`)
	itemLinkRe = regexp.MustCompile(`<a class="wb-title" href="([^"]+)"`)
	itemDueRe  = regexp.MustCompile(`<li class="wb-item[^"]*" data-kind="[^"]*" data-due="(\d*)"( data-overdue="1")?>`)
	rowLinkRe  = regexp.MustCompile(`href="/(events/(tasks/)?\d+|services/applications/\d+|conflicts/\d+|disclosures/\d+/\d+|proposals/\d+/\d+)"`)
)

func itemLinks(page string) []string {
	var out []string
	for _, m := range itemLinkRe.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

func containsPrefix(links []string, prefix string) bool {
	for _, l := range links {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// checkOrder checks the items come overdue first, then by deadline, then
// those without one.
func checkOrder(t *testing.T, page string) {
	t.Helper()
	rank := func(due string, overdue bool) (int, int64) {
		switch {
		case overdue:
			n, _ := strconv.ParseInt(due, 10, 64)
			return 0, n
		case due != "":
			n, _ := strconv.ParseInt(due, 10, 64)
			return 1, n
		}
		return 2, 0
	}
	ms := itemDueRe.FindAllStringSubmatch(page, -1)
	for i := 1; i < len(ms); i++ {
		g0, d0 := rank(ms[i-1][1], ms[i-1][2] != "")
		g1, d1 := rank(ms[i][1], ms[i][2] != "")
		if g1 < g0 || g1 == g0 && g1 < 2 && d1 < d0 {
			t.Errorf("item %d (%v) after item %d (%v): not most urgent first", i, ms[i][0], i-1, ms[i-1][0])
		}
	}
	if len(ms) != len(itemLinks(page)) {
		t.Errorf("%d items with deadlines read, %d items", len(ms), len(itemLinks(page)))
	}
}

// listRows counts the rows a list page shows: for the events queue those of
// its first section (what waits for the viewer), elsewhere every row that
// links to a record.
func listRows(href, body string) int {
	main := between(body, "<main", "</main>")
	if href == "/events" {
		main = between(main, `id="h-todo"`, `id="h-mine"`)
	}
	return len(rowLinkRe.FindAllString(main, -1))
}

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
