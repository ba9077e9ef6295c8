package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/demo"
	"shequ/internal/register"
	"shequ/internal/server"
	"shequ/internal/services"
)

// Services and Cards work on 城北 (an empty database is loaded with it),
// not on the city the other groups measure; Cards is the child process of
// Services. They run only when asked for.
var (
	Services = Group{Name: "services", Hidden: true, run: func(v env) error {
		return servicesBench(v.ctx, v.opt, v.db, v.e, v.logw)
	}}
	Cards = Group{Name: "cards", Hidden: true, run: func(v env) error { return cardsBench(v.ctx, v.db, v.e, v.opt.Layout) }}
)

// servicesBench measures the service hall (shequ bench --only services):
// batch index cards for every household of 城北 as one PDF (time and peak
// RSS, each layout in a child process of its own so the figure is the
// batch's alone) and the public progress lookup (throughput and latency).
// An empty database is first loaded with the chengbei preset.
func servicesBench(ctx context.Context, opt Options, db *database.DB, e emitter, logw io.Writer) error {
	var households int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM households`).Scan(&households); err != nil {
		return err
	}
	if households == 0 {
		fmt.Fprintln(logw, "bench: loading chengbei")
		if _, err := demo.Load(ctx, db, demo.Options{Preset: "chengbei", Seed: 1, Today: time.Now()}, nil); err != nil {
			return err
		}
	}
	if opt.Binary != "" {
		for _, layout := range []string{services.CardsA4Sheet, services.CardsA6} {
			cmd := exec.CommandContext(ctx, opt.Binary, "bench", "--db", opt.DSN, "--only", "cards", "--layout", layout)
			cmd.Stdout, cmd.Stderr = e.w, logw
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("index cards (%s): %w", layout, err)
			}
		}
	}
	if err := lookupBench(ctx, e, db, opt.Queries); err != nil {
		return err
	}
	return httpLookupBench(ctx, e, db, opt.Queries)
}

// cardsBench writes the index cards of the first community's households
// (城北: 7,891) as one PDF to a temporary file and reports the time and the
// process's peak RSS.
func cardsBench(ctx context.Context, db *database.DB, e emitter, layout string) error {
	var community int64
	var name string
	if err := db.QueryRowContext(ctx, `SELECT id, name FROM org_units WHERE level = 'community' ORDER BY id LIMIT 1`).
		Scan(&community, &name); err != nil {
		return err
	}
	svc := services.New(db, register.NewStore(db), services.Options{PublicURL: "https://shequ.example.gov.cn"})
	f, err := os.CreateTemp("", "cards-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	start := time.Now()
	cards, err := svc.Cards(ctx, access.Everything, community)
	if err != nil {
		return err
	}
	if err := svc.WriteCards(f, cards, layout); err != nil {
		return err
	}
	elapsed := time.Since(start)
	st, _ := f.Stat()
	note := fmt.Sprintf("%s, %d households, %.1f MB PDF", name, len(cards), float64(st.Size())/1e6)
	e.emit(Result{Bench: "services_cards_" + layout, Value: elapsed.Seconds(), Unit: "s", N: len(cards), Note: note})
	e.emit(Result{Bench: "services_cards_" + layout + "_peak_rss", Value: peakRSSMB(), Unit: "MB", N: len(cards)})
	return nil
}

// peakRSSMB reads this process's peak resident set (VmHWM) in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// lookupBench runs the public progress lookup (tracking number + last four
// phone digits) from as many workers as there are cores, three in four with
// the right digits and one with wrong ones, and reports lookups per second
// and the latency percentiles.
func lookupBench(ctx context.Context, e emitter, db *database.DB, n int) error {
	if n < 20000 {
		n = 20000
	}
	keys, err := lookupKeys(ctx, db)
	if err != nil {
		return err
	}
	svc := services.New(db, register.NewStore(db), services.Options{})
	workers := runtime.GOMAXPROCS(0) * 2
	per := n / workers
	lat := make([]latencies, workers)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := newRand(uint64(w + 1))
			l, err := timeIt(ctx, per, func(i int) error {
				k := keys[r.IntN(len(keys))]
				last4 := k[1]
				if i%4 == 3 {
					last4 = wrongDigits(k[1])
				}
				_, err := svc.Lookup(ctx, k[0], last4)
				if err == services.ErrNoMatch && i%4 == 3 {
					return nil
				}
				return err
			})
			mu.Lock()
			lat[w] = l
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	var all latencies
	for _, l := range lat {
		all = append(all, l...)
	}
	note := fmt.Sprintf("%d workers over %d applications, a quarter with wrong digits; Service.Lookup, no HTTP", workers, len(keys))
	e.emit(Result{Bench: "services_lookup_throughput", Value: float64(len(all)) / elapsed.Seconds(), Unit: "lookups/s", N: len(all), Note: note})
	e.emit(Result{Bench: "services_lookup_p50", Value: all.pct(0.50), Unit: "ms", N: len(all)})
	e.emit(Result{Bench: "services_lookup_p99", Value: all.pct(0.99), Unit: "ms", N: len(all)})
	return nil
}

// httpLookupBench runs the same lookups as a resident's phone does: POST
// /portal/track over loopback HTTP to the assembled server (limiter,
// lookup, rendering of the progress page), from as many keep-alive clients
// as lookupBench has workers, in rounds alternating with a trivial handler
// answering a page of the same size to the same client. The limiter is
// configured to let the bench's one address through — with the default
// limits a single address gets 30 lookups and then 20 a minute; the
// limiter's bookkeeping still runs.
func httpLookupBench(ctx context.Context, e emitter, db *database.DB, n int) error {
	if n < 20000 {
		n = 20000
	}
	keys, err := lookupKeys(ctx, db)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := server.New(db, log, server.Config{Lookups: services.NewLimiter(1<<30, 1<<30, 1<<30, time.Minute)})
	defer app.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: app.Handler}
	go srv.Serve(ln)
	defer srv.Close()
	workers := runtime.GOMAXPROCS(0) * 2
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	lookup := func(base, no, last4 string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/portal/track", strings.NewReader("no="+no+"&last4="+last4))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		size, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("POST /portal/track: %s", resp.Status)
		}
		return int(size), err
	}
	hall := "http://" + ln.Addr().String()
	// Warm up the connections and the page cache, and read the pages'
	// sizes: the reference answers with their mean, a quarter of the
	// lookups having wrong digits.
	var right, wrong int
	for i := 0; i < 100; i++ {
		k := keys[i%len(keys)]
		size, err := lookup(hall, k[0], k[1])
		if err != nil {
			return err
		}
		right = size
	}
	if wrong, err = lookup(hall, keys[0][0], wrongDigits(keys[0][1])); err != nil {
		return err
	}
	page := (3*right + wrong) / 4
	refAddr, stopRef, err := serveReferenceHere(ReferencePage{Status: http.StatusOK, ContentType: "text/html; charset=utf-8", Size: page})
	if err != nil {
		return err
	}
	defer stopRef()
	ref := "http://" + refAddr
	const rounds = 3
	per := max(n/workers, 1) // lookups a round
	var all latencies
	var took time.Duration
	roundOf := func(base string, mine bool) func(context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			lat := make([]latencies, workers)
			errs := make([]error, workers)
			var wg sync.WaitGroup
			start := time.Now()
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					r := newRand(uint64(w + 100))
					lat[w], errs[w] = timeIt(ctx, per, func(i int) error {
						k := keys[r.IntN(len(keys))]
						last4 := k[1]
						if i%4 == 3 {
							last4 = wrongDigits(k[1])
						}
						_, err := lookup(base, k[0], last4)
						return err
					})
				}(w)
			}
			wg.Wait()
			elapsed := time.Since(start)
			count := 0
			for w := range lat {
				if errs[w] != nil {
					return 0, errs[w]
				}
				count += len(lat[w])
				if mine {
					all = append(all, lat[w]...)
				}
			}
			if mine {
				took += elapsed
			}
			return float64(count) / elapsed.Seconds(), nil
		}
	}
	if _, err := e.compare(ctx, Comparison{Bench: "services_lookup_http_vs_trivial", Unit: "lookups/s", Target: 0.5, Rounds: rounds,
		Reference: fmt.Sprintf("a trivial net/http handler in this process reading the same POST and answering %d bytes of HTML, the mean size of the real pages", page),
		Figure:    roundOf(hall, true), Ref: roundOf(ref, false),
		Note: fmt.Sprintf("POST /portal/track, %d keep-alive net/http clients, %d lookups a round, a quarter with wrong digits", workers, per*workers)}); err != nil {
		return err
	}
	note := fmt.Sprintf("%d keep-alive clients over %d applications, a quarter with wrong digits; POST /portal/track over loopback HTTP (limiter, lookup, page), shequ's rounds together", workers, len(keys))
	e.emit(Result{Bench: "services_lookup_http_throughput", Value: float64(len(all)) / took.Seconds(), Unit: "lookups/s", N: len(all), Note: note})
	e.emit(Result{Bench: "services_lookup_http_p50", Value: all.pct(0.50), Unit: "ms", N: len(all)})
	e.emit(Result{Bench: "services_lookup_http_p99", Value: all.pct(0.99), Unit: "ms", N: len(all)})
	return nil
}

func wrongDigits(last4 string) string {
	if last4 == "0000" {
		return "9999"
	}
	return "0000"
}

// lookupKeys reads every application's tracking number and phone digits.
func lookupKeys(ctx context.Context, db *database.DB) ([][2]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT tracking_no, phone_last4 FROM service_applications ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("数据库中没有办件;请在空数据库上运行以载入 chengbei 预设")
	}
	return keys, nil
}
