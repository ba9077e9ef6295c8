package eventsweb

import (
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/web"
)

type eventListData struct {
	Rows       []eventRow
	Total      int
	Q          url.Values
	Statuses   []web.Option
	Categories []optGroup
	Prev, Next string
	Page       int
}

// eventList is every event the viewer may see, filtered and paged.
func (h *handler) eventList(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := events.Filter{Category: q.Get("category"), Text: q.Get("q"), Overdue: q.Get("overdue") == "1",
		Open: q.Get("open") == "1", Supervised: q.Get("supervised") == "1", Department: q.Get("department"),
		NewestFirst: q.Get("sort") == "new", Limit: 30}
	if s := q.Get("status"); s != "" {
		if events.StatusNames[s] == "" {
			h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
			return
		}
		f.Statuses = []string{s}
	}
	if id, ok := web.QueryID(r, "org"); ok {
		f.Unit = id
	} else if q.Has("org") {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(1, min(page, 1000))
	f.Offset = (page - 1) * f.Limit
	rq.Audit.Detail = audit.SearchDetail("events", web.Truncate(f.Text, 200))
	list, total, err := h.Events.List(ctx, rq.Viewer, f)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rows, err := h.eventRows(ctx, rq, list)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(rows)
	d := eventListData{Rows: rows, Total: total, Q: q, Page: page, Statuses: options(events.Statuses, events.StatusNames)}
	if d.Categories, err = h.categoryGroups(ctx, false, true); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	pageURL := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "/events/all?" + v.Encode()
	}
	if page > 1 {
		d.Prev = pageURL(page - 1)
	}
	if page*f.Limit < total {
		d.Next = pageURL(page + 1)
	}
	h.tmpl.Render(w, r, http.StatusOK, "events_list", web.NewPage(rq, "事件列表", "events", d))
}
