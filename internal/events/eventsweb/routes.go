// Package eventsweb serves the pages of events (事件): the work queue, lists,
// the report form a grid worker fills on a phone, each event's page with the
// actions the viewer may take now, the map of open events, the KPIs, the
// settings, and the residents' pages to report a problem and follow it.
// Staff with events.read reach an event at /events/{id}; department staff,
// who see only what is dispatched to them, at /events/tasks/{id}.
package eventsweb

import (
	"embed"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the events pages need.
type Deps struct {
	Events *events.Store
	Org    *orgtree.Store
	Log    *slog.Logger // nil: slog.Default()
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
	// Lookups of tracking numbers that do not exist, and residents' reports,
	// are limited per address: numbers cannot be found by trying.
	lookupMisses  *events.MissLimiter
	publicReports *events.MissLimiter
}

// maxEventUpload bounds a form with photos: six photos of 10 MB and the text.
const maxEventUpload = events.MaxPhotos*events.MaxUpload + 1<<20

// Routes registers the events pages, their navigation entry and their
// flash messages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, templateFuncs()),
		lookupMisses:  events.NewMissLimiter(10, time.Minute),   // 10 wrong numbers, then one a minute
		publicReports: events.NewMissLimiter(10, 6*time.Minute), // 10 reports, then ten an hour
	}
	k.AddFlashes(map[string]string{"reported": "已上报", "done": "已办理", "rated": "感谢您的评价"})
	k.AddRecordNamer("event", d.Events.TrackingNos)

	login := access.Rule{Login: true}
	read := access.Rule{Perm: events.PermRead, Object: "event", Audit: audit.View}
	task := access.Rule{Perm: events.PermHandle, Object: "event", Audit: audit.View}
	change := func(r access.Rule) access.Rule { r.Audit = ""; return r }
	k.AddNav("events", "事件", "/events", events.PermRead+"|"+events.PermHandle)
	k.Handle(rt, "GET /events", login, h.eventQueue)
	k.Handle(rt, "GET /events/all", access.Rule{Login: true, Audit: audit.Search}, h.eventList)
	k.Handle(rt, "GET /events/map", access.Rule{Perm: events.PermRead}, h.eventMap)
	k.Handle(rt, "GET /events/kpi", login, h.eventKPI)
	k.Handle(rt, "GET /events/new", access.Rule{Perm: events.PermReport}, h.newEventForm)
	k.HandleWithBody(rt, "POST /events/new", access.Rule{Perm: events.PermReport}, maxEventUpload, h.createEvent)
	for _, base := range []struct {
		prefix string
		rule   access.Rule
	}{{"/events/{id}", read}, {"/events/tasks/{id}", task}} {
		k.Handle(rt, "GET "+base.prefix, base.rule, h.eventPage)
		k.HandleWithBody(rt, "POST "+base.prefix+"/act", change(base.rule), maxEventUpload, h.eventAct)
		k.Handle(rt, "GET "+base.prefix+"/photos/{photo}", base.rule, h.eventPhoto)
		k.Handle(rt, "POST "+base.prefix+"/mediation", change(base.rule), h.saveMediation)
		k.Handle(rt, "POST "+base.prefix+"/sessions", change(base.rule), h.addMediationSession)
	}

	// Settings (events.manage): categories, time limits per step and
	// urgency, the 督办 settings and who receives notices.
	manage := access.Rule{Perm: events.PermManage}
	k.Handle(rt, "GET /events/manage", manage, h.eventManage)
	k.Handle(rt, "POST /events/manage/category", manage, h.saveCategory)
	k.Handle(rt, "POST /events/manage/limits", manage, h.saveLimits)
	k.Handle(rt, "POST /events/manage/settings", manage, h.saveEventSettings)
	k.Handle(rt, "POST /events/manage/contacts", manage, h.addContact)
	k.Handle(rt, "POST /events/manage/contacts/{contact}/delete", manage, h.deleteContact)

	// Residents' pages, without an account.
	k.HandlePublic(rt, "GET /public/events", h.publicReportForm)
	k.HandlePublic(rt, "POST /public/events", h.publicReport)
	k.HandlePublic(rt, "GET /public/events/track", h.publicTrack)
	k.HandlePublic(rt, "POST /public/events/rate", h.publicRate)
	k.HandlePublic(rt, "GET /public/events/photos/{no}/{photo}", h.publicPhoto)
	k.HandlePublic(rt, "GET /public/events/map/{unit}", h.tapMapSVG)
	// The residents' portal links here ("反映问题"), with its community.
	k.HandlePublic(rt, "GET /report", func(w http.ResponseWriter, r *http.Request) {
		to := "/public/events"
		if c, err := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64); err == nil && c > 0 {
			to += "?org=" + strconv.FormatInt(c, 10)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	})
}
