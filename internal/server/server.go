// Package server assembles the HTTP handler — web pages, the JSON API and
// health checks — with the middleware every request passes: security
// headers, panic recovery and request logging without personal data.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/access/adminweb"
	"shequ/internal/accounts"
	"shequ/internal/api"
	"shequ/internal/archive"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/datareq"
	"shequ/internal/datareq/datareqweb"
	"shequ/internal/disclosure/disclosureweb"
	"shequ/internal/events"
	"shequ/internal/events/eventsweb"
	"shequ/internal/exports"
	"shequ/internal/exports/exportsweb"
	"shequ/internal/imports"
	"shequ/internal/imports/importsweb"
	"shequ/internal/indicators"
	"shequ/internal/notify"
	"shequ/internal/open311"
	"shequ/internal/orgtree"
	"shequ/internal/orgtree/orgweb"
	"shequ/internal/partymembers"
	"shequ/internal/partymembers/partyweb"
	"shequ/internal/register"
	"shequ/internal/register/registerweb"
	"shequ/internal/reports"
	"shequ/internal/reports/reportsweb"
	"shequ/internal/satisfaction"
	"shequ/internal/services"
	"shequ/internal/services/hallweb"
	"shequ/internal/services/portalweb"
	"shequ/internal/socialorgs"
	"shequ/internal/visits"
	"shequ/internal/visits/visitsweb"
	"shequ/internal/volunteers"
	"shequ/internal/web"
	"shequ/internal/workaccess"
	"shequ/internal/workaccess/workaccessweb"
	"shequ/internal/workbench"
	"shequ/internal/workbench/workbenchweb"
	"shequ/internal/workforce"
	"shequ/internal/workforce/workforceweb"
)

// Config configures a server.
type Config struct {
	Addr          string
	SecureCookies bool
	// PublicURL is the address residents reach the portal at, printed in
	// QR codes and SMS ("https://shequ.example.gov.cn"); empty: http://Addr.
	PublicURL string
	// Lookups limits the public progress lookup; nil: services.DefaultLimiter.
	Lookups *services.Limiter
	// SMS sends notifications; nil logs them (notify.LogSender).
	SMS notify.Sender
	// ImportDir is where uploaded lists wait for their import; a temporary
	// directory when empty. ImportMaxMB and ImportMaxRows bound a list (0:
	// the defaults).
	ImportDir     string
	ImportMaxMB   int
	ImportMaxRows int
	// Zone is the deployment's time zone: pages and PDFs show every time in
	// it. nil: Asia/Shanghai.
	Zone *time.Location
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for the login throttle and the audit log); from anyone
	// else the header is ignored.
	TrustedProxies web.Proxies
	// Now is the clock of the rules that wait days (a certificate's public
	// notice, a shift's window); nil: time.Now. Set ahead only to rehearse.
	Now func() time.Time
}

// App is the assembled application: its handler, the table of its routes
// and what must be closed when it stops.
type App struct {
	Handler    http.Handler
	Routes     *web.Routes
	Access     *access.Service
	Audit      *audit.Log
	Services   *services.Service
	Events     *events.Store
	Imports    *imports.Service
	Visits     *visits.Service
	Volunteers *volunteers.Service

	stopNotify func() // stops the notification dispatcher and waits for it
	stopEvents func() // stops the 督办 scheduler and waits for it
	stopVisits func() // stops the schedules' follower and waits for it
	stopParty  func() // stops the party members' reminder pass and waits for it
	stopDisc   func() // stops the 居务公开 pass and waits for it
}

// IndicatorSources make the entities of the capabilities whose records
// reports count beside the register's and the org tree's: 事件, 办件, 走访
// and 走访任务, and the residents' ratings of them (群众满意度).
// The server's reports, `shequ report` and the reports benchmark use them.
func IndicatorSources() []indicators.SourceFunc {
	return []indicators.SourceFunc{events.NewIndicatorSource, services.NewIndicatorSource, visits.NewIndicatorSource,
		partymembers.NewIndicatorSource,
		workforce.NewIndicatorSource,
		volunteers.NewIndicatorSource,
		socialorgs.NewIndicatorSource,
		satisfaction.NewIndicatorSource}
}

// WorkbenchSources are the capabilities' parts of the workbench, in the
// order of its sections: events, the service hall's queues, the imports'
// conflicts, the reports to confirm, the 准入 requests to decide.
func WorkbenchSources(ev *events.Store, svc *services.Service, imp *imports.Service, rep *reports.Service, work *workaccess.Service) []workbench.Source {
	return []workbench.Source{ev, svc, imp, rep, work}
}

// New assembles the application on db. Close it to write the audit entries
// still queued.
func New(db *database.DB, log *slog.Logger, cfg Config) *App {
	reg := register.NewStore(db)
	org := orgtree.NewStore(db)
	acc := accounts.NewStore(db)
	acs := access.NewService(db)
	aud := audit.New(db, log)
	for _, e := range register.Entities() {
		acs.Resolve(e, reg.Resolver(e))
	}
	acs.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		community, grid, err := org.Place(ctx, id)
		if errors.Is(err, orgtree.ErrNotFound) {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: community, Grid: grid, Org: id}, err
	})
	imp := imports.NewService(db)
	if cfg.ImportDir != "" {
		imp.SpoolDir = cfg.ImportDir
	}
	if cfg.ImportMaxMB > 0 {
		imp.Limits.MaxBytes = int64(cfg.ImportMaxMB) << 20
	}
	if cfg.ImportMaxRows > 0 {
		imp.Limits.MaxRows = cfg.ImportMaxRows
	}
	acs.Resolve("import", imp.ImportPlace)
	acs.Resolve("conflict", imp.ConflictPlace)
	exp := exports.NewService(db)
	work := workaccess.NewService(db, nil)
	svc, wakeNotify, stopNotify := serviceHall(db, reg, acs, log, cfg)
	ev, stopEvents := eventsApp(db, acs, log, cfg)
	ev.Queued = wakeNotify // an event's SMS go out once it is committed, not at the dispatcher's next look
	vs, stopVisits := visitsApp(db, reg, log)
	vs.UseEvents(ev)     // 报事件: a need found on a visit becomes an event
	work.CountVisits(vs) // visits are the work done of the catalogue's visit item
	certs := volunteerCertificates(db, acs, cfg)
	// 在职党员双报到: the pairing visits are visits of 百家熟.
	party, stopParty := partyApp(db, reg, vs, log)
	work.CountParty(party) // staff's acts of 双报到 are the work done of the catalogue's party item
	wf := workforce.NewService(db, nil)
	acs.Resolve("staff", wf.Resolve) // a person of the roster, by any of their assignments
	vol := volunteersApp(db, cfg)
	work.CountVolunteers(vol) // volunteer activities held are the work done of the catalogue's volunteer item
	// 居民身份核验: the resident's session, for 议事协商 and surveys.
	res := residentsApp(db, cfg)
	so := socialOrgsApp(db, cfg)
	fs := fundsApp(db, cfg) // 社区经费
	disc, stopDisc := disclosureApp(db, log, cfg.Now)
	prop := proposalsApp(db, cfg)                 // 议事协商
	surv := surveysApp(db, cfg)                   // 问卷调查
	prop.UseEvents(ev)                            // a decision's follow-up is filed as an event
	sat := satisfactionApp(db, org, vs, vol, cfg) // 群众满意度
	proc := procurementApp(db, cfg, fs)           // 政府购买服务, paid from 社区经费
	prop.UseProjects(decisionProjects{proc})      // a decision's account shows the projects carrying it out
	arch := &archive.Registry{}
	svc.Contribute(arch)
	rt := web.NewRoutes()
	rt.Handle("GET /healthz", access.Rule{Public: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	}))
	rep := reports.New(db, aud, IndicatorSources()...)
	disc.WithFigures(rep.PeriodFigures)   // 居务公开 publishes report figures
	disc.WithFinances(fs.PublicStatement) // and 财务公开 the funds' statements
	work.CountReports(rep)
	throttle := accounts.NewThrottle()
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: aud, Throttle: throttle, Log: log,
		SecureCookies: cfg.SecureCookies, Zone: cfg.Zone})
	kit.Routes(rt)
	open311.Routes(rt, kit, open311.Deps{Events: ev, Org: org, Audit: aud, Log: log, BaseURL: publicURL(cfg)})
	api.Routes(rt, kit, api.Deps{Register: reg, Org: org, Access: acs, Audit: aud, Log: log, Services: svc,
		Events: ev, Exports: exp, Reports: rep, Work: work, Visits: vs, Party: party,
		Workforce: wf, Volunteers: vol, SocialOrgs: so, Disclosures: disc, Proposals: prop,
		Surveys: surv, Funds: fs})
	registerweb.Routes(rt, kit, registerweb.Deps{Register: reg, Org: org, Access: acs, Audit: aud, Log: log,
		Services: svc, Archive: arch, NoHome: true})
	workbenchweb.Routes(rt, kit, workbenchweb.Deps{Org: org, Sources: append(WorkbenchSources(ev, svc, imp, rep, work), party, disc, prop, fs),
		Comparers: []workbench.Comparer{ev, svc}})
	reportsweb.Routes(rt, kit, reportsweb.Deps{Reports: rep, Org: org, Audit: aud})
	hallweb.Routes(rt, kit, hallweb.Deps{Services: svc, Register: reg, Org: org, Access: acs})
	portalweb.Routes(rt, kit, portalweb.Deps{Services: svc, Lookups: cfg.Lookups})
	eventsweb.Routes(rt, kit, eventsweb.Deps{Events: ev, Org: org, Log: log})
	adminweb.Routes(rt, kit, adminweb.Deps{Accounts: acc, Access: acs, Register: reg})
	importsweb.Routes(rt, kit, importsweb.Deps{Imports: imp, Register: reg})
	exportsweb.Routes(rt, kit, exportsweb.Deps{Exports: exp, Register: reg})
	workaccessweb.Routes(rt, kit, workaccessweb.Deps{Work: work})
	visitsweb.Routes(rt, kit, visitsweb.Deps{Visits: vs, Register: reg})
	partyweb.Routes(rt, kit, partyweb.Deps{Party: party})
	workforceweb.Routes(rt, kit, workforceweb.Deps{Workforce: wf})
	volunteerRoutes(rt, kit, vol, certs, cfg)
	residentRoutes(rt, kit, res)
	socialOrgRoutes(rt, kit, so)
	fundRoutes(rt, kit, fs)
	disclosureweb.Routes(rt, kit, disclosureweb.Deps{Disclosure: disc})
	proposalRoutes(rt, kit, prop, res)
	surveyRoutes(rt, kit, surv, res)
	satisfactionRoutes(rt, kit, sat, res)
	procurementRoutes(rt, kit, proc)
	datareqweb.Routes(rt, kit, datareqweb.Deps{Data: datareq.NewService(db, rep, work, nil)})
	orgweb.Routes(rt, kit, orgweb.Deps{Manager: orgtree.NewManager(org, orgtree.Followers{reg, imp})})
	rf := refuser{kit}
	handler := logRequests(log, rf.recoverPanics(log, securityHeaders(rf.limitHeaders(rf.cleanQuery(rt)))))
	if len(cfg.TrustedProxies) == 0 {
		handler = warnUntrustedProxy(log, handler)
	}
	return &App{Handler: web.TrustProxies(cfg.TrustedProxies, handler), Routes: rt, Access: acs,
		Audit: aud, Services: svc, Events: ev, Imports: imp, Visits: vs, Volunteers: vol, stopNotify: stopNotify, stopEvents: stopEvents,
		stopVisits: stopVisits, stopParty: stopParty, stopDisc: stopDisc}
}

// Close stops the imports running in the background (they resume from
// their checkpoint on the next start), the 督办 scheduler and the
// notification dispatcher, and writes the audit entries still queued.
func (a *App) Close() {
	a.Imports.Stop()
	a.stopEvents()
	a.stopVisits()
	a.stopParty()
	a.stopDisc()
	a.stopNotify()
	a.Audit.Close()
}

// ResumeImports starts again the imports a stopped server left unfinished.
func (a *App) ResumeImports(ctx context.Context) error {
	return a.Imports.ResumeInterrupted(ctx, a.Access.Viewer)
}

// warnUntrustedProxy says once that requests come through a reverse proxy
// no one named: every client then has the proxy's address, so one guesser
// slows the logins of everyone behind it and the audit log cannot tell
// people apart.
func warnUntrustedProxy(log *slog.Logger, next http.Handler) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Forwarded-For") != "" {
			once.Do(func() {
				log.Warn("requests carry X-Forwarded-For but no trusted proxy is set (--trusted-proxies or SHEQU_TRUSTED_PROXIES): clients are seen at the proxy's address",
					"peer", web.ClientAddr(r))
			})
		}
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(self), microphone=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

func (rf refuser) recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The stack names code, not data; the panic value might hold
				// personal data, so only its type is logged.
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "type", typeName(v), "stack", string(debug.Stack()))
				rf.refuse(w, r, http.StatusInternalServerError, "", "服务器内部错误,请稍后再试")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func typeName(v any) string {
	if err, ok := v.(error); ok {
		return "error:" + strings.SplitN(err.Error(), ":", 2)[0]
	}
	return "value"
}

// logRequests logs method, path, status and duration. Query strings are not
// logged: searches carry names, ID numbers and phone numbers.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &web.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.Status,
			"ms", time.Since(start).Milliseconds())
	})
}

// Serve listens on addr and serves h until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
