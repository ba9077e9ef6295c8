package eventsweb

import (
	"net/http"

	"shequ/internal/events"
	"shequ/internal/web"
)

type eventQueueData struct {
	Todo      []eventRow
	TodoTotal int // the whole queue; Todo holds its first rows
	Mine      []eventRow
	CanReport bool
	CanRead   bool
}

// eventQueue is the viewer's work: what waits for them to act, and what
// they reported that is still open.
func (h *handler) eventQueue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	// ?org= narrows the queue to a unit's (a grid's, a community's) work.
	unit, _ := web.QueryID(r, "org")
	todo, err := h.Events.Queue(ctx, rq.Viewer, unit, 100)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	total, _, err := h.Events.QueueCount(ctx, rq.Viewer, unit)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	mine, _, err := h.Events.List(ctx, rq.Viewer, events.Filter{Mine: rq.User.ID, Open: true, Limit: 50})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := eventQueueData{TodoTotal: total, CanReport: rq.Viewer.Can(events.PermReport), CanRead: rq.Viewer.Can(events.PermRead)}
	if d.Todo, err = h.eventRows(ctx, rq, todo); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Mine, err = h.eventRows(ctx, rq, mine); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "events_queue", web.NewPage(rq, "事件待办", "events", d))
}
