package eventsweb

import (
	"context"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/web"
)

// eventBase is where a viewer reaches an event: its page for staff who
// read events there, the task page for a department.
func eventBase(v *access.Viewer, e *events.Event) string {
	if v.Scope(events.PermRead).Contains(e.Place()) {
		return "/events/" + strconv.FormatInt(e.ID, 10)
	}
	return "/events/tasks/" + strconv.FormatInt(e.ID, 10)
}

// eventRow is an event in a list.
type eventRow struct {
	*events.Event
	Href     string
	Category string
	Place    string
	Overdue  bool
}

func (h *handler) eventRows(ctx context.Context, rq *web.Request, list []*events.Event) ([]eventRow, error) {
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	now := h.Events.Now()
	names := map[int64]string{}
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		u, err := h.Org.Get(ctx, id)
		if err == nil {
			names[id] = u.Name
		}
		return names[id]
	}
	out := make([]eventRow, 0, len(list))
	for _, e := range list {
		place := name(e.CommunityID)
		if g := name(e.GridID); g != "" {
			place += " · " + g
		}
		out = append(out, eventRow{Event: e, Href: eventBase(rq.Viewer, e), Category: cat.Name(e.Category),
			Place: place, Overdue: e.Overdue(now)})
	}
	return out, nil
}
