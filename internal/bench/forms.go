package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/server"
)

// Forms adds tags to persons of one grid and ends them, as its grid worker
// does on a phone: it changes the database, so it runs only when asked for.
var Forms = Group{Name: "forms", Hidden: true, run: formsBench}

// formTag is the tag the forms add and end: one every grid worker may
// keep (not sensitive) and that few persons hold.
const formTag = "living_alone"

// formsBench measures a phone form's round trip against the server with
// the loaded city — `shequ serve` as a child process when the command runs
// it, the assembled handler in this process otherwise: a grid worker of one
// grid logs in and, for each of a few hundred of the grid's residents, adds
// a 独居老人 tag (GET the form, POST it, follow the redirect to the saved
// person page) and ends it the same way. The requirement's figure is
// submit → saved page (the POST and the GET it redirects to); the whole
// round trip with the form's GET is reported beside it. Every saved page
// is checked to show what was saved, and the database to hold it.
func formsBench(v env) error {
	ctx := v.ctx
	persons, sample, err := v.persons()
	if err != nil {
		return err
	}
	var gridID int64
	if err := v.db.QueryRowContext(ctx, `SELECT grid_id FROM persons WHERE id = $1`, sample[0].id).Scan(&gridID); err != nil {
		return err
	}
	rounds := min(v.opt.Queries, 300)
	targets, err := formTargets(ctx, v.db, gridID, rounds)
	if err != nil {
		return err
	}
	if len(targets) < rounds {
		fmt.Fprintf(v.logw, "bench forms: only %d residents of grid %d without a %s tag\n", len(targets), gridID, formTag)
	}
	if len(targets) == 0 {
		return fmt.Errorf("网格 %d 中没有可添加标签的在册人员", gridID)
	}
	name := fmt.Sprintf("bench-grid-%d", database.NewID()%1e9)
	if _, err := benchUser(ctx, v.db, name, "基准测试网格员", "grid_worker", []int64{gridID}); err != nil {
		return err
	}

	c, stop, err := signedIn(ctx, v, name)
	if err != nil {
		return err
	}
	defer stop()
	// The saved page is a person's page: read a few first, as a worker
	// looks around before the first form.
	for _, p := range targets[:min(20, len(targets))] {
		if _, err := c.page("/persons/" + idString(p)); err != nil {
			return err
		}
	}

	// The tag's note names the run, so that the saved pages and the
	// database can be checked for what this run saved.
	run := strconv.FormatInt(database.NewID()%1e9, 10)
	today := time.Now().Format("2006-01-02")
	var t formTimes
	for _, pid := range targets {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		person := "/persons/" + idString(pid)
		note := "基准测试 " + run
		saved, err := t.roundTrip(c, "add", person+"/tags/new", url.Values{"tag": {formTag}, "started_on": {today},
			"evidence": {"基准测试"}, "note": {note}}, person)
		if err != nil {
			return err
		}
		if !strings.Contains(saved, note) {
			return fmt.Errorf("the saved page of person %d does not show the tag just added", pid)
		}
		var tagID int64
		if err := v.db.QueryRowContext(ctx, `SELECT t.id FROM persons p JOIN person_tags t ON t.community_id = p.community_id
			AND t.person_id = p.id WHERE p.id = $1 AND t.note = $2`, pid, note).Scan(&tagID); err != nil {
			return fmt.Errorf("the tag added to person %d: %w", pid, err)
		}
		end := person + "/tags/" + idString(tagID) + "/end"
		saved, err = t.roundTrip(c, "end", end, url.Values{"ended_on": {today}, "evidence": {"基准测试结束"}}, person)
		if err != nil {
			return err
		}
		if strings.Contains(saved, end) {
			return fmt.Errorf("the saved page of person %d still offers to end the tag just ended", pid)
		}
	}
	var ended int
	if err := v.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_tags WHERE tag = $1 AND note = $2 AND ended_on = $3`,
		formTag, "基准测试 "+run, today).Scan(&ended); err != nil {
		return err
	}
	if ended != len(targets) {
		return fmt.Errorf("%d tags added and ended through the forms, %d in the database", len(targets), ended)
	}

	where := "the assembled handler in process"
	if v.opt.Binary != "" {
		where = "shequ serve"
	}
	note := fmt.Sprintf("%d persons; a 网格员 of grid %d adds a 独居老人 tag to %d residents and ends it, one phone at a time, over loopback to %s",
		persons, gridID, len(targets), where)
	v.e.emit(Result{Bench: "form_submit_p50", Value: t.submit.pct(0.50), Unit: "ms", N: len(t.submit),
		Note: note + "; POST and the saved page it redirects to"})
	v.e.emit(Result{Bench: "form_submit_p99", Value: t.submit.pct(0.99), Unit: "ms", N: len(t.submit),
		Note: "requirement < 50 ms"})
	for _, kind := range []string{"add", "end"} {
		v.e.emit(Result{Bench: "form_tag_" + kind + "_submit_p99", Value: t.byKind[kind].pct(0.99), Unit: "ms", N: len(t.byKind[kind])})
	}
	v.e.emit(Result{Bench: "form_post_p50", Value: t.post.pct(0.50), Unit: "ms", N: len(t.post),
		Note: "of submit → saved page, the POST alone: the save and its redirect"})
	v.e.emit(Result{Bench: "form_post_p99", Value: t.post.pct(0.99), Unit: "ms", N: len(t.post)})
	v.e.emit(Result{Bench: "form_saved_page_p99", Value: t.saved.pct(0.99), Unit: "ms", N: len(t.saved),
		Note: "of submit → saved page, the GET of the person's page"})
	v.e.emit(Result{Bench: "form_roundtrip_p50", Value: t.whole.pct(0.50), Unit: "ms", N: len(t.whole),
		Note: "GET the form, POST it, the saved page"})
	v.e.emit(Result{Bench: "form_roundtrip_p99", Value: t.whole.pct(0.99), Unit: "ms", N: len(t.whole)})
	return nil
}

// formTimes are the round trips' times: submit → saved page, split into
// the POST and the saved page's GET, the whole round trip with the form's
// GET, and submit → saved page by the form.
type formTimes struct {
	submit, post, saved, whole latencies
	byKind                     map[string]latencies
}

// roundTrip GETs the form at path, POSTs it with values and GETs the saved
// page it redirects to, which must be next; it returns that page.
func (t *formTimes) roundTrip(c *formClient, kind, path string, values url.Values, next string) (string, error) {
	t0 := time.Now()
	form, err := c.page(path)
	if err != nil {
		return "", err
	}
	t1 := time.Now()
	if err := c.post(path, form, values, next); err != nil {
		return "", err
	}
	t2 := time.Now()
	saved, err := c.page(next)
	if err != nil {
		return "", err
	}
	t3 := time.Now()
	if t.byKind == nil {
		t.byKind = map[string]latencies{}
	}
	t.submit, t.post, t.saved, t.whole = append(t.submit, t3.Sub(t1)), append(t.post, t2.Sub(t1)), append(t.saved, t3.Sub(t2)),
		append(t.whole, t3.Sub(t0))
	t.byKind[kind] = append(t.byKind[kind], t3.Sub(t1))
	return saved, nil
}

// formTargets picks up to n residents of the grid, spread over it, that
// never held the tag: the form refuses a second tag of a kind over the
// same days, and a rerun of the bench takes other persons.
func formTargets(ctx context.Context, db *database.DB, gridID int64, n int) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.id FROM persons p WHERE p.grid_id = $1 AND p.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM person_tags t WHERE t.community_id = p.community_id AND t.person_id = p.id
			AND t.tag = $2) ORDER BY p.id`, gridID, formTag)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		all = append(all, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(all) <= n {
		return all, nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = all[i*len(all)/n]
	}
	return out, nil
}

// formsServer is the server the forms are sent to: `shequ serve` on the
// bench's database when the command gave its binary, else the assembled
// handler on a loopback listener of this process.
func formsServer(ctx context.Context, v env) (base string, stop func(), err error) {
	if v.opt.Binary != "" {
		srv, err := startServer(ctx, v.opt.Binary, v.opt.DSN)
		if err != nil {
			return "", nil, err
		}
		return srv.base, srv.stop, nil
	}
	app := server.New(v.db, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		app.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: app.Handler}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close(); app.Close() }, nil
}

// signedIn starts the forms' server and signs the bench account name in
// to it: what a group timing pages over HTTP begins with. stop stops the
// server.
func signedIn(ctx context.Context, v env, name string) (c *formClient, stop func(), err error) {
	base, stop, err := formsServer(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	if c, err = newFormClient(ctx, base, name, benchPassword); err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}

// formClient is a phone's browser: cookies, redirects followed by hand so
// that each one is checked.
type formClient struct {
	ctx  context.Context
	base string
	http *http.Client
}

func newFormClient(ctx context.Context, base, name, password string) (*formClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &formClient{ctx: ctx, base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	form, err := c.page("/login")
	if err != nil {
		return nil, err
	}
	if err := c.post("/login", form, url.Values{"name": {name}, "password": {password}, "next": {"/"}}, "/"); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

func (c *formClient) do(method, path string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.base+path, body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// page GETs a page that must answer 200.
func (c *formClient) page(path string) (string, error) {
	resp, body, err := c.do("GET", path, nil)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return body, nil
}

var (
	csrfField    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	versionField = regexp.MustCompile(`name="version" value="([0-9]+)"`)
)

// post POSTs the form of a page with its hidden fields (the CSRF token,
// the version) and the values; the answer must redirect to next.
func (c *formClient) post(path, page string, values url.Values, next string) error {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("no CSRF token in the form of %s", path)
	}
	values.Set("csrf", m[1])
	if m := versionField.FindStringSubmatch(page); m != nil {
		values.Set("version", m[1])
	}
	resp, body, err := c.do("POST", path, values)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s (%s)", path, resp.Status, formErrors(body))
	}
	if loc := resp.Header.Get("Location"); loc != next {
		return fmt.Errorf("POST %s: redirected to %s, want %s", path, loc, next)
	}
	return nil
}

// formErrors is the error summary of a form sent back, for the message of
// a failed bench.
func formErrors(body string) string {
	i := strings.Index(body, `class="error-summary"`)
	if i < 0 {
		return "no field errors"
	}
	s := body[i:min(len(body), i+400)]
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ")
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
