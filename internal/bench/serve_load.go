package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/demo"
	"shequ/internal/events"
)

// ServeLoad measures what `shequ serve` keeps in memory under a mixed load
// (shequ bench --only serve_load --db … [--duration 1h]): the server runs
// as a child process on the database under test (the chengbei preset is
// loaded into an empty one) and eight clients send, for --duration (ten
// minutes by default; issue 20's figure is after one hour), residents'
// progress lookups of the service hall and of events, event reports over
// the API, staff pages and API reads, while the child's resident set
// (VmRSS) is sampled every second. It prints the resident set after
// start-up, at the end (the target: under 150 MB) and at its peak, and
// what the load was.
var ServeLoad = Group{Name: "serve_load", Hidden: true, run: serveLoadBench}

// serveLoadTarget is issue 20's bound on the server's resident set after
// an hour of mixed load, in MB.
const serveLoadTarget = 150

// The share of each kind of request, out of serveLoadMix.
const (
	mixPortal    = 40 // POST /portal/track: a service application's progress
	mixTrack     = 25 // GET /public/events/track: an event's progress
	mixReport    = 10 // POST /api/v1/events
	mixStaff     = 10 // GET /events and GET / with a staff session
	mixAPIRead   = 15 // GET /api/v1/events and /api/v1/persons with a token
	serveLoadMix = mixPortal + mixTrack + mixReport + mixStaff + mixAPIRead
)

func serveLoadBench(v env) error {
	ctx := v.ctx
	duration := v.opt.Duration
	if duration <= 0 {
		duration = 10 * time.Minute
	}
	if v.opt.Binary == "" {
		return fmt.Errorf("serve_load 需要 shequ 可执行文件")
	}
	fix, err := serveLoadFixture(ctx, v)
	if err != nil {
		return err
	}
	// Residents reach the server through a proxy that names them: each
	// request comes from one of many addresses, as from a city's phones,
	// so that the per-address limiters hold what they would in a
	// deployment (and let the lookups through).
	if old, had := os.LookupEnv("SHEQU_TRUSTED_PROXIES"); had {
		defer os.Setenv("SHEQU_TRUSTED_PROXIES", old)
	} else {
		defer os.Unsetenv("SHEQU_TRUSTED_PROXIES")
	}
	os.Setenv("SHEQU_TRUSTED_PROXIES", "127.0.0.1")
	srv, err := startServer(ctx, v.opt.Binary, v.opt.DSN)
	if err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	// Let it settle after the first requests, as after a morning's first
	// visitors: the figure after start-up is a server that has served.
	g := newLoadClient(srv.addr)
	for i := 0; i < 20; i++ {
		g.get("/public/events/track?no=" + url.QueryEscape(fix.tracking[i%len(fix.tracking)]))
	}
	g.close()
	startRSS := statusMB(pid, "VmRSS")

	const clients = 8
	var (
		counts [5]atomic.Int64 // by kind, in the order of the mix
		fails  atomic.Int64
		stop   atomic.Bool
		wg     sync.WaitGroup
		newNos = make(chan string, 1024) // reported events' numbers, looked up in turn
	)
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := newLoadClient(srv.addr)
			defer c.close()
			r := newRand(uint64(w) + 2000)
			tracking := fix.tracking
			for i := 0; !stop.Load() && ctx.Err() == nil; i++ {
				from := "X-Forwarded-For: 10." + strconv.Itoa(r.IntN(64)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
				var status, kind int
				var err error
				switch k := r.IntN(serveLoadMix); {
				case k < mixPortal:
					kind = 0
					key := fix.applications[r.IntN(len(fix.applications))]
					last4 := key[1]
					if i%16 == 15 { // a mistyped number now and then; more would lock the numbers (8 misses in 30 min)
						last4 = wrongDigits(last4)
					}
					status, _, err = c.do("POST", "/portal/track", []string{from, "Content-Type: application/x-www-form-urlencoded"},
						[]byte("no="+url.QueryEscape(key[0])+"&last4="+last4))
				case k < mixPortal+mixTrack:
					kind = 1
					no := tracking[r.IntN(len(tracking))]
					select {
					case n := <-newNos:
						no = n
					default:
					}
					status, _, err = c.do("GET", "/public/events/track?no="+url.QueryEscape(no), []string{from}, nil)
				case k < mixPortal+mixTrack+mixReport:
					kind = 2
					body, _ := json.Marshal(map[string]any{"org_id": fix.places[r.IntN(len(fix.places))],
						"category": fix.categories[r.IntN(len(fix.categories))], "description": "负载测试上报的事件",
						"address": fmt.Sprintf("幸福路%d号", r.IntN(200)), "source": "api"})
					var resp []byte
					status, resp, err = c.do("POST", "/api/v1/events", []string{"Authorization: Bearer " + fix.token,
						"Content-Type: application/json"}, body)
					var got struct {
						TrackingNo string `json:"tracking_no"`
					}
					if err == nil && status == 201 && json.Unmarshal(resp, &got) == nil {
						select {
						case newNos <- got.TrackingNo:
						default:
						}
						status = 200
					}
				case k < mixPortal+mixTrack+mixReport+mixStaff:
					kind = 3
					path := "/events"
					if i%2 == 1 {
						path = "/"
					}
					status, _, err = c.do("GET", path, []string{"Cookie: shequ_session=" + fix.session}, nil)
				default:
					kind = 4
					path := "/api/v1/events?limit=20"
					if i%2 == 1 {
						path = "/api/v1/persons?q=" + url.QueryEscape(fix.names[r.IntN(len(fix.names))]) + "&limit=20"
					}
					status, _, err = c.do("GET", path, []string{"Authorization: Bearer " + fix.token}, nil)
				}
				if err != nil || status != 200 {
					fails.Add(1)
					if err != nil {
						time.Sleep(5 * time.Millisecond)
					}
					continue
				}
				counts[kind].Add(1)
			}
		}(w)
	}
	// Sample the resident set every second until the time is up.
	peak, last := startRSS, startRSS
	tick := time.NewTicker(time.Second)
	deadline := time.After(duration)
sample:
	for {
		select {
		case <-ctx.Done():
			break sample
		case <-deadline:
			break sample
		case <-tick.C:
			if m := statusMB(pid, "VmRSS"); m > 0 {
				last = m
				peak = max(peak, m)
			}
			if time.Since(start) > 0 && int(time.Since(start).Seconds())%60 == 0 {
				fmt.Fprintf(v.logw, "bench serve_load: %s, VmRSS %.0f MB, peak %.0f MB\n", time.Since(start).Round(time.Second), last, peak)
			}
		}
	}
	tick.Stop()
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	end := statusMB(pid, "VmRSS")
	anon, file := statusMB(pid, "RssAnon"), statusMB(pid, "RssFile")
	var total int64
	for i := range counts {
		total += counts[i].Load()
	}
	load := fmt.Sprintf("%d requests in %s by %d clients (%d progress lookups of the service hall, %d of events, %d events reported, %d staff pages, %d API reads; %d failed), load average %.2f",
		total, elapsed.Round(time.Second), clients, counts[0].Load(), counts[1].Load(), counts[2].Load(), counts[3].Load(),
		counts[4].Load(), fails.Load(), loadAverage())
	v.e.emit(Result{Bench: "serve_load_rss_startup", Value: round3(startRSS), Unit: "MB", Note: "VmRSS of shequ serve after start-up and 20 requests"})
	v.e.emit(Result{Bench: "serve_load_rss_end", Value: round3(end), Unit: "MB", N: int(total),
		Note: fmt.Sprintf("VmRSS at the end (target < %d MB after one hour; --duration sets the time): %.0f MB anonymous, %.0f MB of mapped files; %s",
			serveLoadTarget, anon, file, load)})
	v.e.emit(Result{Bench: "serve_load_rss_peak", Value: round3(peak), Unit: "MB", N: int(total), Note: "highest VmRSS sampled each second"})
	v.e.emit(Result{Bench: "serve_load_rate", Value: round3(float64(total) / elapsed.Seconds()), Unit: "requests/s", N: int(total), Note: load})
	return nil
}

// statusMB reads a field of a process's /proc status (VmRSS, RssAnon,
// RssFile) in MB; 0 where the system does not tell.
func statusMB(pid int, field string) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// serveLoadData is what the clients send: the service hall's applications
// (tracking number and phone digits), events' tracking numbers, places and
// categories to report at, person names to search, and a staff member's
// API token and session.
type serveLoadData struct {
	applications [][2]string
	tracking     []string
	places       []int64
	categories   []string
	names        []string
	token        string
	session      string
}

func serveLoadFixture(ctx context.Context, v env) (*serveLoadData, error) {
	db := v.db
	var households int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM households`).Scan(&households); err != nil {
		return nil, err
	}
	if households == 0 {
		fmt.Fprintln(v.logw, "bench: loading chengbei")
		if _, err := demo.Load(ctx, db, demo.Options{Preset: "chengbei", Seed: 1, Today: time.Now()}, nil); err != nil {
			return nil, err
		}
	}
	fix := &serveLoadData{}
	var err error
	if fix.applications, err = lookupKeys(ctx, db); err != nil {
		return nil, err
	}
	strs := func(query string) ([]string, error) {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	if fix.tracking, err = strs(`SELECT tracking_no FROM events ORDER BY id LIMIT 20000`); err != nil {
		return nil, err
	}
	if fix.names, err = strs(`SELECT DISTINCT substr(name, 1, 1) FROM persons ORDER BY 1 LIMIT 200`); err != nil {
		return nil, err
	}
	places, err := strs(`SELECT CAST(id AS TEXT) FROM org_units WHERE level IN ('grid', 'building') ORDER BY id LIMIT 200`)
	if err != nil {
		return nil, err
	}
	for _, p := range places {
		id, _ := strconv.ParseInt(p, 10, 64)
		fix.places = append(fix.places, id)
	}
	cat, err := events.NewStore(db).Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cat.Categories() {
		if c.Parent != "" && c.Active {
			fix.categories = append(fix.categories, c.Code)
		}
	}
	if len(fix.tracking) == 0 || len(fix.places) == 0 || len(fix.categories) == 0 || len(fix.names) == 0 {
		return nil, fmt.Errorf("数据库中缺少事件、网格或人员;请在空数据库上运行以载入 chengbei 预设")
	}
	name := fmt.Sprintf("load%d", time.Now().UnixNano()%1e9)
	u, err := benchUser(ctx, db, name, "负载测试", "admin", nil)
	if err != nil {
		return nil, err
	}
	acc := accounts.NewStore(db)
	if fix.token, _, err = acc.CreateToken(ctx, name, "bench", 0); err != nil {
		return nil, err
	}
	sess, err := acc.StartSession(ctx, *u)
	if err != nil {
		return nil, err
	}
	fix.session = sess.Token
	return fix, nil
}
