package proposalsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/orgtree"
	"shequ/internal/proposals"
)

// The public accountability page (议事落实公开), no login: a community's
// decided matters with the vote, the decision and the follow-up's state
// as the linked event stands now.

type yishiData struct {
	C        int64
	Name     string
	Accounts []proposals.Account
}

func (h *handler) accountability(w http.ResponseWriter, r *http.Request) {
	c, err := strconv.ParseInt(r.PathValue("community"), 10, 64)
	if err != nil || c <= 0 {
		http.NotFound(w, r)
		return
	}
	d := yishiData{C: c}
	if h.kit.Org != nil {
		u, err := h.kit.Org.Get(r.Context(), c)
		if err != nil || u.Level != orgtree.LevelCommunity {
			http.NotFound(w, r)
			return
		}
		d.Name = u.Name
	}
	if d.Accounts, err = h.d.Proposals.Accountability(r.Context(), c, 100); err != nil {
		h.kit.Log.Error("proposals: accountability", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	h.render(w, r, http.StatusOK, "yishi", "议事落实公开", h.resident(r), d)
}
