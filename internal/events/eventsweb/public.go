package eventsweb

import (
	"net/http"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// Residents' pages (no account): report a problem, optionally without a
// name, and follow it by its tracking number; rate it once it is closed.
// They show nothing personal. Lookups of numbers that do not exist are
// limited per address, so numbers cannot be found by trying; reports are
// limited per address too.

const publicCookie = "shequ_public" // the forms' CSRF token (double submit)

// lookupPublic finds an event by tracking number for the public pages,
// counting misses against the client's address.
func (h *handler) lookupPublic(r *http.Request, no string) (int, *events.PublicEvent, string) {
	addr := web.ClientAddr(r)
	if h.lookupMisses.Blocked(addr) {
		return http.StatusTooManyRequests, nil, "查询过于频繁,请一分钟后再试。"
	}
	pe, err := h.Events.Public(r.Context(), no)
	if fault.Is(err, fault.NotFound) {
		h.lookupMisses.Miss(addr)
		return http.StatusNotFound, nil, "没有找到这个受理号,请核对后重新输入(受理号以 E 开头,共15位)。"
	}
	if err != nil {
		h.Log.Error("public lookup", "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, nil, "查询失败,请稍后再试。"
	}
	return http.StatusOK, pe, ""
}
