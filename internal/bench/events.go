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

// Events starts its own server on a database of its own (a throwaway
// SQLite file): it runs only when asked for.
var Events = Group{Name: "events", Hidden: true, run: func(v env) error {
	return RunEvents(v.ctx, EventOptions{Binary: v.opt.Binary, Duration: v.opt.Duration, Workers: v.opt.Workers}, v.e.w, v.logw)
}}

// EventOptions sizes the events benchmark.
type EventOptions struct {
	Binary   string        // the shequ executable, run as the server under test
	DSN      string        // a SQLite file for the run; a new one in a temporary directory when empty
	Duration time.Duration // how long events are created before the server is killed (60 s)
	Workers  int           // concurrent clients creating events (16)
	Lookups  time.Duration // how long tracking numbers are looked up (15 s)
}

// RunEvents measures event creation over HTTP against the real server —
// `shequ serve` as a child process — for Duration, then kills it with
// SIGKILL while clients are still sending, restarts it and checks that
// every event whose creation was acknowledged (201) is there; then it
// measures the residents' progress lookup by tracking number on the
// restarted server.
func RunEvents(ctx context.Context, opt EventOptions, out, logw io.Writer) error {
	if opt.Duration <= 0 {
		opt.Duration = 60 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.Lookups <= 0 {
		opt.Lookups = 15 * time.Second
	}
	if opt.DSN == "" {
		dir, err := os.MkdirTemp("", "shequ-bench-events")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opt.DSN = filepath.Join(dir, "events.db")
	}
	if database.IsPostgresDSN(opt.DSN) {
		return fmt.Errorf("事件基准只测 SQLite(需求针对嵌入式默认配置)")
	}
	if _, err := os.Stat(opt.DSN); err == nil {
		return fmt.Errorf("%s 已存在:事件基准会写入测试数据,请指定一个新文件", opt.DSN)
	}
	fix, err := prepareEvents(ctx, opt.DSN)
	if err != nil {
		return err
	}
	e := emitter{w: out, engine: string(database.SQLite)}
	fmt.Fprintf(logw, "bench events: %d workers for %s on %s\n", opt.Workers, opt.Duration, opt.DSN)

	srv, err := startServer(ctx, opt.Binary, opt.DSN)
	if err != nil {
		return err
	}
	defer srv.stop()

	// Create events until the time is up; then kill the server while the
	// clients keep sending, so that some requests are cut off.
	type timed struct {
		at time.Time
		d  time.Duration
	}
	var (
		mu    sync.Mutex
		ack   []acked
		times []timed
		fails atomic.Int64
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	headers := []string{"Authorization: Bearer " + fix.token, "Content-Type: application/json"}
	start := time.Now()
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := newLoadClient(srv.addr)
			defer c.close()
			r := newRand(uint64(w) + 1)
			var mine []acked
			var mt []timed
			for !stop.Load() {
				body, _ := json.Marshal(map[string]any{"org_id": fix.places[r.IntN(len(fix.places))],
					"category": fix.categories[r.IntN(len(fix.categories))], "description": "基准测试上报的事件",
					"address": fmt.Sprintf("幸福路%d号", r.IntN(200)), "source": "api"})
				t0 := time.Now()
				status, resp, err := c.do("POST", "/api/v1/events", headers, body)
				if err != nil {
					fails.Add(1)
					if ctx.Err() != nil {
						break
					}
					time.Sleep(5 * time.Millisecond)
					continue
				}
				var got struct {
					ID         int64  `json:"id"`
					TrackingNo string `json:"tracking_no"`
				}
				if status != http.StatusCreated || json.Unmarshal(resp, &got) != nil {
					fails.Add(1)
					continue
				}
				mt = append(mt, timed{t0, time.Since(t0)})
				mine = append(mine, acked{got.ID, got.TrackingNo})
			}
			mu.Lock()
			ack = append(ack, mine...)
			times = append(times, mt...)
			mu.Unlock()
		}(w)
	}
	select {
	case <-time.After(opt.Duration):
	case <-ctx.Done():
	}
	killedAt := time.Now()
	srv.kill()
	elapsed := killedAt.Sub(start)
	time.Sleep(200 * time.Millisecond) // clients see the connection drop
	stop.Store(true)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The rate and latencies count the requests sent before the kill.
	var lat latencies
	for _, x := range times {
		if x.at.Before(killedAt) {
			lat = append(lat, x.d)
		}
	}
	note := fmt.Sprintf("POST /api/v1/events over loopback, %d keep-alive connections of a minimal HTTP/1.1 client, %s, SQLite", opt.Workers, opt.Duration)
	e.emit(Result{Bench: "event_create_rate", Value: float64(len(lat)) / elapsed.Seconds(), Unit: "events/s", N: len(lat), Note: note})
	e.emit(Result{Bench: "event_create_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	e.emit(Result{Bench: "event_create_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})

	// After kill -9: every acknowledged event is there.
	srv, err = startServer(ctx, opt.Binary, opt.DSN)
	if err != nil {
		return fmt.Errorf("restart after kill -9: %w", err)
	}
	defer srv.stop()
	missing, err := missingEvents(ctx, opt.DSN, ack)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "event_acked_missing_after_kill9", Value: float64(missing), Unit: "events", N: len(ack),
		Note: fmt.Sprintf("server killed with SIGKILL while %d clients were sending; %d requests failed around the kill", opt.Workers, fails.Load())})

	// The residents' progress lookup on the restarted server.
	var lmu sync.Mutex
	var llat latencies
	var lfail atomic.Int64
	stop.Store(false)
	lstart := time.Now()
	// Four clients: the lookups of residents are short and independent;
	// more clients on two cores only lengthen the queue.
	const lookupClients = 4
	for w := 0; w < lookupClients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := newRand(uint64(w) + 100)
			var ml latencies
			g := newLoadClient(srv.addr)
			defer g.close()
			for time.Since(lstart) < opt.Lookups && ctx.Err() == nil {
				a := ack[r.IntN(len(ack))]
				t0 := time.Now()
				status, err := g.get("/public/events/track?no=" + url.QueryEscape(a.no))
				if err != nil {
					lfail.Add(1)
					continue
				}
				if status != http.StatusOK {
					lfail.Add(1)
					continue
				}
				ml = append(ml, time.Since(t0))
			}
			lmu.Lock()
			llat = append(llat, ml...)
			lmu.Unlock()
		}(w)
	}
	wg.Wait()
	lel := time.Since(lstart)
	lnote := fmt.Sprintf("GET /public/events/track?no= (the HTML page) over loopback, %d keep-alive connections of a minimal HTTP/1.1 client, random numbers of %d events, %d failed", lookupClients, len(ack), lfail.Load())
	e.emit(Result{Bench: "event_lookup_rate", Value: float64(len(llat)) / lel.Seconds(), Unit: "lookups/s", N: len(llat), Note: lnote})
	e.emit(Result{Bench: "event_lookup_p50", Value: llat.pct(0.50), Unit: "ms", N: len(llat), Note: lnote})
	e.emit(Result{Bench: "event_lookup_p99", Value: llat.pct(0.99), Unit: "ms", N: len(llat), Note: lnote})
	return storeLookupBench(ctx, e, opt.DSN, ack)
}

// storeLookupBench times the lookup without HTTP and without the cache:
// events.Store.PublicFresh on random tracking numbers, four workers, five
// seconds.
func storeLookupBench(ctx context.Context, e emitter, dsn string, ack []acked) error {
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
			for time.Since(start) < 5*time.Second && ctx.Err() == nil {
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

// prepareEvents makes a small district — one street, two communities of
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
