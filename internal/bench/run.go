package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/demo"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/server"
)

// Options selects what to measure.
type Options struct {
	DSN string
	// RefDSN is a second database holding the same city (the register
	// group): the same searches run against it in alternation with DSN's,
	// and their p99s are compared (PostgreSQL against SQLite).
	RefDSN  string
	Persons int      // size of the city loaded when Load is set
	Load    bool     // load the city preset first (the database must be empty)
	Queries int      // operations per latency figure
	Binary  string   // the shequ executable, for the start-up measurement
	Groups  []Group  // the groups there are, as the command lists them
	Only    []string // the names of the groups to run; all not Hidden when empty
	Layout  string   // index cards: a4sheet or a6 (the cards group)
	// The events group: how long events are created and by how many
	// clients at once.
	Duration time.Duration
	Workers  int
	// Sources make the entities reports count beside the register's
	// (the reports group), as the server's reports do.
	Sources []indicators.SourceFunc
}

// env is what every group of measurements works with.
type env struct {
	ctx  context.Context
	db   *database.DB
	e    emitter
	opt  Options
	logw io.Writer // progress, not results
	reg  *registerSample
}

// registerSample is the register's size and persons spread over it, read
// once for the groups that ask for it.
type registerSample struct {
	once    sync.Once
	persons int
	sample  []sampled
	err     error
}

// persons returns the number of persons and a sample of them; a database
// without persons is an error.
func (v env) persons() (int, []sampled, error) {
	r := v.reg
	r.once.Do(func() {
		if r.err = v.db.QueryRowContext(v.ctx, `SELECT COUNT(*) FROM persons`).Scan(&r.persons); r.err != nil {
			return
		}
		if r.persons == 0 {
			r.err = fmt.Errorf("数据库中没有人员;请先用 --load 载入 city 预设")
			return
		}
		fmt.Fprintf(v.logw, "bench: %d persons on %s\n", r.persons, v.db.Engine)
		r.sample, r.err = samplePersons(v.ctx, v.db, 500)
	})
	return r.persons, r.sample, r.err
}

// Group is a set of measurements, selected by its name with --only. Each
// capability declares its own in a file of its own; the bench command lists
// the groups it offers.
type Group struct {
	Name string
	// Hidden groups run only when asked for: child processes of other
	// groups, groups that need a database of their own or change it.
	Hidden bool
	run    func(env) error
}

// Register measures the register: person search and detail, subtree
// queries, and the server's start-up.
var Register = Group{Name: "register", run: registerBench}

// Names lists the names of groups, sorted.
func Names(groups []Group) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g.Name)
	}
	sort.Strings(out)
	return out
}

// Run measures and writes results to out; progress goes to logw.
func Run(ctx context.Context, opt Options, out, logw io.Writer) error {
	if opt.Queries <= 0 {
		opt.Queries = 2000
	}
	db, err := database.Open(ctx, opt.DSN)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	e := emitter{w: out, engine: string(db.Engine)}
	if opt.Load {
		start := time.Now()
		sum, err := demo.Load(ctx, db, demo.Options{Preset: "city", Persons: opt.Persons, Seed: 1, Today: time.Now()},
			func(done, total int) {})
		if err != nil {
			return err
		}
		e.emit(Result{Bench: "demo_load_city", Value: time.Since(start).Seconds(), Unit: "s", N: sum.Persons})
	}
	var run []Group
	if len(opt.Only) == 0 {
		for _, g := range opt.Groups {
			if !g.Hidden {
				run = append(run, g)
			}
		}
	}
	for _, name := range opt.Only {
		i := slices.IndexFunc(opt.Groups, func(g Group) bool { return g.Name == name })
		if i < 0 {
			return fmt.Errorf("没有名为 %q 的测量组(可选: %s)", name, strings.Join(Names(opt.Groups), ", "))
		}
		run = append(run, opt.Groups[i])
	}
	v := env{ctx: ctx, db: db, e: e, opt: opt, logw: logw, reg: &registerSample{}}
	for _, g := range run {
		fmt.Fprintf(logw, "bench: %s\n", g.Name)
		if err := g.run(v); err != nil {
			return fmt.Errorf("%s: %w", g.Name, err)
		}
	}
	return nil
}

func registerBench(v env) error {
	persons, sample, err := v.persons()
	if err != nil {
		return err
	}
	if err := searchBench(v.ctx, v.e, v.db, sample, v.opt.Queries, persons); err != nil {
		return err
	}
	if v.opt.RefDSN != "" {
		if err := searchRefBench(v.ctx, v.e, v.db, v.opt.RefDSN, sample, v.opt.Queries, persons); err != nil {
			return err
		}
	}
	if err := detailBench(v.ctx, v.e, v.db, sample, v.opt.Queries, persons); err != nil {
		return err
	}
	if err := subtreeBench(v.ctx, v.e, v.db, v.opt.Queries); err != nil {
		return err
	}
	if v.opt.Binary != "" {
		return serveBench(v.ctx, v.e, v.opt, persons)
	}
	return nil
}

type sampled struct {
	id       int64
	name     string
	idNumber string
	phone    string
}

// samplePersons picks persons spread over the table by id.
func samplePersons(ctx context.Context, db *database.DB, n int) ([]sampled, error) {
	return samplePersonsWhere(ctx, db, n, "1 = 1")
}

// samplePersonsWhere picks n persons meeting cond, spread over them by id.
func samplePersonsWhere(ctx context.Context, db *database.DB, n int, cond string, args ...any) ([]sampled, error) {
	var lo, hi int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM persons WHERE `+cond, args...).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	if hi == 0 {
		return nil, fmt.Errorf("no persons where %s", cond)
	}
	r := newRand(42)
	var out []sampled
	for len(out) < n {
		var s sampled
		q := db.Args(args...) // cond numbers them
		err := db.QueryRowContext(ctx, `SELECT id, name, id_number, phone FROM persons WHERE `+cond+` AND id >= `+
			q.Arg(lo+r.Int64N(hi-lo+1))+` ORDER BY id LIMIT 1`, q.Values()...).Scan(&s.id, &s.name, &s.idNumber, &s.phone)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// searchQueries makes n queries of the kinds people type about the sampled
// persons: a full name, a surname and one given character, six digits of an
// ID number, the last four digits of a phone.
func searchQueries(sample []sampled, n int, seed uint64) []string {
	r := newRand(seed)
	queries := make([]string, n)
	for i := range queries {
		s := sample[r.IntN(len(sample))]
		switch i % 4 {
		case 0:
			queries[i] = s.name
		case 1:
			rs := []rune(s.name)
			queries[i] = string(rs[:min(2, len(rs))])
		case 2:
			queries[i] = s.idNumber[10:16]
		default:
			if len(s.phone) >= 4 {
				queries[i] = s.phone[len(s.phone)-4:]
			} else {
				queries[i] = s.idNumber[14:]
			}
		}
	}
	return queries
}

// searchBench times person search over the whole register.
func searchBench(ctx context.Context, e emitter, db *database.DB, sample []sampled, n, persons int) error {
	reg := register.NewStore(db)
	queries := searchQueries(sample, n, 7)
	// Warm the caches the way a running server's would be.
	for _, q := range queries[:min(50, len(queries))] {
		reg.SearchPersons(ctx, access.Everything, register.PersonQuery{Text: q})
	}
	lat, err := timeIt(ctx, n, func(i int) error {
		_, _, err := reg.SearchPersons(ctx, access.Everything, register.PersonQuery{Text: queries[i], Limit: 20})
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d persons; full names, 2-char prefixes, 6 ID digits, phone last 4", persons)
	e.emit(Result{Bench: "person_search_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	e.emit(Result{Bench: "person_search_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	return nil
}

// engineTarget is issue 20's bound on person search p99 on one engine
// against the same searches on another (PostgreSQL against SQLite).
const engineTarget = 2.0

// searchRefBench runs the same searches against db and the database at
// refDSN, alternating search by search, and compares their p99s. The queries are made from
// db's sample; the two databases hold the same generated city.
func searchRefBench(ctx context.Context, e emitter, db *database.DB, refDSN string, sample []sampled, n, persons int) error {
	ref, err := database.Open(ctx, refDSN)
	if err != nil {
		return err
	}
	defer ref.Close()
	if _, err := ref.Migrate(ctx); err != nil {
		return err
	}
	var refPersons int
	if err := ref.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons`).Scan(&refPersons); err != nil {
		return err
	}
	queries := searchQueries(sample, n, 7)
	stores := []*register.Store{register.NewStore(db), register.NewStore(ref)}
	for _, q := range queries {
		for _, s := range stores {
			if _, _, err := s.SearchPersons(ctx, access.Everything, register.PersonQuery{Text: q, Limit: 20}); err != nil {
				return err
			}
		}
	}
	figure, refFig := interleaved(func(ctx context.Context) (float64, float64, error) {
		return pairedP99(ctx, len(queries), func(side, i int) error {
			_, _, err := stores[side].SearchPersons(ctx, access.Everything, register.PersonQuery{Text: queries[i], Limit: 20})
			return err
		})
	})
	_, err = e.compare(ctx, Comparison{
		Bench:     "search_" + engineShort(db.Engine) + "_vs_" + engineShort(ref.Engine),
		Reference: fmt.Sprintf("the same searches on %s (%d persons)", ref.Engine, refPersons),
		Unit:      "ms", Target: engineTarget, AtMost: true, Rounds: 5,
		Figure: figure, Ref: refFig,
		Note: fmt.Sprintf("p99 over %d searches, %d persons; full names, 2-char prefixes, 6 ID digits, phone last 4", n, persons),
	})
	return err
}

func engineShort(e database.Engine) string {
	if e == database.Postgres {
		return "pg"
	}
	return string(e)
}

// subtreeBench times subtree questions on the org tree: the units of a
// street, and the register counts of a community and of a street.
func subtreeBench(ctx context.Context, e emitter, db *database.DB, n int) error {
	var units int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units`).Scan(&units)
	var streets, communities []int64
	for _, q := range []struct {
		level string
		dst   *[]int64
	}{{"street", &streets}, {"community", &communities}} {
		rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = $1`, q.level)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			*q.dst = append(*q.dst, id)
		}
		rows.Close()
	}
	if len(streets) == 0 || len(communities) == 0 {
		return nil
	}
	org := orgtree.NewStore(db)
	lat, err := timeIt(ctx, n, func(i int) error {
		_, err := org.CountDescendants(ctx, streets[i%len(streets)])
		return err
	})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d org units; count a street's subtree by level", units)
	e.emit(Result{Bench: "org_subtree_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	reg := register.NewStore(db)
	acs := access.NewService(db)
	lat, err = timeIt(ctx, min(n, 200), func(i int) error {
		scope, err := acs.Narrow(ctx, access.Everything, communities[i%len(communities)])
		if err != nil {
			return err
		}
		_, err = reg.Stats(ctx, scope)
		return err
	})
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "community_stats_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "register counts of one community (~3,000 households)"})
	return nil
}

// benchPassword is the password of every throwaway account a bench makes.
const benchPassword = "bench-password-1"

// benchUser makes a throwaway account, name, with a role at units.
func benchUser(ctx context.Context, db *database.DB, name, display, role string, units []int64) (*accounts.User, error) {
	u := &accounts.User{Name: name, DisplayName: display}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if err := accounts.NewStore(db).AddUser(ctx, tx, u, benchPassword); err != nil {
			return err
		}
		return access.NewService(db).AddGrant(ctx, tx, &access.Grant{UserID: u.ID, Role: role, Units: units, CreatedBy: "bench"})
	})
	return u, err
}

// benchToken makes a throwaway user with a role at units and an API token
// for it.
func benchToken(ctx context.Context, db *database.DB, role string, units []int64) (string, error) {
	name := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	if _, err := benchUser(ctx, db, name, "", role, units); err != nil {
		return "", err
	}
	secret, _, err := accounts.NewStore(db).CreateToken(ctx, name, "bench", 0)
	return secret, err
}

// detailBench times GET /api/v1/persons/{id} over loopback HTTP against the
// real handler, with a real token.
func detailBench(ctx context.Context, e emitter, db *database.DB, sample []sampled, n, persons int) error {
	secret, err := benchToken(ctx, db, "admin", nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := server.New(db, log, server.Config{})
	defer app.Close()
	h := app.Handler
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	base := "http://" + ln.Addr().String()
	r := newRand(9)
	get := func(id int64) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/persons/"+strconv.FormatInt(id, 10), nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET person: %s", resp.Status)
		}
		return nil
	}
	for i := 0; i < 50; i++ {
		get(sample[i%len(sample)].id)
	}
	lat, err := timeIt(ctx, n, func(int) error { return get(sample[r.IntN(len(sample))].id) })
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d persons; GET /api/v1/persons/{id} over loopback with a bearer token", persons)
	e.emit(Result{Bench: "person_detail_api_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	e.emit(Result{Bench: "person_detail_api_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: note})
	return nil
}

// serveBench starts `shequ serve` as its own process, times until /healthz
// answers, runs a burst of searches and detail reads, and reads its RSS.
func serveBench(ctx context.Context, e emitter, opt Options, persons int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	cmd := exec.CommandContext(ctx, opt.Binary, "serve", "--db", opt.DSN, "--addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	var ready time.Duration
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				ready = time.Since(start)
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			return fmt.Errorf("shequ serve did not answer within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.emit(Result{Bench: "serve_startup", Value: float64(ready.Microseconds()) / 1000, Unit: "ms", Note: fmt.Sprintf("%d persons; process start to first /healthz 200", persons)})
	// Exercise the server so the RSS reflects a working process, not an idle one.
	for i := 0; i < 200; i++ {
		resp, err := http.Get("http://" + addr + "/api/v1/openapi.json")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	rss, err := rssMB(cmd.Process.Pid)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "serve_rss", Value: rss, Unit: "MB", Note: fmt.Sprintf("%d persons; VmRSS after start-up and 200 requests", persons)})
	return nil
}

func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "kB")), 64)
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
