package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/orgtree"
)

// Events starts its own server on a database of its own — a throwaway
// SQLite file, or the empty PostgreSQL database --db names —: it runs only
// when asked for.
var Events = Group{Name: "events", Hidden: true, run: func(v env) error {
	opt := EventOptions{Binary: v.opt.Binary, Duration: v.opt.Duration, Workers: v.opt.Workers}
	// Never the default shequ.db: a SQLite run gets a file of its own.
	if v.db.Engine == database.Postgres {
		opt.DSN = v.opt.DSN
	}
	return RunEvents(v.ctx, opt, v.e.w, v.logw)
}}

// EventOptions sizes the events benchmark.
type EventOptions struct {
	Binary   string        // the shequ executable, run as the server under test
	DSN      string        // a new SQLite file or an empty PostgreSQL database; a new SQLite file in a temporary directory when empty
	Duration time.Duration // how long events are created before the server is killed (60 s)
	Workers  int           // concurrent clients creating events (16)
	Lookups  time.Duration // how long tracking numbers are looked up, real and reference together (a quarter of Duration, at most 15 s)
}

// RunEvents measures event creation over HTTP against the real server —
// `shequ serve` as a child process — in rounds alternating with a trivial
// server taking the same POST (reference.go), then for Duration, kills it
// with SIGKILL while clients are still sending, restarts it and checks that
// every event whose creation was acknowledged (201) is there; then it
// measures the residents' progress page on the restarted server, in rounds
// alternating with a trivial server answering a page of the same size.
func RunEvents(ctx context.Context, opt EventOptions, out, logw io.Writer) error {
	if opt.Duration <= 0 {
		opt.Duration = 60 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.Lookups <= 0 {
		opt.Lookups = min(max(opt.Duration/4, 1500*time.Millisecond), 15*time.Second)
	}
	if opt.Binary == "" {
		return fmt.Errorf("事件基准需要 shequ 可执行文件")
	}
	if opt.DSN == "" {
		dir, err := os.MkdirTemp("", "shequ-bench-events")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opt.DSN = filepath.Join(dir, "events.db")
	}
	engine := database.SQLite
	if database.IsPostgresDSN(opt.DSN) {
		engine = database.Postgres
	} else if _, err := os.Stat(opt.DSN); err == nil {
		return fmt.Errorf("%s 已存在:事件基准会写入测试数据,请指定一个新文件", opt.DSN)
	}
	fix, err := prepareEvents(ctx, opt.DSN)
	if err != nil {
		return err
	}
	e := emitter{w: out, engine: string(engine)}
	fmt.Fprintf(logw, "bench events: %d workers for %s on %s\n", opt.Workers, opt.Duration, engine)

	srv, err := startServer(ctx, opt.Binary, opt.DSN)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()

	// One report first: its answer's size is the reference's.
	var ack []acked
	first := newLoadClient(srv.addr)
	status, resp, err := first.do("POST", "/api/v1/events", fix.headers(), fix.report(newRand(0)))
	first.close()
	if err != nil || status != http.StatusCreated {
		return fmt.Errorf("the first report: %d %v %s", status, err, resp)
	}
	a, err := ackOf(resp)
	if err != nil {
		return err
	}
	ack = append(ack, a)
	ref, err := startReference(ctx, opt.Binary, ReferencePage{Status: http.StatusCreated, ContentType: "application/json", Size: len(resp)})
	if err != nil {
		return err
	}
	defer ref.stop()

	// Rounds of a few seconds, shequ and the reference in turn, before the
	// long run that ends with the kill.
	round := min(max(opt.Duration/12, 500*time.Millisecond), 5*time.Second)
	roundOf := func(addr string, shequ bool) func(context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			var stop atomic.Bool
			time.AfterFunc(round, func() { stop.Store(true) })
			l := sendReports(ctx, addr, opt.Workers, fix, shequ, &stop)
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			ack = append(ack, l.ack...)
			n := l.doneBy(l.start.Add(round))
			if n == 0 {
				return 0, fmt.Errorf("no report acknowledged in %s (%d failed)", round, l.fails.Load())
			}
			return float64(n) / round.Seconds(), nil
		}
	}
	if _, err := e.compare(ctx, Comparison{Bench: "event_create_http_vs_trivial", Unit: "events/s", Target: 0.15,
		Reference: "a trivial net/http handler in a process of its own, reading the same POST and answering 201 with as many bytes",
		Figure:    roundOf(srv.addr, true), Ref: roundOf(ref.addr, false),
		Note: fmt.Sprintf("POST /api/v1/events, %d keep-alive connections of a minimal HTTP/1.1 client, rounds of %s; %s",
			opt.Workers, round, engine)}); err != nil {
		return err
	}
	ref.stop()

	// Create events until the time is up; then kill the server while the
	// clients keep sending, so that some requests are cut off.
	var stop atomic.Bool
	var killedAt time.Time
	var how string // how the server was ended (read after the clients stop)
	go func() {
		select {
		case <-time.After(opt.Duration):
		case <-ctx.Done():
		}
		killedAt = time.Now()
		how = srv.cut()
		time.Sleep(200 * time.Millisecond) // clients see the connection drop
		stop.Store(true)
	}()
	l := sendReports(ctx, srv.addr, opt.Workers, fix, true, &stop)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	ack = append(ack, l.ack...)
	elapsed := killedAt.Sub(l.start)
	// The rate and latencies count the requests sent before the kill.
	var lat latencies
	for _, x := range l.times {
		if x.at.Before(killedAt) {
			lat = append(lat, x.d)
		}
	}
	note := fmt.Sprintf("POST /api/v1/events over loopback, %d keep-alive connections of a minimal HTTP/1.1 client, %s, %s", opt.Workers, opt.Duration, engine)
	e.emit(Result{Bench: "event_create_rate", Value: float64(len(lat)) / elapsed.Seconds(), Unit: "events/s", N: len(lat), Note: note})
	e.emit(Result{Bench: "event_create_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	e.emit(Result{Bench: "event_create_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})

	// After kill -9: every acknowledged event is there.
	srv, err = startServer(ctx, opt.Binary, opt.DSN)
	if err != nil {
		return fmt.Errorf("restart after kill -9: %w", err)
	}
	missing, err := missingEvents(ctx, opt.DSN, ack)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "event_acked_missing_after_kill9", Value: float64(missing), Unit: "events", N: len(ack),
		Note: fmt.Sprintf("server %s while %d clients were sending; %d requests failed around the kill", how, opt.Workers, l.fails.Load())})
	if err := progressPageBench(ctx, e, opt, srv.addr, ack); err != nil {
		return err
	}
	return storeLookupBench(ctx, e, opt.DSN, ack, opt.Lookups/3)
}

// progressPageBench measures the residents' progress page on the server at
// addr against a trivial server answering a page of the same size, in
// rounds; the absolute figures are those of shequ's rounds together.
func progressPageBench(ctx context.Context, e emitter, opt EventOptions, addr string, ack []acked) error {
	g := newLoadClient(addr)
	status, page, err := g.do("GET", "/public/events/track?no="+url.QueryEscape(ack[0].no), nil, nil)
	g.close()
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("the progress page: %d %v", status, err)
	}
	ref, err := startReference(ctx, opt.Binary, ReferencePage{Status: http.StatusOK, ContentType: "text/html; charset=utf-8", Size: len(page)})
	if err != nil {
		return err
	}
	defer ref.stop()
	// Four clients: the lookups of residents are short and independent;
	// more clients on two cores only lengthen the queue.
	const lookupClients = 4
	round := opt.Lookups / 6 // three rounds of each
	var all latencies
	var fails atomic.Int64
	var took time.Duration
	roundOf := func(addr string, shequ bool) func(context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			var mu sync.Mutex
			var lat latencies
			var wg sync.WaitGroup
			start := time.Now()
			for w := 0; w < lookupClients; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					r := newRand(uint64(w) + 100)
					var ml latencies
					g := newLoadClient(addr)
					defer g.close()
					for time.Since(start) < round && ctx.Err() == nil {
						a := ack[r.IntN(len(ack))]
						t0 := time.Now()
						status, err := g.get("/public/events/track?no=" + url.QueryEscape(a.no))
						if err != nil || status != http.StatusOK {
							fails.Add(1)
							continue
						}
						ml = append(ml, time.Since(t0))
					}
					mu.Lock()
					lat = append(lat, ml...)
					mu.Unlock()
				}(w)
			}
			wg.Wait()
			el := time.Since(start)
			if shequ {
				all, took = append(all, lat...), took+el
			}
			if len(lat) == 0 {
				return 0, fmt.Errorf("no page in %s", round)
			}
			return float64(len(lat)) / el.Seconds(), nil
		}
	}
	// A round of each first, not counted: the first pages of a fresh
	// server fill its caches.
	for _, a := range []string{addr, ref.addr} {
		if _, err := roundOf(a, false)(ctx); err != nil {
			return err
		}
	}
	if _, err := e.compare(ctx, Comparison{Bench: "event_progress_page_vs_trivial", Unit: "pages/s", Target: 0.5,
		Reference: fmt.Sprintf("a trivial net/http handler in a process of its own answering every GET with %d bytes of HTML, the real page's size", len(page)),
		Figure:    roundOf(addr, true), Ref: roundOf(ref.addr, false),
		Note: fmt.Sprintf("GET /public/events/track?no= (the HTML page), %d keep-alive connections of a minimal HTTP/1.1 client, rounds of %s, random numbers of %d events",
			lookupClients, round, len(ack))}); err != nil {
		return err
	}
	lnote := fmt.Sprintf("GET /public/events/track?no= (the HTML page) over loopback, %d keep-alive connections of a minimal HTTP/1.1 client, random numbers of %d events, shequ's rounds together, %d failed", lookupClients, len(ack), fails.Load())
	e.emit(Result{Bench: "event_lookup_rate", Value: float64(len(all)) / took.Seconds(), Unit: "lookups/s", N: len(all), Note: lnote})
	e.emit(Result{Bench: "event_lookup_p50", Value: all.pct(0.50), Unit: "ms", N: len(all), Note: lnote})
	e.emit(Result{Bench: "event_lookup_p99", Value: all.pct(0.99), Unit: "ms", N: len(all), Note: lnote})
	return nil
}

// reportLoad is what clients sending event reports got back.
type reportLoad struct {
	start time.Time
	ack   []acked // the real server's acknowledged events
	times []timed // when each acknowledged request was sent and how long it took
	fails atomic.Int64
}

type timed struct {
	at time.Time
	d  time.Duration
}

// doneBy counts the requests answered by t.
func (l *reportLoad) doneBy(t time.Time) int {
	n := 0
	for _, x := range l.times {
		if !x.at.Add(x.d).After(t) {
			n++
		}
	}
	return n
}

// sendReports has workers keep-alive clients report events to addr until
// stop is set. Against shequ (shequ) each 201 must carry the
// event's id and number; a reference's 201 is counted as it is.
func sendReports(ctx context.Context, addr string, workers int, fix *eventFixture, shequ bool, stop *atomic.Bool) *reportLoad {
	l := &reportLoad{start: time.Now()}
	var mu sync.Mutex
	var wg sync.WaitGroup
	headers := fix.headers()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := newLoadClient(addr)
			defer c.close()
			r := newRand(uint64(time.Now().UnixNano()) + uint64(w))
			var mine []acked
			var mt []timed
			for !stop.Load() {
				body := fix.report(r)
				t0 := time.Now()
				status, resp, err := c.do("POST", "/api/v1/events", headers, body)
				if err != nil {
					l.fails.Add(1)
					if ctx.Err() != nil {
						break
					}
					time.Sleep(5 * time.Millisecond)
					continue
				}
				if status != http.StatusCreated {
					l.fails.Add(1)
					continue
				}
				if shequ {
					a, err := ackOf(resp)
					if err != nil {
						l.fails.Add(1)
						continue
					}
					mine = append(mine, a)
				}
				mt = append(mt, timed{t0, time.Since(t0)})
			}
			mu.Lock()
			l.ack = append(l.ack, mine...)
			l.times = append(l.times, mt...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return l
}

// ackOf reads the id and tracking number of a created event's answer.
func ackOf(resp []byte) (acked, error) {
	var got struct {
		ID         int64  `json:"id"`
		TrackingNo string `json:"tracking_no"`
	}
	if err := json.Unmarshal(resp, &got); err != nil || got.ID == 0 || got.TrackingNo == "" {
		return acked{}, fmt.Errorf("a 201 without the event: %.200s", resp)
	}
	return acked{got.ID, got.TrackingNo}, nil
}

// storeLookupBench times the lookup without HTTP and without the cache:
// events.Store.PublicFresh on random tracking numbers, four workers, for d.
func storeLookupBench(ctx context.Context, e emitter, dsn string, ack []acked, d time.Duration) error {
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	st := events.NewStore(db)
	var mu sync.Mutex
	var lat latencies
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := newRand(uint64(w) + 500)
			var ml latencies
			for time.Since(start) < d && ctx.Err() == nil {
				t0 := time.Now()
				if _, err := st.PublicFresh(ctx, ack[r.IntN(len(ack))].no); err == nil {
					ml = append(ml, time.Since(t0))
				}
			}
			mu.Lock()
			lat = append(lat, ml...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	note := fmt.Sprintf("events.Store.PublicFresh (two indexed reads, no cache), without HTTP, 4 workers, %d events", len(ack))
	e.emit(Result{Bench: "event_lookup_store_rate", Value: float64(len(lat)) / time.Since(start).Seconds(), Unit: "lookups/s", N: len(lat), Note: note})
	e.emit(Result{Bench: "event_lookup_store_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	return nil
}

// acked is an event whose creation the server acknowledged.
type acked struct {
	id int64
	no string
}

type eventFixture struct {
	token      string
	places     []int64
	categories []string
}

func (f *eventFixture) headers() []string {
	return []string{"Authorization: Bearer " + f.token, "Content-Type: application/json"}
}

// report is the body of a report at a random place of a random category.
func (f *eventFixture) report(r *rand.Rand) []byte {
	body, _ := json.Marshal(map[string]any{"org_id": f.places[r.IntN(len(f.places))],
		"category": f.categories[r.IntN(len(f.categories))], "description": "基准测试上报的事件",
		"address": fmt.Sprintf("幸福路%d号", r.IntN(200)), "source": "api"})
	return body
}

// prepareEvents makes, in an empty database, a small district — one street, two communities of
// four grids with five buildings each — a community office contact (so
// each report also queues a notification, as in a deployment), and an API
// token of a street platform operator.
func prepareEvents(ctx context.Context, dsn string) (*eventFixture, error) {
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	var units int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units`).Scan(&units); err != nil {
		return nil, err
	}
	if units > 0 {
		return nil, fmt.Errorf("事件基准会写入测试数据:数据库中已有 %d 个组织单元,请指定一个空数据库", units)
	}
	org := orgtree.NewStore(db)
	mk := func(parent int64, level, name string) (orgtree.Unit, error) {
		u := orgtree.Unit{ParentID: parent, Level: level, Name: name}
		return u, org.Create(ctx, db, &u)
	}
	fix := &eventFixture{}
	district, err := mk(0, "district", "基准区")
	if err != nil {
		return nil, err
	}
	street, err := mk(district.ID, "street", "基准街道")
	if err != nil {
		return nil, err
	}
	st := events.NewStore(db)
	for c := 1; c <= 2; c++ {
		community, err := mk(street.ID, "community", fmt.Sprintf("基准%d社区", c))
		if err != nil {
			return nil, err
		}
		if err := st.AddContact(ctx, nil, &events.Contact{UnitID: community.ID, Name: "社区值班", Phone: fmt.Sprintf("1380000%04d", c)}); err != nil {
			return nil, err
		}
		for g := 1; g <= 4; g++ {
			grid, err := mk(community.ID, "grid", fmt.Sprintf("第%d网格", g))
			if err != nil {
				return nil, err
			}
			fix.places = append(fix.places, grid.ID)
			for b := 1; b <= 5; b++ {
				bu, err := mk(grid.ID, "building", fmt.Sprintf("%d号楼", g*10+b))
				if err != nil {
					return nil, err
				}
				fix.places = append(fix.places, bu.ID)
			}
		}
	}
	cat, err := st.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cat.Categories() {
		if c.Parent != "" {
			fix.categories = append(fix.categories, c.Code)
		}
	}
	name := fmt.Sprintf("bench%d", rand.IntN(1e9))
	if _, err := benchUser(ctx, db, name, "基准测试", "street_operator", []int64{street.ID}); err != nil {
		return nil, err
	}
	if fix.token, _, err = accounts.NewStore(db).CreateToken(ctx, name, "bench", 0); err != nil {
		return nil, err
	}
	return fix, nil
}

// missingEvents counts the acknowledged events that are not in the
// database, reading it directly.
func missingEvents(ctx context.Context, dsn string, ack []acked) (int, error) {
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	present := map[int64]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id FROM events`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		present[id] = true
	}
	missing := 0
	for _, a := range ack {
		if !present[a.id] {
			missing++
		}
	}
	return missing, rows.Err()
}
