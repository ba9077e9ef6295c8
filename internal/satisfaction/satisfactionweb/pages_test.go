package satisfactionweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/satisfaction"
	"shequ/internal/satisfaction/satisfactionweb"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestPages: the staff's page shows a community's parts and its months;
// another community's staff cannot open it; a signed-in resident sees
// the household's visit, rates it once, and the page says so; nobody
// signed in is sent to verify.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 20, 10, 0, 0, 0, workdays.Shanghai)
		clock := func() time.Time { return now }
		org := orgtree.NewStore(db)
		mk := func(u *orgtree.Unit) {
			t.Helper()
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		mk(&street)
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		mk(&cb)
		other := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城南社区", Code: "610603100002"}
		mk(&other)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO households (community_id, id, number, kind, org_id, created_at, updated_at)
			VALUES ($1, 7, 'H7', 'registered', $1, '2026-01-01', '2026-01-01')`, cb.ID)
		exec(`INSERT INTO persons (community_id, id, org_id, household_id, name, id_number, gender, birth_date, residence,
			created_at, updated_at) VALUES ($1, 8, $1, 7, '李秀兰', '610603196203090132', 'F', '1962-03-09', 'registered',
			'2026-01-01', '2026-01-01')`, cb.ID)
		exec(`INSERT INTO visits (community_id, id, household_id, client_uuid, visited_on, outcome, author, recorded_at)
			VALUES ($1, 9, 7, 'u9', '2026-05-12', 'met', '网格员小刘', '2026-05-12 02:00:00.000000')`, cb.ID)
		var cat string
		if err := db.QueryRowContext(ctx, `SELECT code FROM event_categories ORDER BY code LIMIT 1`).Scan(&cat); err != nil {
			t.Fatal(err)
		}
		for i, score := range []int{5, 4, 1} {
			exec(`INSERT INTO events (community_id, id, org_id, tracking_no, category, title, source, status, level,
				created_at, reported_on, updated_at, rating, rated_at) VALUES ($1, $2, $1, $3, $4, '路灯不亮', 'resident', $5,
				'community', '2026-04-01 02:00:00.000000', '2026-04-01', '2026-04-01 02:00:00.000000', $6, $7)`,
				cb.ID, 20+i, fmt.Sprintf("E%d", i), cat, events.StatusClosed, score, fmt.Sprintf("2026-04-0%d 02:00:00.000000", i+2))
		}

		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		svc := satisfaction.NewService(db, org, visits.NewService(db, register.NewStore(db), nil, clock),
			volunteers.NewService(db, clock), clock)
		me := residents.Resident{PersonID: 8, HouseholdID: 7, CommunityID: cb.ID, Name: "李秀兰", Community: "城北社区"}
		signedIn := func(r *http.Request) (residents.Resident, bool) { return me, r.Header.Get("X-Test-Resident") == "" }
		satisfactionweb.Routes(rt, k, satisfactionweb.Deps{Satisfaction: svc, SignedIn: signedIn})
		srv := webtest.Serve(t, rt)

		webtest.AddUser(t, k, "li", "李干事", "community_staff", cb.ID)
		webtest.AddUser(t, k, "wang", "王干事", "community_staff", other.ID)
		staff := srv.Client()
		staff.Login("li")
		page := staff.Get("/satisfaction")
		if page.Status != http.StatusOK {
			t.Fatalf("/satisfaction: %d", page.Status)
		}
		webtest.CheckPage(t, "/satisfaction", page.Body)
		webtest.Contains(t, "staff page", page.Body, "城北社区 群众满意度", "居民评价 <strong>3</strong> 次", "66.7%",
			"<th scope=\"row\" data-label=\"月份\">2026-04</th>", "入户走访", "按各自的评价次数加权")
		outsider := srv.Client()
		outsider.Login("wang")
		if r := outsider.Get(fmt.Sprintf("/satisfaction?org=%d", cb.ID)); r.Status != http.StatusNotFound {
			t.Fatalf("城北 for 城南's staff: %d", r.Status)
		}

		phone := srv.Client()
		list := phone.Get("/r/ratings")
		if list.Status != http.StatusOK {
			t.Fatalf("/r/ratings: %d", list.Status)
		}
		webtest.CheckPage(t, "/r/ratings", list.Body)
		webtest.Contains(t, "rating page", list.Body, "2026-05-12", "网格员小刘 到您家走访", `name="ref" value="9"`)
		form := url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}, "part": {"visit"}, "ref": {"9"}, "score": {"4"}}
		if r := phone.Post("/r/ratings", url.Values{"csrf": form["csrf"], "part": {"visit"}, "ref": {"9"}, "score": {"9"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("9 stars: %d", r.Status)
		}
		r := phone.Post("/r/ratings", form)
		if r.Status != http.StatusOK {
			t.Fatalf("rate: %d\n%s", r.Status, r.Body)
		}
		webtest.Contains(t, "rated", r.Body, "谢谢您的评价", "已评价:4 星")
		if r := phone.Post("/r/ratings", form); r.Status != http.StatusConflict {
			t.Fatalf("rated twice: %d", r.Status)
		}
		if r := phone.Post("/r/ratings", url.Values{"part": {"visit"}, "ref": {"9"}, "score": {"4"}}); r.Status != http.StatusBadRequest {
			t.Fatalf("no token: %d", r.Status)
		}
		// The staff's page counts it.
		webtest.Contains(t, "staff page after", staff.Get("/satisfaction").Body, "居民评价 <strong>4</strong> 次")

		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/r/ratings", nil)
		req.Header.Set("X-Test-Resident", "none")
		if r := srv.Client().Do(req); r.Status != http.StatusSeeOther || r.Location() != "/r/verify" {
			t.Fatalf("nobody signed in: %d %s", r.Status, r.Location())
		}
	})
}
