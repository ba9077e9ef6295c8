package visitsweb

import (
	"compress/gzip"
	"embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/visits"
	"shequ/internal/web"
)

// The offline phone: the worker's package (today's list and the households
// of their grids, masked as on the pages), a service worker that keeps the
// pages, scripts and package for when there is no network, the script
// that opens households and records visits from the package into a queue
// on the phone, and the sync that saves the queue when the network is
// back. Every page still works online without script as before.

// The page script is a file of internal/web/static like every page's
// (offline.js); the service worker is served here, under /visits, so that
// it may control the visit pages.
//
//go:embed static/sw.js
var scriptFS embed.FS

// serviceWorker serves the service worker's script: never kept by the
// browser's cache (it checks for a new version on each visit), and allowed
// to control /visits itself, not only what lies below it.
func serviceWorker() http.Handler {
	b, err := scriptFS.ReadFile("static/sw.js")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Service-Worker-Allowed", "/visits")
		w.Write(b)
	})
}

// offlinePackage answers the viewer's own package, gzip-compressed when the
// phone accepts it. One audit entry names how many households went out.
func (h *handler) offlinePackage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ws, err := h.Visits.WorkersOfUser(r.Context(), rq.User.ID)
	if err == nil && len(ws) == 0 {
		err = fault.New(fault.NotFound, "您不是网格员,没有离线包")
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	p, err := h.Visits.OfflinePackage(r.Context(), rq.Read(), ws[0], rq.Actor.Name)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(p.Households)
	rq.Audit.Detail = "离线包 " + strconv.Itoa(len(p.Households)) + " 户"
	body := struct {
		visits.Package
		CSRF string `json:"csrf"` // for the sync the page sends with the session
	}{p, rq.Session.CSRF}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	// Personal data: no shared cache and no browser cache keeps it; the
	// service worker keeps the one copy the phone works from.
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Vary", "Accept-Encoding")
	if !acceptsGzip(r) {
		json.NewEncoder(w).Encode(body)
		return
	}
	hd.Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	json.NewEncoder(zw).Encode(body)
	zw.Close()
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// offlineShell is the page the service worker shows for any visit page
// when there is no network: the script fills it from the package.
func (h *handler) offlineShell(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.tmpl.Render(w, r, http.StatusOK, "offline", web.NewPage(rq, "离线走访", "visits", nil))
}

// maxSyncBody holds a batch of visits.MaxBatch records with long notes.
const maxSyncBody = 4 << 20

// sync saves a batch the page's script sends with the session: the form
// carries the CSRF token and the batch as JSON in "batch".
func (h *handler) sync(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	var batch []visits.Observation
	if err := json.Unmarshal([]byte(r.PostFormValue("batch")), &batch); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "同步内容格式不对"})
		return
	}
	got, err := h.Visits.Sync(r.Context(), visits.Visitor{UserID: rq.User.ID, Name: rq.Actor.Name, Scope: rq.Write()}, batch)
	if err != nil {
		writeJSON(w, web.Status(err), map[string]any{"error": fault.Message(err), "fields": fault.FieldsOf(err)})
		return
	}
	rq.Audit.Rows = len(got)
	writeJSON(w, http.StatusOK, map[string]any{"results": got})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
