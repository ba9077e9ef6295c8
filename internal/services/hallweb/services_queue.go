package hallweb

import (
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The queues of the service hall: the cases waiting at each level (and at
// the window), the earliest stage deadline first with overdue ones marked,
// and the cases a 代办员 carries across levels.

// applicationRow is a case in a list, with its deadline as the viewer
// should read it.
type applicationRow struct {
	services.Application
	StageName string
	DaysLeft  int
	Overdue   bool
	DueSoon   bool
}

type queueData struct {
	Level    string
	Name     string
	Overdue  bool
	Rows     []applicationRow
	Page     int
	PrevURL  string
	NextURL  string
	Levels   []queueTile
	Today    string
	ShowDone bool
}

func (h *pages) rows(as []services.Application) []applicationRow {
	today, tomorrow := h.svc.Today(), h.svc.Tomorrow()
	out := make([]applicationRow, len(as))
	for i, a := range as {
		row := applicationRow{Application: a, Overdue: h.svc.Overdue(a), DueSoon: a.DueSoon(today, tomorrow)}
		switch a.Status {
		case services.StatusProcessing:
			row.StageName = a.CurrentStage().Name
			row.DaysLeft = h.svc.DaysLeft(a.StageDue)
		case services.StatusIncomplete, services.StatusReturned:
			row.StageName = "窗口"
		default:
			row.StageName = "已办结"
		}
		out[i] = row
	}
	return out
}

// serviceQueue lists one queue: the cases waiting at a level, the oldest
// deadline first, with overdue ones marked (and ?overdue=1 for only those).
func (h *pages) serviceQueue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	d := queueData{Level: q.Get("level"), Overdue: q.Get("overdue") == "1", Today: h.svc.Today()}
	if _, ok := queueNames[d.Level]; !ok && d.Level != services.QueueDone {
		d.Level = h.defaultQueue(rq.Viewer)
	}
	d.Name = queueNames[d.Level]
	if d.Level == services.QueueDone {
		d.Name = "已办结"
	}
	for _, l := range []string{services.QueueWindow, services.LevelCommunity, services.LevelStreet, services.LevelDistrict, services.QueueDone} {
		name := queueNames[l]
		if l == services.QueueDone {
			name = "已办结"
		}
		d.Levels = append(d.Levels, queueTile{QueueCount: services.QueueCount{Queue: l}, Name: name, Href: "/services/queue?level=" + l})
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = min(max(d.Page, 1), maxPage)
	as, more, err := h.svc.List(r.Context(), rq.Viewer.Scope(services.PermRead), services.Filter{Queue: d.Level,
		Overdue: d.Overdue, Limit: pageSize, Offset: (d.Page - 1) * pageSize})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Rows = h.rows(as)
	rq.Audit.Rows = len(as)
	link := func(page int) string {
		v := url.Values{"level": {d.Level}}
		if d.Overdue {
			v.Set("overdue", "1")
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/services/queue?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link(d.Page - 1)
	}
	if more && d.Page < maxPage {
		d.NextURL = link(d.Page + 1)
	}
	h.tmpl.Render(w, r, http.StatusOK, "services_queue", web.NewPage(rq, d.Name, "services", d))
}

// defaultQueue is the queue a viewer works in: the highest level they
// handle, else the window's.
func (h *pages) defaultQueue(v *access.Viewer) string {
	for _, l := range []string{services.LevelDistrict, services.LevelStreet, services.LevelCommunity} {
		if v.Can(services.HandlePerm(l)) && !v.Can(services.PermIntake) {
			return l
		}
	}
	if v.Can(services.PermIntake) {
		return services.QueueWindow
	}
	return services.LevelCommunity
}

type agentData struct {
	Rows []applicationRow
	More bool
	Done bool
}

// agentCases lists the cases the viewer carries as 代办员, at whatever
// level they wait.
func (h *pages) agentCases(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := agentData{Done: r.URL.Query().Get("done") == "1"}
	as, more, err := h.svc.List(r.Context(), rq.Viewer.Scope(services.PermRead),
		services.Filter{Agent: rq.User.ID, Open: !d.Done, Limit: 200})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Rows, d.More = h.rows(as), more
	rq.Audit.Rows = len(as)
	h.tmpl.Render(w, r, http.StatusOK, "services_agent", web.NewPage(rq, "我的代办", "services", d))
}
